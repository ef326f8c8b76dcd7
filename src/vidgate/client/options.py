"""What every request of a client shares: where, who, how long, how many retries."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

import httpx

from vidgate import __version__
from vidgate.client.calls import Call
from vidgate.client.errors import VidgateClientError
from vidgate.client.retries import RetryPolicy

DEFAULT_BASE_URL = "http://127.0.0.1:8000"
DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=5.0)
DEFAULT_MAX_RETRIES = 2


@dataclass(frozen=True, slots=True)
class ClientOptions:
    base_url: str
    api_key: str
    timeout: httpx.Timeout
    retries: RetryPolicy
    headers: Mapping[str, str]


def resolve_options(
    api_key: str | None,
    base_url: str | None,
    timeout: float | httpx.Timeout,
    max_retries: int | RetryPolicy,
    headers: Mapping[str, str] | None,
) -> ClientOptions:
    """Arguments first, then ``VIDGATE_API_KEY`` / ``VIDGATE_BASE_URL``, then defaults."""
    key = api_key or os.environ.get("VIDGATE_API_KEY")
    if not key:
        raise VidgateClientError("an API key is needed: api_key= or VIDGATE_API_KEY")
    url = base_url or os.environ.get("VIDGATE_BASE_URL") or DEFAULT_BASE_URL
    retries = max_retries if isinstance(max_retries, RetryPolicy) else RetryPolicy(max_retries)
    common = {
        "Authorization": f"Bearer {key}",
        "Accept": "application/json",
        "User-Agent": f"vidgate-python/{__version__}",
    }
    return ClientOptions(
        base_url=_root(url),
        api_key=key,
        timeout=timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout),
        retries=retries,
        headers={**common, **(headers or {})},
    )


def build_request(
    http: httpx.Client | httpx.AsyncClient, options: ClientOptions, call: Call
) -> httpx.Request:
    return http.build_request(
        call.method,
        options.base_url + call.path,
        params=call.params or None,
        json=call.json,
        files=call.files,
        headers={**options.headers, **call.headers},
        timeout=options.timeout,
    )


def _root(url: str) -> str:
    """``http://host:8000/v1/`` and ``http://host:8000`` both mean the server's root."""
    url = url.rstrip("/")
    return url.removesuffix("/v1")
