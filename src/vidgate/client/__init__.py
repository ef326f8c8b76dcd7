"""The vidgate SDK: ``Client`` / ``AsyncClient`` for vidgate's /v1/videos API.

Depends on httpx and pydantic only; it never imports the server (an import-linter contract
and ``tests/unit/client/test_imports.py`` hold it to that).

    from vidgate.client import Client

    with Client(base_url="http://127.0.0.1:8000", api_key="vg_…") as client:
        video = client.generate("veo2", "A cheetah at dawn", size="1280x720")
        client.videos.download(video.id, "cheetah.mp4")
"""

from vidgate.client.async_client import AsyncClient, AsyncVideos
from vidgate.client.calls import Order, Variant
from vidgate.client.errors import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InsufficientCreditsError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServiceUnavailableError,
    VidgateClientError,
    WaitTimeout,
)
from vidgate.client.pagination import AsyncVideoPages, VideoPages
from vidgate.client.retries import RetryPolicy
from vidgate.client.sync_client import Client, Videos
from vidgate.client.types import (
    InputReference,
    ParamValue,
    Video,
    VideoDeleted,
    VideoError,
    VideoList,
    VideoStatus,
    VideoUsage,
)

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncClient",
    "AsyncVideoPages",
    "AsyncVideos",
    "AuthenticationError",
    "BadRequestError",
    "Client",
    "ConflictError",
    "InputReference",
    "InsufficientCreditsError",
    "InternalServerError",
    "NotFoundError",
    "Order",
    "ParamValue",
    "PermissionDeniedError",
    "RateLimitError",
    "RetryPolicy",
    "ServiceUnavailableError",
    "Variant",
    "Video",
    "VideoDeleted",
    "VideoError",
    "VideoList",
    "VideoPages",
    "VideoStatus",
    "VideoUsage",
    "Videos",
    "VidgateClientError",
    "WaitTimeout",
]
