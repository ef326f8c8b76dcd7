"""The local engine: diffusers video pipelines (Wan 2.1 T2V 1.3B) in a child process.

Needs the ``vidgate[local]`` extra at run time only: importing this package never imports
torch or diffusers (the child process does). See docs/local-engine.md.
"""

from vidgate.engines.diffusers.engine import DiffusersEngine

__all__ = ["DiffusersEngine"]
