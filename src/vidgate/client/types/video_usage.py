"""``VideoUsage``: what a generation cost (a vidgate addition to OpenAI's shape)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class VideoUsage(BaseModel):
    model_config = ConfigDict(extra="allow")

    credits: int = 0
