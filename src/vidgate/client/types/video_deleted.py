"""``VideoDeleted``: the answer to ``DELETE /v1/videos/{id}``."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict


class VideoDeleted(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: str
    object: Literal["video.deleted"] = "video.deleted"
    deleted: bool
