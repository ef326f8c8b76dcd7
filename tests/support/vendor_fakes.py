"""The five vendor fakes on 127.0.0.1 and the routing file that sends every model to them.

    with running_vendor_fakes() as fakes:
        env = base_env(data_dir, **fakes.server_env(data_dir))
        server = ServerProcess(env).start()
        fakes.install("kling", scenario="content_refused")   # a fresh fake, same URL
        fakes.creates("kling")                                # every create call it got

Each fake sits behind a ``FakeSlot``: an ASGI app with a stable URL whose fake can be
replaced between tests, so a scenario, its use counters and the request log never leak
from one test into the next (the fakes count a ``times`` scenario across its whole life).

The routing file routes each public model to ``<vendor>-fake`` (Google on the Gemini
surface, Alibaba in region ``intl``), with credentials read from ``env:`` references whose
values ``server_env`` returns. ``hold_polls`` is how many polls a task stays running; the
server gets ``VIDGATE_POLL_SPEEDUP`` (default 200), which divides every poll wait, the
vendors' ``min_interval`` included (``PollPolicy.scaled``), so a job ends within a second.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol, cast, get_args

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tests.fakes import alibaba, google, kling, minimax, runway
from tests.support.servers import free_port, serve_in_thread
from vidgate.domain.catalogue import ModelSpec
from vidgate.domain.seed_catalogue import seed_catalogue

Vendor = Literal["kling", "minimax", "runway", "google", "alibaba"]
VENDORS: tuple[Vendor, ...] = get_args(Vendor)
Fake = (
    kling.KlingFake
    | minimax.MiniMaxFake
    | runway.RunwayFake
    | google.GoogleFake
    | alibaba.AlibabaFake
)
DEFAULT_SPEEDUP = 200.0


class _Recorded(Protocol):
    """What every fake keeps of a request (each has its own record type)."""

    @property
    def method(self) -> str: ...
    @property
    def path(self) -> str: ...
    @property
    def headers(self) -> Mapping[str, str]: ...
    @property
    def json(self) -> Any: ...


class _Task(Protocol):
    @property
    def polls(self) -> int: ...


# env var → (vendor, credential name in the routing file, attribute of the fake)
CREDENTIALS: dict[str, tuple[Vendor, str, str]] = {
    "VG_FAKE_KLING_ACCESS_KEY": ("kling", "access_key", "access_key"),
    "VG_FAKE_KLING_SECRET_KEY": ("kling", "secret_key", "secret_key"),
    "VG_FAKE_MINIMAX_API_KEY": ("minimax", "api_key", "api_key"),
    "VG_FAKE_RUNWAY_API_KEY": ("runway", "api_key", "api_key"),
    "VG_FAKE_GOOGLE_API_KEY": ("google", "api_key", "api_key"),
    "VG_FAKE_ALIBABA_API_KEY": ("alibaba", "api_key", "api_key"),
}
OPTIONS: dict[Vendor, str] = {
    "google": '{ surface = "gemini" }',
    "alibaba": '{ region = "intl" }',
}


def new_fake(vendor: Vendor, *, hold_polls: int = 1, **knobs: Any) -> Fake:
    """A fresh fake whose tasks wait one poll, run ``hold_polls`` polls, then end.

    ``knobs`` override the fake's own fields (``scenario``, ``api_key``...). Alibaba's
    account limits (2 creates a second, 2 running tasks) are lifted unless given.
    """
    builders: dict[Vendor, Callable[..., Fake]] = {
        "kling": lambda **k: kling.KlingFake(submitted_polls=1, processing_polls=hold_polls, **k),
        "minimax": lambda **k: minimax.MiniMaxFake(
            preparing_polls=1, queueing_polls=0, processing_polls=hold_polls, **k
        ),
        "runway": lambda **k: runway.RunwayFake(pending_polls=1, running_polls=hold_polls, **k),
        "google": lambda **k: google.GoogleFake(running_polls=hold_polls, **k),
        "alibaba": lambda **k: alibaba.AlibabaFake(
            pending_polls=1,
            running_polls=hold_polls,
            **({"max_qps": None, "max_concurrent": None} | k),
        ),
    }
    return builders[vendor](**knobs)


def fake_app(fake: Fake) -> ASGIApp:
    if isinstance(fake, kling.KlingFake):
        return kling.create_app(fake)
    if isinstance(fake, minimax.MiniMaxFake):
        return minimax.create_app(fake)
    if isinstance(fake, runway.RunwayFake):
        return runway.create_app(fake)
    if isinstance(fake, google.GoogleFake):
        return google.create_app(fake)
    return alibaba.create_app(fake)


class FakeSlot:
    """An ASGI app at a stable address whose fake can be swapped for a fresh one."""

    def __init__(self, vendor: Vendor, fake: Fake) -> None:
        self.vendor = vendor
        self.install(fake)

    def install(self, fake: Fake, *, lose_create_answers: int = 0) -> None:
        self.fake = fake
        app = fake_app(fake)
        self._app = (
            LostCreateAnswer(app, self.vendor, lose_create_answers) if lose_create_answers else app
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._app(scope, receive, send)


class LostCreateAnswer:
    """The create call reaches the fake, which creates the task, but the caller gets a
    gateway's 504 instead of the answer (a backend slower than its proxy's timeout), the
    first ``times`` times. No fake can do this by itself except Kling's."""

    def __init__(self, app: ASGIApp, vendor: Vendor, times: int) -> None:
        self._app = app
        self._vendor = vendor
        self.times = times

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        creates = scope["type"] == "http" and scope["method"] == "POST"
        if not (creates and is_create(self._vendor, scope["path"]) and self.times > 0):
            await self._app(scope, receive, send)
            return
        self.times -= 1

        async def swallow(message: Message) -> None:
            return None

        await self._app(scope, receive, swallow)
        headers = [(b"content-type", b"text/html")]
        await send({"type": "http.response.start", "status": 504, "headers": headers})
        await send({"type": "http.response.body", "body": b"<h1>504 Gateway Time-out</h1>"})


@dataclass(frozen=True)
class Call:
    """One request a fake received, in the same shape for every vendor."""

    method: str
    path: str
    headers: Mapping[str, str]
    json: Any


class VendorFakes:
    def __init__(self, slots: Mapping[Vendor, FakeSlot], urls: Mapping[Vendor, str]) -> None:
        self._slots = slots
        self.urls = dict(urls)
        self.hold_polls = 1

    # the fakes

    def install(self, vendor: Vendor, *, lose_create_answers: int = 0, **knobs: Any) -> Fake:
        """Replace ``vendor``'s fake with a fresh one (``knobs`` as for ``new_fake``);
        ``lose_create_answers``: see ``LostCreateAnswer``."""
        fake = new_fake(vendor, hold_polls=knobs.pop("hold_polls", self.hold_polls), **knobs)
        self._slots[vendor].install(fake, lose_create_answers=lose_create_answers)
        return fake

    def reset_all(self) -> None:
        for vendor in VENDORS:
            self.install(vendor)

    def fake(self, vendor: Vendor) -> Fake:
        return self._slots[vendor].fake

    @property
    def kling(self) -> kling.KlingFake:
        return cast(kling.KlingFake, self.fake("kling"))

    @property
    def minimax(self) -> minimax.MiniMaxFake:
        return cast(minimax.MiniMaxFake, self.fake("minimax"))

    @property
    def runway(self) -> runway.RunwayFake:
        return cast(runway.RunwayFake, self.fake("runway"))

    @property
    def google(self) -> google.GoogleFake:
        return cast(google.GoogleFake, self.fake("google"))

    @property
    def alibaba(self) -> alibaba.AlibabaFake:
        return cast(alibaba.AlibabaFake, self.fake("alibaba"))

    # what they saw

    def requests(self, vendor: Vendor) -> list[Call]:
        records: list[_Recorded] = list(self.fake(vendor).requests)
        return [
            Call(r.method, r.path, {k.lower(): v for k, v in r.headers.items()}, r.json)
            for r in records
        ]

    def creates(self, vendor: Vendor) -> list[Call]:
        """Every create call the vendor received, refused ones included."""
        return [
            c for c in self.requests(vendor) if c.method == "POST" and is_create(vendor, c.path)
        ]

    def tasks_created(self, vendor: Vendor) -> int:
        """How many tasks the vendor accepted (and would bill)."""
        fake = self.fake(vendor)
        return len(fake.operations if isinstance(fake, google.GoogleFake) else fake.tasks)

    def tasks_polled(self, vendor: Vendor) -> int:
        """How many of the vendor's tasks have been asked about at least once."""
        fake = self.fake(vendor)
        found = fake.operations if isinstance(fake, google.GoogleFake) else fake.tasks
        tasks: list[_Task] = list(found.values())
        return sum(1 for task in tasks if task.polls > 0)

    def downloads(self, vendor: Vendor) -> list[Call]:
        """GETs of the vendor's result links (the MP4 itself)."""
        return [c for c in self.requests(vendor) if c.method == "GET" and is_result(vendor, c.path)]

    # how vidgate reaches them

    def routing_toml(self, *, failover_models: Sequence[str] = ()) -> str:
        """Each model to ``<vendor>-fake``; a model in ``failover_models`` first to
        ``<vendor>-down``, a deployment whose address nothing listens on."""
        catalogue = seed_catalogue()
        down = sorted({vendor_of(_known(catalogue.get(m), m)) for m in failover_models})
        lines: list[str] = []
        for vendor in VENDORS:
            lines += _deployment(f"{vendor}-fake", vendor, self.urls[vendor])
        for vendor in down:
            lines += _deployment(f"{vendor}-down", vendor, f"http://127.0.0.1:{free_port()}")
        lines.append("[routes]")
        for spec in catalogue:
            route = [f"{spec.vendor}-fake"]
            if spec.id in failover_models:
                route.insert(0, f"{spec.vendor}-down")
            lines.append(f'"{spec.id}" = {json.dumps(route)}')
        return "\n".join(lines) + "\n"

    def server_env(
        self,
        data_dir: Path,
        *,
        speedup: float = DEFAULT_SPEEDUP,
        failover_models: Sequence[str] = (),
    ) -> dict[str, str]:
        """Write the routing file under ``data_dir``; the env the server needs to use it."""
        routing = data_dir / "vendor-routing.toml"
        routing.write_text(self.routing_toml(failover_models=failover_models))
        credentials = {
            env: str(getattr(new_fake(vendor), attribute))
            for env, (vendor, _, attribute) in CREDENTIALS.items()
        }
        return {
            "VIDGATE_ROUTING_FILE": str(routing),
            "VIDGATE_POLL_SPEEDUP": f"{speedup:g}",
            **credentials,
        }


@contextlib.contextmanager
def running_vendor_fakes(*, hold_polls: int = 1) -> Iterator[VendorFakes]:
    """Serve all five fakes on 127.0.0.1, each in its own thread."""
    slots = {v: FakeSlot(v, new_fake(v, hold_polls=hold_polls)) for v in VENDORS}
    with contextlib.ExitStack() as stack:
        urls = {vendor: stack.enter_context(serve_in_thread(slots[vendor])) for vendor in VENDORS}
        fakes = VendorFakes(slots, urls)
        fakes.hold_polls = hold_polls
        yield fakes


def vendor_of(spec: ModelSpec) -> Vendor:
    vendor = spec.vendor
    assert vendor in VENDORS, f"{spec.id} has no vendor fake"
    return vendor


def is_create(vendor: Vendor, path: str) -> bool:
    return {
        "kling": path.startswith("/v1/videos/") and path.count("/") == 3,
        "minimax": path == "/v1/video_generation",
        "runway": path == "/v1/image_to_video",
        "google": path.endswith(":predictLongRunning"),
        "alibaba": path.endswith("/video-synthesis"),
    }[vendor]


def is_result(vendor: Vendor, path: str) -> bool:
    return {
        "kling": path.startswith("/cdn/kling/"),
        "minimax": path.startswith("/_fake/minimax/files/"),
        "runway": path.startswith("/_fake/runway/outputs/"),
        "google": path.startswith("/signed/veo/"),
        "alibaba": path.startswith("/oss/"),
    }[vendor]


def prompt_of(vendor: Vendor, body: Any) -> str | None:
    """The prompt inside a create body, wherever the vendor keeps it."""
    holder: Any = body
    if vendor == "google":
        holder = (body.get("instances") or [{}])[0] if isinstance(body, dict) else None
    elif vendor == "alibaba":
        holder = body.get("input") if isinstance(body, dict) else None
    key = "promptText" if vendor == "runway" else "prompt"
    found = holder.get(key) if isinstance(holder, dict) else None
    return found if isinstance(found, str) else None


def _deployment(name: str, vendor: Vendor, base_url: str) -> list[str]:
    lines = [
        f"[deployments.{name}]",
        f'engine = "{vendor}"',
        f'base_url = "{base_url}"',
        f"credentials = {{ {_credentials(vendor)} }}",
    ]
    if vendor in OPTIONS:
        lines.append(f"options = {OPTIONS[vendor]}")
    return [*lines, ""]


def _known(spec: ModelSpec | None, model_id: str) -> ModelSpec:
    assert spec is not None, f"unknown model {model_id!r}"
    return spec


def _credentials(vendor: Vendor) -> str:
    return ", ".join(
        f'{name} = "env:{env}"' for env, (owner, name, _) in CREDENTIALS.items() if owner == vendor
    )
