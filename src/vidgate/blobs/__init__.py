"""Object storage for outputs, previews and input images (local disk, S3)."""
