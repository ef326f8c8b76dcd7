"""The worker: claims jobs from the store, drives engines, stores outputs."""
