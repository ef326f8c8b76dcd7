"""The local Wan engine through the HTTP API, on a tiny random-weight folder.

The folder has the real layout and component classes, so the server loads it through
the code path that loads Wan-AI/Wan2.1-T2V-1.3B-Diffusers; only the weights are tiny.
A generation at the model's real shape (832x480, 81 frames) takes about a minute on two
CPU cores, mostly in the VAE decode.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import av
import httpx
import numpy as np
import pytest

from tests.e2e.helpers import download, headers
from tests.support.server_process import ServerProcess, base_env, create_key

pytest.importorskip("diffusers", reason="needs the vidgate[local] extra")
pytestmark = pytest.mark.local

BODY = {
    "model": "wan/v2.1/1.3b/text-to-video",
    "prompt": "a cat walks on the grass",
    "seed": 1234,
    "inference_steps": 3,
    "guidance_scale": 1,
    "aspect_ratio": "16:9",
}


@pytest.fixture(scope="module")
def local_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServerProcess, str]]:
    from tests.support.tiny_wan import build_tiny_wan

    data = tmp_path_factory.mktemp("local")
    model_dir = build_tiny_wan(data / "tiny-wan")
    routing = data / "routing.toml"
    routing.write_text(
        "[deployments.local-wan]\n"
        'engine = "diffusers"\n'
        f'options = {{ model_dir = "{model_dir}", device = "cpu" }}\n'
        "[routes]\n"
        '"wan/v2.1/1.3b/text-to-video" = ["local-wan"]\n'
    )
    env = base_env(
        data,
        VIDGATE_ROUTING_FILE=str(routing),
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        VIDGATE_LEASE_SECONDS="30",
        VIDGATE_JOB_TIMEOUT_SECONDS="900",
    )
    key = create_key(env, credits=10_000, name="gpu-user")
    server = ServerProcess(env).start()
    try:
        yield server, key
    finally:
        server.stop()


def _follow(client: httpx.Client, generation_id: str) -> tuple[dict, list[tuple[str, int]]]:  # type: ignore[type-arg]
    seen: list[tuple[str, int]] = []
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        body = client.get("/v2/video/generations", params={"generation_id": generation_id}).json()
        state = (body["status"], body["progress"])
        if not seen or seen[-1] != state:
            seen.append(state)
        if body["status"] in ("completed", "error"):
            return body, seen
        time.sleep(0.2)
    raise AssertionError(f"not done: {seen}")


def _frames(path: Path) -> np.ndarray:
    with av.open(str(path)) as container:
        return np.stack([f.to_ndarray(format="rgb24") for f in container.decode(video=0)])


def test_wan_runs_locally_one_job_at_a_time_cancels_and_repeats_its_frames(
    local_server: tuple[ServerProcess, str], tmp_path: Path
) -> None:
    server, key = local_server
    with httpx.Client(base_url=server.url, headers=headers(key), timeout=60) as client:
        created = [
            client.post("/v2/generate/video/alibaba/generation", json=BODY).json() for _ in range(3)
        ]
        assert [c["status"] for c in created] == ["queued"] * 3
        first, cancelled, repeat = (c["id"] for c in created)

        _wait_for_status(client, first, "generating")
        assert _status(client, cancelled) == "queued"  # one generation at a time per device
        done, seen = _follow(client, first)
        _wait_for_status(client, cancelled, "generating")

        client.post("/v2/video/generations/cancel", params={"generation_id": cancelled})
        stopped, _ = _follow(client, cancelled)
        again, _ = _follow(client, repeat)
        one = _frames(download(client, done["video"]["url"], tmp_path / "one.mp4"))
        two = _frames(download(client, again["video"]["url"], tmp_path / "two.mp4"))
    statuses = [s for s, _ in seen]
    assert statuses[0] == "generating" and statuses[-1] == "completed"

    progress = [p for s, p in seen if s == "generating"]
    assert len(set(progress)) >= 2 and progress == sorted(progress)
    assert done["meta"]["engine"] == "diffusers" and done["meta"]["seed"] == 1234
    assert one.shape == (81, 480, 832, 3) and one.std() > 1
    assert np.array_equal(one, two)
    assert stopped["status"] == "error" and stopped["error"]["name"] == "cancelled"
    assert stopped["meta"]["usage"]["credits_used"] == 0
    assert again["status"] == "completed"


def _status(client: httpx.Client, generation_id: str) -> str:
    body = client.get("/v2/video/generations", params={"generation_id": generation_id}).json()
    return str(body["status"])


def _wait_for_status(client: httpx.Client, generation_id: str, status: str) -> None:
    deadline = time.monotonic() + 120
    while _status(client, generation_id) != status:
        assert time.monotonic() < deadline, f"{generation_id} never became {status}"
        time.sleep(0.1)
