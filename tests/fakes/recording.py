"""What a fake keeps of every request it receives, refused ones included, in order."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    json: Any
    query: dict[str, str] = field(default_factory=dict)


class RequestLog(list[RecordedRequest]):
    """A fake's ``requests``: a list, with the recording and the lookup every fake needs."""

    async def record(self, request: Request) -> Any:
        """Keep ``request``; return its body as JSON (text when it is not JSON, None if empty)."""
        raw = await request.body()
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        self.append(
            RecordedRequest(
                method=request.method,
                path=request.url.path,
                headers=dict(request.headers),
                json=body,
                query=dict(request.query_params),
            )
        )
        return body

    def calls(self, path: str, method: str | None = None) -> list[RecordedRequest]:
        """The requests to ``path`` (with ``method``, when given)."""
        return [r for r in self if r.path == path and method in (None, r.method)]
