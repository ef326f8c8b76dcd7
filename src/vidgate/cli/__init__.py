"""The ``vidgate`` command line: thin commands over bootstrap and the SDK."""

import sys

# httpx's package imports its own command-line tool (and with it click, rich and pygments,
# ~4 MB resident in every server and worker) whenever those are installed, which vidgate's
# CLI makes them. No vidgate process runs httpx's tool; with its module marked missing,
# httpx takes the fallback it has for an install without its [cli] extra.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
