"""Media work with PyAV and Pillow: encoding, probing, previews, input images."""
