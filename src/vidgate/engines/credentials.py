"""A deployment's credentials: which are missing, and how a secret goes on the wire."""

from __future__ import annotations

from collections.abc import Iterable

from vidgate.domain.errors import UpstreamAuth
from vidgate.domain.routing import Deployment


def missing_credentials(deployment: Deployment, names: Iterable[str]) -> list[str]:
    return [name for name in names if not deployment.credentials.get(name)]


def credential(deployment: Deployment, vendor: str, name: str) -> str:
    """The secret ``name``; a deployment without it cannot be authenticated at the vendor."""
    secret = deployment.credentials.get(name)
    if not secret:
        raise UpstreamAuth(f"deployment {deployment.name!r} has no {vendor} {name}")
    return secret


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
