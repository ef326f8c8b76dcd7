"""The Google fake as one Starlette app serving both Veo surfaces and their downloads.

Mount ``create_app(fake)`` in-process with ``httpx.ASGITransport`` (unit tests), or on
127.0.0.1 with ``tests.support.servers.serve_in_thread`` (end-to-end tests). Point a
deployment's ``base_url`` at it (and, for Vertex, ``options["storage_base_url"]``); result
links are built from the incoming request's base URL, so they work in both.
"""

from __future__ import annotations

from starlette.applications import Starlette

from tests.fakes.google.gemini import gemini_routes
from tests.fakes.google.state import GoogleFake
from tests.fakes.google.vertex import vertex_routes


def create_app(fake: GoogleFake) -> Starlette:
    return Starlette(routes=[*gemini_routes(fake), *vertex_routes(fake)])
