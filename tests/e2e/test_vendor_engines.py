"""Every seed model on its vendor's fake over 127.0.0.1, through a real ``vidgate serve``.

For each model: the seed's two-step flow with a live key completes, the MP4 is served from
vidgate's storage, and the fake received exactly one create call carrying the mapped
fields. For each vendor: its failure classes end in the right AIML status and error name
with the credits refunded, transient errors are retried a bounded number of times, and a
transient failure that recovers completes with one task at the vendor. No answer from
vidgate in this module is a 5xx.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest

from tests.e2e.helpers import download, headers, minimal_body, poll_until_done
from tests.e2e.vendor_cases import (
    FAILURE_MODELS,
    FAILURES,
    IMAGE_B64,
    IMAGE_URI,
    JOB,
    LANDSCAPE,
    MODEL_CASES,
    OK,
    PROMPT,
    ROTATED,
    SEED,
    URL_CASES,
    WRONG_KEY,
    Failure,
    ModelCase,
    UrlCase,
)
from tests.fakes import alibaba, google, kling
from tests.fakes.media import tiny_mp4
from tests.support.media import data_uri, decode_video
from tests.support.server_process import ServerProcess, base_env, create_key
from tests.support.tls import Certificate, self_signed_certificate, serve_tls_in_thread
from tests.support.vendor_fakes import (
    Call,
    Vendor,
    VendorFakes,
    running_vendor_fakes,
    vendor_of,
)
from vidgate.domain.catalogue import ModelSpec
from vidgate.domain.seed_catalogue import seed_catalogue

pytestmark = pytest.mark.slow

CATALOGUE = seed_catalogue()
CREDITS = 100_000
# What each fake serves as the finished video.
RESULT_BYTES: dict[Vendor, Callable[[], bytes]] = {
    "kling": kling.result_mp4,
    "minimax": tiny_mp4,
    "runway": tiny_mp4,
    "google": google.result_mp4,
    "alibaba": alibaba.result_mp4,
}
SERVER_ERRORS: list[str] = []


# ---------------------------------------------------------------- the server and callers


@pytest.fixture(scope="module")
def fakes() -> Iterator[VendorFakes]:
    with running_vendor_fakes() as running:
        yield running


@dataclass(frozen=True)
class ImageHost:
    """An HTTPS server on 127.0.0.1 serving ``LANDSCAPE`` at any path."""

    port: int
    paths: list[str]

    def url(self, host: str, name: str) -> str:
        return f"https://{host}:{self.port}/{name}"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    return self_signed_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="module")
def image_host(certificate: Certificate) -> Iterator[ImageHost]:
    paths: list[str] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        paths.append(scope["path"])
        start = {"type": "http.response.start", "status": 200}
        await send(start | {"headers": [(b"content-type", b"image/png")]})
        await send({"type": "http.response.body", "body": LANDSCAPE})

    with serve_tls_in_thread(app, certificate) as port:
        yield ImageHost(port, paths)


@pytest.fixture(scope="module")
def server_env(
    fakes: VendorFakes, certificate: Certificate, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, str]:
    data_dir = tmp_path_factory.mktemp("vendor-data")
    return base_env(
        data_dir,
        **fakes.server_env(data_dir),
        VIDGATE_FETCH_ALLOWED_HOSTS="127.0.0.1,localhost",
        SSL_CERT_FILE=str(certificate.cert),  # trust the image host
    )


@pytest.fixture(scope="module")
def server(server_env: dict[str, str]) -> Iterator[ServerProcess]:
    process = ServerProcess(server_env).start()
    try:
        yield process
    finally:
        process.stop()


def _record_server_errors(response: httpx.Response) -> None:
    if response.status_code >= 500:
        SERVER_ERRORS.append(
            f"{response.request.method} {response.request.url} -> {response.status_code}"
        )


def _client(server: ServerProcess, key: str) -> httpx.Client:
    hooks = {"response": [_record_server_errors]}
    return httpx.Client(base_url=server.url, headers=headers(key), timeout=30, event_hooks=hooks)


@pytest.fixture(scope="module")
def admin(server: ServerProcess, server_env: dict[str, str]) -> Iterator[httpx.Client]:
    with _client(server, create_key(server_env, "--admin", name="ops")) as client:
        yield client


@dataclass
class Account:
    """A live key made for one test, with its client and the admin's view of its credits."""

    key_id: str
    client: httpx.Client
    admin: httpx.Client
    server_url: str
    generations: list[str] = field(default_factory=list)

    def generate(self, spec: ModelSpec, body: Mapping[str, Any]) -> dict[str, Any]:
        """POST on the model's vendor path, then GET it until it ends (the seed's flow)."""
        created = self.client.post(spec.create_path, json={"model": spec.id, **body})
        assert created.status_code == 200, created.text
        answer = created.json()
        generation_id = answer.get("generation_id") or answer["id"]
        self.generations.append(generation_id)
        return poll_until_done(self.client, spec.create_path, generation_id, timeout=60)

    def balance(self) -> int:
        return int(self.admin.get(f"/admin/keys/{self.key_id}").json()["balance"])

    def ledger(self) -> list[tuple[str, int]]:
        entries = self.admin.get(f"/admin/keys/{self.key_id}/ledger").json()["data"]
        return sorted((e["kind"], e["amount"]) for e in entries)


@pytest.fixture
def account(server: ServerProcess, admin: httpx.Client) -> Iterator[Account]:
    created = admin.post("/admin/keys", json={"name": "caller", "credits": CREDITS})
    assert created.status_code == 201, created.text
    with _client(server, created.json()["secret"]) as client:
        yield Account(created.json()["id"], client, admin, server.url)


@pytest.fixture(autouse=True)
def fresh_fakes(fakes: VendorFakes) -> Iterator[None]:
    """Every test starts with five fresh fakes and ends without a 5xx from vidgate."""
    fakes.reset_all()
    SERVER_ERRORS.clear()
    yield
    assert not SERVER_ERRORS, f"vidgate answered 5xx: {SERVER_ERRORS}"


# ------------------------------------------------------------ each model, mapped exactly


def test_the_cases_cover_every_seed_model() -> None:
    assert sorted(c.model for c in MODEL_CASES) == sorted(spec.id for spec in CATALOGUE)


@pytest.mark.parametrize("case", MODEL_CASES, ids=[c.model for c in MODEL_CASES])
def test_each_model_completes_on_its_vendor_with_one_mapped_create(
    case: ModelCase, fakes: VendorFakes, account: Account, tmp_path: Path
) -> None:
    spec = _spec(case.model)
    vendor = vendor_of(spec)
    images = {IMAGE_B64: _b64(case.image), IMAGE_URI: data_uri(case.image)}
    done = account.generate(spec, _filled(case.body, images))

    assert done["status"] == "completed", done
    assert done["meta"]["engine"] == vendor
    path = download(account.client, _video_url(spec, done), tmp_path / "out.mp4")
    video = decode_video(path)
    assert (video.codec, video.frames > 0) == ("h264", True)
    assert path.read_bytes() == RESULT_BYTES[vendor]()  # the vendor's file, stored as is
    [create] = fakes.creates(vendor)
    assert create.path == case.path
    values = images | {JOB: done["id"], SEED: done["meta"]["seed"]}
    assert create.json == _filled(case.expected, values)
    _assert_authorised(vendor, create, fakes)
    assert fakes.tasks_created(vendor) == 1
    assert len(fakes.downloads(vendor)) == 1  # vidgate copied the vendor's file once
    price = done["meta"]["usage"]["credits_used"]
    assert price > 0 and account.balance() == CREDITS - price


def test_a_text_only_video_01_live2d_is_refused_by_the_vendor_and_refunded(
    fakes: VendorFakes, account: Account
) -> None:
    """MiniMax's legacy video-01-live2d (I2V-01-live) needs a first frame, while the AIML
    catalogue accepts it without one: the vendor refuses, the caller gets their credits back."""
    done = account.generate(_spec("video-01-live2d"), {"prompt": PROMPT})
    assert (done["status"], done["error"]["name"]) == ("error", "invalid_input")
    assert "requires first_frame_image" in done["error"]["message"]
    assert account.balance() == CREDITS
    assert fakes.tasks_created("minimax") == 0


# ------------------------------------------------------------ images given as https URLs


@pytest.mark.parametrize("case", URL_CASES, ids=[f"{c.model}@{c.host}" for c in URL_CASES])
def test_an_https_image_url_is_fetched_and_handed_to_the_vendor_in_its_form(
    case: UrlCase, fakes: VendorFakes, account: Account, image_host: ImageHost
) -> None:
    spec = _spec(case.model)
    vendor = vendor_of(spec)
    url = image_host.url(case.host, f"{vendor}-{case.field}.png")
    body = minimal_body(spec) | {case.field: url}
    done = account.generate(spec, body)

    assert done["status"] == "completed", done
    assert f"/{vendor}-{case.field}.png" in image_host.paths  # vidgate fetched it
    [create] = fakes.creates(vendor)
    sent = {
        "url": url,
        "data uri": data_uri(LANDSCAPE),
        "base64": _b64(LANDSCAPE),
    }[case.sent]
    assert sent in _strings(create.json)


# ------------------------------------------------------------------ failure classes


@pytest.mark.parametrize("failure", FAILURES, ids=[f.id for f in FAILURES])
def test_each_vendor_failure_ends_in_its_state_with_credits_refunded(
    failure: Failure, fakes: VendorFakes, account: Account
) -> None:
    wrong_key = failure.scenario == WRONG_KEY
    knobs: dict[str, Any] = ROTATED[failure.vendor] if wrong_key else {"scenario": failure.scenario}
    fakes.install(failure.vendor, **knobs)
    spec = _spec(FAILURE_MODELS[failure.vendor])
    done = account.generate(spec, minimal_body(spec))

    if failure.outcome == OK:
        assert done["status"] == "completed", done
        assert (
            done["video"] and account.balance() == CREDITS - done["meta"]["usage"]["credits_used"]
        )
    else:
        assert (done["status"], done.get("error", {}).get("name")) == ("error", failure.outcome), (
            done
        )
        assert done["video"] is None and done["meta"]["usage"]["credits_used"] == 0
        price = _spec_price(account, spec)
        assert account.balance() == CREDITS
        assert account.ledger() == sorted(
            [("grant", CREDITS), ("reserve", -price), ("refund", price)]
        )
    assert len(fakes.creates(failure.vendor)) == failure.creates
    assert fakes.tasks_created(failure.vendor) == failure.tasks


def test_every_vendor_has_each_failure_class() -> None:
    wanted = {"content_refused", "invalid_input", "quota_exceeded", "vendor_auth_failed", OK}
    for vendor in FAILURE_MODELS:
        cases = [f for f in FAILURES if f.vendor == vendor]
        assert wanted <= {f.outcome for f in cases}, vendor
        recovered = [f for f in cases if f.outcome == OK and f.creates > 1]
        bounded = [f for f in cases if f.outcome != OK and f.creates > 1]
        assert recovered and bounded, f"{vendor}: no retried-then-ok or retried-then-given-up case"


# -------------------------------------------------------- a lost answer to a create call


@pytest.mark.parametrize("vendor", FAILURE_MODELS)
def test_a_create_whose_answer_was_lost_is_not_sent_again(
    vendor: Vendor, fakes: VendorFakes, account: Account
) -> None:
    """The vendor created the task but a gateway answered 504: whether a task exists is
    unknown to vidgate, so by its crash-safety rule the create must not be repeated. The job
    then ends as ``upstream_unknown``, refunded."""
    fakes.install(vendor, lose_create_answers=1)
    spec = _spec(FAILURE_MODELS[vendor])
    done = account.generate(spec, minimal_body(spec))

    assert fakes.tasks_created(vendor) == 1, f"one job made {fakes.tasks_created(vendor)} tasks"
    assert (done["status"], done["error"]["name"]) == ("error", "upstream_unknown"), done
    assert account.balance() == CREDITS


# ------------------------------------------------------------------------- failover


def test_an_unreachable_first_deployment_fails_over_to_the_next(
    fakes: VendorFakes, tmp_path: Path
) -> None:
    """veo2 routed to ``google-down`` (nothing listens there), then ``google-fake``: the
    create cannot reach the first, so the job moves on and completes on the second."""
    env = base_env(tmp_path, **fakes.server_env(tmp_path, failover_models=["veo2"]))
    key = create_key(env, credits=CREDITS, name="failover")
    server = ServerProcess(env).start()
    try:
        with _client(server, key) as client:
            spec = _spec("veo2")
            created = client.post(spec.create_path, json=minimal_body(spec))
            assert created.status_code == 200, created.text
            done = poll_until_done(client, spec.create_path, created.json()["id"], timeout=60)
    finally:
        server.stop()
    assert done["status"] == "completed", done
    assert len(fakes.creates("google")) == fakes.tasks_created("google") == 1


# ------------------------------------------------------------------------ helpers


def _spec(model_id: str) -> ModelSpec:
    spec = CATALOGUE.get(model_id)
    assert spec is not None, model_id
    return spec


def _spec_price(account: Account, spec: ModelSpec) -> int:
    """The price this job reserved, read from the ledger (the refund mirrors it)."""
    reserved = [amount for kind, amount in account.ledger() if kind == "reserve"]
    assert len(reserved) == 1, account.ledger()
    return -reserved[0]


def _video_url(spec: ModelSpec, done: Mapping[str, Any]) -> str:
    url = done["video"][0] if spec.vendor == "runway" else done["video"]["url"]
    assert isinstance(url, str)
    return url


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _filled(template: Any, values: Mapping[str, Any]) -> Any:
    if isinstance(template, dict):
        return {key: _filled(value, values) for key, value in template.items()}
    if isinstance(template, list):
        return [_filled(value, values) for value in template]
    if isinstance(template, str) and template in values:
        return values[template]
    return template


def _strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return [value] if isinstance(value, str) else []


def _assert_authorised(vendor: Vendor, call: Call, fakes: VendorFakes) -> None:
    got = call.headers
    if vendor == "kling":
        scheme, _, token = got["authorization"].partition(" ")
        claims = jwt.decode(token, fakes.kling.secret_key, algorithms=["HS256"])
        assert (scheme, claims["iss"]) == ("Bearer", fakes.kling.access_key)
    elif vendor == "google":
        assert got["x-goog-api-key"] == fakes.google.api_key
    else:
        keys = {
            "minimax": fakes.minimax.api_key,
            "runway": fakes.runway.api_key,
            "alibaba": fakes.alibaba.api_key,
        }
        assert got["authorization"] == f"Bearer {keys[vendor]}"
    if vendor == "runway":
        assert got["x-runway-version"] == "2024-11-06"
    if vendor == "alibaba":
        assert got["x-dashscope-async"] == "enable"
