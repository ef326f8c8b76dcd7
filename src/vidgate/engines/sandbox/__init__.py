"""The sandbox engine: a real, deterministic MP4 for every model, at no cost."""

from vidgate.engines.sandbox.engine import SandboxEngine

__all__ = ["SandboxEngine"]
