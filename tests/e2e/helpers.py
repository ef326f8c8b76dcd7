"""Client-side steps of the seed's flow, over real HTTP."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx

from tests.support.media import data_uri, png_bytes
from vidgate.domain.catalogue import ModelSpec
from vidgate.domain.seed_catalogue import seed_catalogue

TERMINAL = {"completed", "error"}


def minimal_body(spec: ModelSpec) -> dict[str, Any]:
    """The model's required fields, with a 640x360 PNG wherever an image is required."""
    body: dict[str, Any] = {"model": spec.id}
    for name in spec.required:
        param = spec.params[name]
        body[name] = data_uri(png_bytes()) if param.image else "A cheetah turns toward the camera."
    return body


def poll_until_done(
    client: httpx.Client, path: str, generation_id: str, timeout: float = 120
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    seen: list[str] = []
    while time.monotonic() < deadline:
        response = client.get(path, params={"generation_id": generation_id})
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        if not seen or seen[-1] != body["status"]:
            seen.append(body["status"])
        if body["status"] in TERMINAL:
            body["_statuses_seen"] = seen
            return body
        time.sleep(0.1)
    raise AssertionError(f"generation {generation_id} not done in {timeout} s (saw {seen})")


def download(client: httpx.Client, url: str, target: Path) -> Path:
    with client.stream("GET", url) as response:
        assert response.status_code == 200, response.read()
        assert response.headers["content-type"] == "video/mp4"
        with target.open("wb") as handle:
            for chunk in response.iter_bytes():
                handle.write(chunk)
    return target


def all_models() -> list[ModelSpec]:
    return list(seed_catalogue())


def headers(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
