"""The playground's files: served from an allow-list, under a CSP that names this server only."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest

from vidgate.api.app import create_app
from vidgate.api.playground.routes import ASSETS, STATIC, content_security_policy


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(None, max_request_bytes=1024)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as opened:
        yield opened


@pytest.mark.parametrize(
    ("path", "media_type"),
    [
        ("/playground", "text/html"),
        ("/playground/playground.js", "text/javascript"),
        ("/playground/playground.css", "text/css"),
    ],
)
async def test_each_file_is_served_with_its_type_and_the_policy(
    client: httpx.AsyncClient, path: str, media_type: str
) -> None:
    response = await client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media_type)
    assert response.headers["content-security-policy"] == content_security_policy()
    assert response.headers["x-content-type-options"] == "nosniff"


async def test_files_outside_the_allow_list_are_not_served(client: httpx.AsyncClient) -> None:
    for name in ("index.html", "routes.py", "..%2Froutes.py", "__init__.py"):
        assert (await client.get(f"/playground/{name}")).status_code == 404, name


def test_the_policy_allows_this_server_only() -> None:
    policy = content_security_policy("http://127.0.0.1:8000")
    directives = dict(d.split(" ", 1) for d in policy.split("; "))
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == directives["connect-src"] == "'self'"
    assert directives["img-src"] == "'self' data: blob:"
    assert directives["media-src"] == "'self' blob: http://127.0.0.1:8000"


def test_the_static_files_reference_no_other_host() -> None:
    for name in ["index.html", *ASSETS]:
        text = (STATIC / name).read_text()
        assert not re.search(r"(https?:)?//[\w.-]+\.\w", text), name
        assert "@import" not in text and "url(" not in text, name
