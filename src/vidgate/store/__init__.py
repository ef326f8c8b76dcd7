"""The job store and queue (SQLAlchemy Core; SQLite or PostgreSQL)."""
