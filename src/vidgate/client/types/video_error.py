"""``VideoError``: why a generation ended ``failed`` (``code`` ``cancelled``, ``timeout``, …)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class VideoError(BaseModel):
    model_config = ConfigDict(extra="allow")

    code: str
    message: str
