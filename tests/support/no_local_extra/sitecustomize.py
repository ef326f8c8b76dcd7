"""Makes the ``vidgate[local]`` extra invisible to every Python process that has this folder
on its ``PYTHONPATH``, as on an install made with ``pip install -e .`` alone: importing it
fails, and neither ``importlib.util.find_spec`` nor ``importlib.metadata`` finds it."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from importlib.abc import MetaPathFinder
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import Any

EXTRA = frozenset({"torch", "diffusers", "transformers", "accelerate", "safetensors", "ftfy"})


class WithoutLocalExtra(MetaPathFinder):
    """The interpreter's own finders, blind to the extra's packages."""

    def __init__(self, finders: list[Any]) -> None:
        self._finders = finders

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None = None,
        target: ModuleType | None = None,
    ) -> ModuleSpec | None:
        if fullname.partition(".")[0] in EXTRA:
            return None
        for finder in self._finders:
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                return spec  # type: ignore[no-any-return]
        return None

    def find_distributions(self, *args: Any, **kwargs: Any) -> Iterator[Any]:
        """Installed distributions (``importlib.metadata``), without the extra's."""
        for finder in self._finders:
            if hasattr(finder, "find_distributions"):
                for dist in finder.find_distributions(*args, **kwargs):
                    name = (dist.metadata["Name"] or "").lower().replace("-", "_")
                    if name not in EXTRA:
                        yield dist

    def invalidate_caches(self) -> None:
        for finder in self._finders:
            if hasattr(finder, "invalidate_caches"):
                finder.invalidate_caches()


sys.meta_path[:] = [WithoutLocalExtra(list(sys.meta_path))]
