"""MiniMax (Hailuo video API, v1 flow): video-01 and video-01-live2d."""

from vidgate.engines.minimax.engine import MiniMaxEngine

__all__ = ["MiniMaxEngine"]
