"""The process's one TLS client context, made when the first HTTPS connection needs it.

Loading the CA bundle into a context costs about 1.6 MB and a few milliseconds; a server
that never calls a vendor or fetches an image over HTTPS never pays it, and the vendor
client, the image fetcher and the webhook sender share one context when they do.
"""

from __future__ import annotations

import functools
import ssl

import httpx


@functools.cache
def client_ssl_context() -> ssl.SSLContext:
    return httpx.create_ssl_context()
