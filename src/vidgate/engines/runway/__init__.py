"""Runway (developer API): gen3a_turbo and gen4_turbo image-to-video."""

from vidgate.engines.runway.engine import RunwayEngine

__all__ = ["RunwayEngine"]
