"""The HTTP layer: an app factory and one folder per dialect."""
