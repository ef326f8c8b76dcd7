"""Kling's bearer-token check: an HS256 JWT with ``iss`` = access key, ``nbf`` and ``exp``.

Times are read from the fake's clock (not PyJWT's), so tests can skew either side.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import jwt

from tests.fakes.kling.state import KlingFake


@dataclass(frozen=True, slots=True)
class AuthFailure:
    code: int
    message: str
    http_status: int = 401


def check_authorization(header: str | None, fake: KlingFake) -> AuthFailure | None:
    if not header:
        return AuthFailure(1001, "Authorization is empty")
    scheme, _, token = header.partition(" ")
    if scheme != "Bearer" or not token or token != token.strip():
        return AuthFailure(1002, "Authorization is invalid: expected 'Bearer <token>'")
    claims = _verified_claims(token, fake)
    if isinstance(claims, AuthFailure):
        return claims
    now = fake.clock()
    if float(claims["nbf"]) > now:
        return AuthFailure(1003, "Authorization is not yet valid")
    if float(claims["exp"]) <= now:
        return AuthFailure(1004, "Authorization has expired")
    return None


def _verified_claims(token: str, fake: KlingFake) -> dict[str, Any] | AuthFailure:
    try:
        header = jwt.get_unverified_header(token)
        issuer = jwt.decode(token, options={"verify_signature": False}).get("iss")
    except jwt.InvalidTokenError:
        return AuthFailure(1002, "Authorization is invalid: not a JWT")
    if header.get("alg") != "HS256":
        return AuthFailure(1002, f"Authorization is invalid: alg {header.get('alg')!r}")
    if issuer != fake.access_key:
        return AuthFailure(1000, "Authentication failed: unknown access key")
    try:
        return jwt.decode(
            token,
            fake.secret_key,
            algorithms=["HS256"],
            options={
                "verify_exp": False,
                "verify_nbf": False,
                "require": ["iss", "exp", "nbf"],
            },
        )
    except jwt.InvalidSignatureError:
        return AuthFailure(1002, "Authorization is invalid: bad signature")
    except jwt.InvalidTokenError as exc:
        return AuthFailure(1002, f"Authorization is invalid: {exc}")
