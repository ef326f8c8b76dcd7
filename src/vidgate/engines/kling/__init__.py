"""Kling AI (official API): kling-v1 and kling-v1-6, text-to-video and image-to-video."""

from vidgate.engines.kling.engine import KlingEngine

__all__ = ["KlingEngine"]
