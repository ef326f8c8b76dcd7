"""Engines do the generating: one module (or package) per engine behind ``protocol.py``.

An engine knows the domain only. It never imports another engine, the store, the blob store
or the HTTP layer; it gets an ``httpx.AsyncClient`` and plain settings from ``bootstrap``.
"""
