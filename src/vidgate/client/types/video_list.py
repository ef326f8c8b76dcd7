"""``VideoList``: one page of ``GET /v1/videos``; the next page starts ``after`` ``last_id``."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from vidgate.client.types.video import Video


class VideoList(BaseModel):
    model_config = ConfigDict(extra="allow")

    object: Literal["list"] = "list"
    data: list[Video]
    first_id: str | None = None
    last_id: str | None = None
    has_more: bool = False

    @property
    def next_after(self) -> str | None:
        """The ``after`` cursor of the next page, or None on the last page."""
        if not self.data or not self.has_more or not self.last_id:
            return None
        return self.last_id
