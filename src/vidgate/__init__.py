"""vidgate: a self-hosted video-generation API."""

__version__ = "0.1.0"
