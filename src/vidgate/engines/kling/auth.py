"""Kling's request tokens: a short-lived HS256 JWT signed with the account's secret key.

Each request carries ``Authorization: Bearer <jwt>`` whose payload is ``iss`` (the access
key), ``exp`` and ``nbf``. Signing is cheap but a token per request is pointless, so tokens
are cached per key pair and replaced a few minutes before they expire.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from vidgate.domain.errors import UpstreamAuth

TOKEN_LIFETIME = 1800.0
REFRESH_BEFORE_EXPIRY = 300.0
NOT_BEFORE_MARGIN = 5.0
# After Kling answers 1003 ("token not yet valid") its clock is behind ours; the replacement
# token backdates nbf further so up to a minute of skew is absorbed.
SKEWED_NOT_BEFORE_MARGIN = 60.0


@dataclass(frozen=True, slots=True)
class KlingKeys:
    access_key: str
    secret_key: str = field(repr=False)

    @classmethod
    def from_credentials(cls, credentials: Mapping[str, str]) -> KlingKeys:
        access_key = credentials.get("access_key")
        secret_key = credentials.get("secret_key")
        if not access_key or not secret_key:
            raise UpstreamAuth("kling: the deployment needs credentials access_key and secret_key")
        return cls(access_key, secret_key)


@dataclass(frozen=True, slots=True)
class SignedToken:
    value: str
    expires_at: float


def sign_token(
    keys: KlingKeys,
    now: float,
    *,
    lifetime: float = TOKEN_LIFETIME,
    not_before_margin: float = NOT_BEFORE_MARGIN,
) -> SignedToken:
    expires_at = int(now + lifetime)
    payload = {"iss": keys.access_key, "exp": expires_at, "nbf": int(now - not_before_margin)}
    import jwt  # with cryptography ~9 MB, loaded by the first Kling request

    with warnings.catch_warnings():
        # PyJWT warns about HMAC keys under 32 bytes; Kling issues the secret, we cannot choose.
        warnings.filterwarnings("ignore", message="The HMAC key is")
        value = jwt.encode(payload, keys.secret_key, algorithm="HS256", headers={"typ": "JWT"})
    return SignedToken(value, float(expires_at))


class TokenCache:
    """One live token per key pair, renewed ``refresh_before`` seconds ahead of ``exp``."""

    def __init__(
        self, clock: Callable[[], float], *, refresh_before: float = REFRESH_BEFORE_EXPIRY
    ) -> None:
        self._clock = clock
        self._refresh_before = refresh_before
        self._tokens: dict[KlingKeys, SignedToken] = {}
        self._margins: dict[KlingKeys, float] = {}

    def token(self, keys: KlingKeys) -> str:
        cached = self._tokens.get(keys)
        if cached is None or self._clock() >= cached.expires_at - self._refresh_before:
            return self.renew(keys)
        return cached.value

    def renew(self, keys: KlingKeys, *, clock_skew: bool = False) -> str:
        """Sign a fresh token; ``clock_skew`` backdates nbf for this and later tokens."""
        if clock_skew:
            self._margins[keys] = SKEWED_NOT_BEFORE_MARGIN
        margin = self._margins.get(keys, NOT_BEFORE_MARGIN)
        signed = sign_token(keys, self._clock(), not_before_margin=margin)
        self._tokens[keys] = signed
        return signed.value
