"""The Kling fake itself behaves like Kling's documented API (so engine tests mean something)."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from typing import Any

import httpx
import jwt
import pytest

from tests.fakes.kling import KlingFake, create_app
from tests.support.engine_context import RecordingContext
from tests.support.media import png_bytes
from tests.support.servers import serve_in_thread
from tests.support.simulated_time import SimulatedTime
from tests.unit.engines.kling.harness import JobFactory, deployment_for
from vidgate.engines.kling import KlingEngine
from vidgate.engines.protocol import RemoteVideo

PNG = base64.b64encode(png_bytes(320, 320)).decode()
T2V_BODY = {"model_name": "kling-v1", "prompt": "a fox", "duration": "5", "mode": "std"}


def token(
    fake: KlingFake, *, nbf: float | None = None, exp: float | None = None, sk: str = ""
) -> str:
    now = fake.clock()
    payload = {
        "iss": fake.access_key,
        "exp": int(now + 1800 if exp is None else exp),
        "nbf": int(now - 5 if nbf is None else nbf),
    }
    return jwt.encode(payload, sk or fake.secret_key, algorithm="HS256")


@pytest.fixture
async def client(fake: KlingFake) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(fake))
    headers = {"Authorization": f"Bearer {token(fake)}"}
    async with httpx.AsyncClient(
        transport=transport, base_url="http://kling.test", headers=headers
    ) as http:
        yield http


async def create(client: httpx.AsyncClient, family: str, body: dict[str, Any]) -> httpx.Response:
    return await client.post(f"/v1/videos/{family}", json=body)


def assert_error(response: httpx.Response, status: int, code: int) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] == code
    assert set(body) == {"code", "message", "request_id"}


@pytest.mark.parametrize(
    ("authorization", "code"),
    [
        (None, 1001),
        ("Token abc", 1002),
        ("Bearer not-a-jwt", 1002),
    ],
)
async def test_malformed_authorization_is_refused(
    fake: KlingFake, client: httpx.AsyncClient, authorization: str | None, code: int
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    client.headers.pop("Authorization")

    assert_error(
        await client.post("/v1/videos/text2video", json=T2V_BODY, headers=headers), 401, code
    )


async def test_token_checks_signature_not_before_and_expiry(
    fake: KlingFake, client: httpx.AsyncClient
) -> None:
    now = fake.clock()
    cases = [
        (token(fake, sk="sk-wrong-0123456789abcdef0123456789ab"), 1002),
        (token(fake, nbf=now + 60), 1003),
        (token(fake, exp=now - 1), 1004),
    ]
    for value, code in cases:
        response = await client.post(
            "/v1/videos/text2video", json=T2V_BODY, headers={"Authorization": f"Bearer {value}"}
        )
        assert_error(response, 401, code)
    assert fake.tasks == {}


async def test_create_answers_the_envelope_with_a_numeric_task_id(
    client: httpx.AsyncClient, fake: KlingFake
) -> None:
    response = await create(client, "text2video", {**T2V_BODY, "external_task_id": "job-1"})

    body = response.json()
    assert response.status_code == 200
    assert (body["code"], body["message"]) == (0, "SUCCEED")
    assert body["request_id"]
    data = body["data"]
    assert data["task_id"].isdigit()
    assert data["task_status"] == "submitted"
    assert data["task_info"] == {"external_task_id": "job-1"}
    assert data["created_at"] == data["updated_at"] > 10**12


async def test_task_walks_through_its_states_on_its_family_path(
    client: httpx.AsyncClient, fake: KlingFake
) -> None:
    task_id = (await create(client, "text2video", T2V_BODY)).json()["data"]["task_id"]

    states = [
        (await client.get(f"/v1/videos/text2video/{task_id}")).json()["data"]["task_status"]
        for _ in range(4)
    ]

    assert states == ["submitted", "processing", "succeed", "succeed"]
    assert_error(await client.get(f"/v1/videos/image2video/{task_id}"), 404, 1203)
    assert_error(await client.get("/v1/videos/text2video/123"), 404, 1203)


async def test_task_is_found_by_its_external_id(client: httpx.AsyncClient) -> None:
    await create(client, "text2video", {**T2V_BODY, "external_task_id": "job-7"})

    response = await client.get("/v1/videos/text2video/job-7")

    assert response.json()["data"]["task_info"] == {"external_task_id": "job-7"}


async def test_duplicate_external_task_id_is_refused(client: httpx.AsyncClient) -> None:
    body = {**T2V_BODY, "external_task_id": "job-2"}
    await create(client, "text2video", body)

    assert_error(await create(client, "text2video", body), 400, 1201)


@pytest.mark.parametrize(
    ("family", "body"),
    [
        ("text2video", {**T2V_BODY, "duration": 5}),
        ("text2video", {**T2V_BODY, "mode": "turbo"}),
        ("text2video", {**T2V_BODY, "aspect_ratio": "4:3"}),
        ("text2video", {**T2V_BODY, "prompt": ""}),
        ("text2video", {**T2V_BODY, "cfg_scale": 1.5}),
        ("text2video", {**T2V_BODY, "camera_control": {"type": "simple", "config": {"zoom": 0}}}),
        ("text2video", {**T2V_BODY, "camera_control": {"type": "down_back", "config": {"pan": 1}}}),
        ("image2video", {"prompt": "p", "duration": "5"}),
        ("image2video", {"image": f"data:image/png;base64,{PNG}"}),
        ("image2video", {"image": "not base64!"}),
        ("image2video", {"image": PNG, "aspect_ratio": "16:9"}),
        ("image2video", {"image": PNG, "image_tail": PNG, "static_mask": PNG}),
        (
            "image2video",
            {"image": PNG, "image_tail": PNG, "camera_control": {"type": "forward_up"}},
        ),
        (
            "image2video",
            {"image": PNG, "dynamic_masks": [{"mask": PNG, "trajectories": [{"x": 1, "y": 1}]}]},
        ),
    ],
)
async def test_invalid_create_bodies_are_refused_with_1201(
    client: httpx.AsyncClient, fake: KlingFake, family: str, body: dict[str, Any]
) -> None:
    assert_error(await create(client, family, body), 400, 1201)
    assert fake.tasks == {}


async def test_image_to_video_accepts_raw_base64_and_urls(client: httpx.AsyncClient) -> None:
    raw = await create(client, "image2video", {"image": PNG, "image_tail": PNG})
    url = await create(client, "image2video", {"image": "https://images.example/a.png"})

    assert raw.status_code == url.status_code == 200


async def test_concurrency_cap_answers_1303(client: httpx.AsyncClient, fake: KlingFake) -> None:
    fake.max_concurrency = 1
    await create(client, "text2video", T2V_BODY)

    assert_error(await create(client, "text2video", T2V_BODY), 429, 1303)


async def test_billing_scenario_answers_429_with_1102(
    client: httpx.AsyncClient, fake: KlingFake
) -> None:
    fake.scenario = "billing_exhausted"

    assert_error(await create(client, "text2video", T2V_BODY), 429, 1102)


def test_unknown_scenario_is_refused(fake: KlingFake) -> None:
    with pytest.raises(ValueError, match="unknown kling scenario"):
        fake.scenario = "explodes"


async def test_result_link_needs_no_auth_and_expires(
    client: httpx.AsyncClient, fake: KlingFake, sim: SimulatedTime
) -> None:
    fake.link_ttl = 600
    task_id = (await create(client, "text2video", T2V_BODY)).json()["data"]["task_id"]
    for _ in range(3):
        data = (await client.get(f"/v1/videos/text2video/{task_id}")).json()["data"]
    [video] = data["task_result"]["videos"]
    assert video["duration"] == "5.1"

    transport = httpx.ASGITransport(app=create_app(fake))
    async with httpx.AsyncClient(transport=transport) as anonymous:
        fresh = await anonymous.get(video["url"])
        sim.now += 601
        expired = await anonymous.get(video["url"])

    assert fresh.status_code == 200 and fresh.content[4:8] == b"ftyp"
    assert expired.status_code == 403


async def test_engine_runs_against_the_fake_on_a_real_socket(
    fake: KlingFake, make_job: JobFactory, ctx: RecordingContext, sim: SimulatedTime
) -> None:
    app = create_app(fake)
    with serve_in_thread(app) as base_url:
        async with httpx.AsyncClient() as http:
            engine = KlingEngine(http, sleep=sim.sleep, clock=sim.clock)
            job = make_job(
                "kling-video/v1/pro/text-to-video",
                deployment=deployment_for(fake, base_url=base_url),
                prompt="p",
            )
            output = await engine.run(job, ctx)
            assert isinstance(output, RemoteVideo)
            assert output.url.startswith(f"{base_url}/cdn/kling/")
            video = await http.get(output.url)
    assert video.status_code == 200 and video.content[4:8] == b"ftyp"
