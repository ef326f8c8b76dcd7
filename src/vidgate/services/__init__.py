"""Use-cases over the protocols: submit, get, cancel, keys and credits. No FastAPI, no SQL."""
