"""Replacing one benchmark's section of docs/benchmarks.md between its comment markers."""

from __future__ import annotations

from pathlib import Path


def write_section(doc: Path, start: str, end: str, body: str) -> None:
    """Put ``body`` between ``start`` and ``end`` in ``doc`` (appended when absent)."""
    current = doc.read_text() if doc.exists() else "# Benchmarks\n"
    block = f"{start}\n{body.rstrip()}\n{end}\n"
    if start in current and end in current:
        before, rest = current.split(start, 1)
        after = rest.split(end, 1)[1].lstrip("\n")
        updated = before + block + ("\n" + after if after else "")
    else:
        updated = current.rstrip() + "\n\n" + block
    doc.parent.mkdir(parents=True, exist_ok=True)
    doc.write_text(updated)
