"""The one error tree of vidgate.

Every layer raises these; each HTTP dialect maps them to its own envelope in one place
(``api/aiml/errors.py``, ``api/openai/errors.py``). Third-party errors (httpx, SQLAlchemy,
vendor bodies) are translated into this tree at the boundary that meets them.

    VidgateError
    ├── RequestError                 the caller sent something we refuse (4xx)
    │   ├── InvalidRequest           a field is missing, unknown or out of range
    │   │   └── InvalidImage         an input image breaks the model's image rules
    │   ├── AuthenticationFailed     no key, unknown key, revoked key
    │   ├── PermissionDenied         the key may not do this (admin routes)
    │   ├── NotFound                 no such generation for this key
    │   ├── InsufficientCredits      the price is above the balance
    │   ├── Conflict                 an idempotency key reused with another body
    │   ├── InvalidState             the generation is not in a state that allows this
    │   └── RateLimited              the caller must slow down
    ├── ServiceUnavailable           nothing can serve the request right now (503)
    │   └── EngineUnavailable        no engine is configured or ready for the model
    └── GenerationError              a generation ended in error (job state, not an HTTP error)
        ├── ContentRefused           the vendor's moderation refused the input or output
        ├── UpstreamBadInput         the vendor rejected the request as invalid
        ├── UpstreamQuota            the vendor account is out of quota or money
        ├── UpstreamRateLimited      transient: the vendor asks us to slow down
        ├── UpstreamUnavailable      transient: the vendor is down or overloaded
        ├── UpstreamAuth             the vendor refused our credentials
        ├── UpstreamLost             we cannot know whether the vendor accepted the job
        ├── GenerationTimeout        the job ran past its deadline
        ├── OutputInvalid            the produced file is missing, too big or not a video
        ├── EngineCrashed            the engine (or its child process) died
        ├── Cancelled                the caller cancelled the generation
        └── InternalError            a bug; the message says so
"""

from __future__ import annotations

from collections.abc import Sequence


class VidgateError(Exception):
    """Base of every error vidgate raises on purpose."""

    name: str = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RequestError(VidgateError):
    name = "bad_request"


class InvalidRequest(RequestError):
    name = "invalid_request"

    def __init__(
        self, message: str, *, field: str | None = None, allowed: Sequence[object] | None = None
    ) -> None:
        super().__init__(message)
        self.field = field
        self.allowed = list(allowed) if allowed is not None else None


class InvalidImage(InvalidRequest):
    name = "invalid_image"


class AuthenticationFailed(RequestError):
    name = "unauthorized"


class PermissionDenied(RequestError):
    name = "forbidden"


class NotFound(RequestError):
    name = "not_found"


class InsufficientCredits(RequestError):
    name = "insufficient_credits"

    def __init__(self, *, price: int, balance: int) -> None:
        super().__init__(
            f"this generation costs {price} credits but the key's balance is {balance}"
        )
        self.price = price
        self.balance = balance


class Conflict(RequestError):
    name = "conflict"


class InvalidState(RequestError):
    name = "invalid_state"


class RateLimited(RequestError):
    name = "rate_limited"

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ServiceUnavailable(VidgateError):
    name = "service_unavailable"


class EngineUnavailable(ServiceUnavailable):
    name = "engine_unavailable"


class GenerationError(VidgateError):
    """A generation ended in error. ``retryable`` says whether trying again may help."""

    name = "generation_failed"
    retryable = False


class ContentRefused(GenerationError):
    name = "content_refused"


class UpstreamBadInput(GenerationError):
    name = "invalid_input"


class UpstreamQuota(GenerationError):
    name = "quota_exceeded"


class UpstreamAuth(GenerationError):
    name = "vendor_auth_failed"


class UpstreamRateLimited(GenerationError):
    name = "rate_limited"
    retryable = True

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class UpstreamUnavailable(GenerationError):
    name = "vendor_unavailable"
    retryable = True

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class UpstreamLost(GenerationError):
    name = "upstream_unknown"


class GenerationTimeout(GenerationError):
    name = "timeout"


class OutputInvalid(GenerationError):
    name = "invalid_output"


class EngineCrashed(GenerationError):
    name = "engine_crashed"


class Cancelled(GenerationError):
    name = "cancelled"


class InternalError(GenerationError):
    name = "internal_error"


GENERATION_ERRORS: dict[str, type[GenerationError]] = {
    cls.name: cls
    for cls in (
        ContentRefused,
        UpstreamBadInput,
        UpstreamQuota,
        UpstreamAuth,
        UpstreamRateLimited,
        UpstreamUnavailable,
        UpstreamLost,
        GenerationTimeout,
        OutputInvalid,
        EngineCrashed,
        Cancelled,
        InternalError,
    )
}
