"""What the hot-path benchmark measures: vidgate, LiteLLM's proxy and the raw baselines.

Each target is started here the way its users start it, and described as ``Case``s: one
row label and one ``Load`` (the request wrk sends, or the paths it rotates through).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import orjson
from hotpath_load import Load
from hotpath_procs import Server, free_port, start

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
VIDGATE = Path(sys.executable).with_name("vidgate")
LITELLM_VENV = BENCH / ".venvs" / "litellm"
PROMPT = "A red fox trots across fresh snow at dawn, low sun, long shadows."
AIML_CREATE = {"model": "veo2", "prompt": PROMPT}
OPENAI_CREATE = {"model": "veo2", "prompt": PROMPT, "seconds": "5", "size": "1280x720"}
JSON = {"Content-Type": "application/json"}
CREDITS = 10**12  # a live create of veo2 reserves 2,500; this never runs out


@dataclass(frozen=True, slots=True)
class Case:
    target: str  # e.g. "vidgate, sandbox key"
    endpoint: str  # e.g. "create AIML `POST /v2/video/generations`"
    kind: str  # "create" | "poll"
    dialect: str  # "aiml" | "openai" | "raw"
    key: str  # "sandbox" | "live" | "master" | ""
    load: Load

    @property
    def slug(self) -> str:
        return "-".join(x for x in (self.kind, self.dialect, self.key) if x)


def _bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def _post(body: dict[str, str], secret: str, path: str) -> Load:
    return Load("POST", (path,), {**JSON, **_bearer(secret)}, orjson.dumps(body))


# --- vidgate ----------------------------------------------------------------------------

ENDPOINTS = {
    ("create", "aiml"): "create AIML `POST /v2/video/generations`",
    ("poll", "aiml"): "poll AIML `GET /v2/video/generations?generation_id=…`",
    ("create", "openai"): "create OpenAI `POST /v1/videos` (JSON)",
    ("poll", "openai"): "poll OpenAI `GET /v1/videos/{id}`",
}
KEY_LABELS = {"sandbox": "vidgate, sandbox key", "live": "vidgate, live key → sandbox"}


class Vidgate:
    """A data directory, two keys and the routing file; servers started over them."""

    def __init__(self, scratch: Path, source: Path | None = None) -> None:
        self.scratch = scratch
        self.source = source  # a src/ to import vidgate from instead of the working tree
        self.data = scratch / "data"
        self.routing = scratch / "routing.toml"
        scratch.mkdir(parents=True, exist_ok=True)
        self.routing.write_text('[routes]\n"*" = ["sandbox"]\n')
        self.keys = {
            "sandbox": self._create_key("bench", "--sandbox"),
            "live": self._create_key("bench-live", "--credits", str(CREDITS)),
        }

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("VIDGATE_")}
        env |= {
            "VIDGATE_DATA_DIR": str(self.data),
            "VIDGATE_LOG_LEVEL": "warning",
            "VIDGATE_SANDBOX_QUEUE_SECONDS": "0",
            "VIDGATE_SANDBOX_RUN_SECONDS": "0",
            "VIDGATE_ROUTING_FILE": str(self.routing),
        }
        if self.source is not None:  # ahead of the editable install's .pth entry
            env["PYTHONPATH"] = str(self.source)
        return env | extra

    def _create_key(self, name: str, *flags: str) -> str:
        done = subprocess.run(
            [str(VIDGATE), "keys", "create", "--name", name, *flags],
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        return done.stdout.strip().splitlines()[-1]

    def serve(self, name: str, *, worker: bool, log: Path, **env: str) -> Server:
        port = free_port()
        command = [str(VIDGATE), "serve", "--host", "127.0.0.1", "--port", str(port)]
        if not worker:
            command.append("--no-worker")
        return start(
            name,
            command,
            port=port,
            ready_path="/healthz",
            env=self.env(**env),
            log=log,
            cwd=ROOT,
        )

    def openai_answers(self, server: Server) -> int:
        """The status ``POST /v1/videos`` answers (404 before the OpenAI dialect exists)."""
        load = _post(OPENAI_CREATE, self.keys["sandbox"], "/v1/videos")
        reply = httpx.post(
            server.base_url + "/v1/videos", content=load.body, headers=load.headers, timeout=30
        )
        return reply.status_code

    def prepare_pool(self, server: Server, per_pool: int, timeout: float) -> dict[str, list[str]]:
        """``per_pool`` completed jobs per (dialect, key): their poll paths, by case slug."""
        pools: dict[str, list[str]] = {}
        with httpx.Client(base_url=server.base_url, timeout=30) as http:
            for key in self.keys:
                for dialect in self._dialects(server):
                    create = self.create_case(dialect, key).load
                    ids = [
                        http.post(create.paths[0], content=create.body, headers=create.headers)
                        .raise_for_status()
                        .json()["id"]
                        for _ in range(per_pool)
                    ]
                    pools[f"poll-{dialect}-{key}"] = [_poll_path(dialect, i) for i in ids]
            _wait_completed(http, pools, self.keys, timeout)
        return pools

    def count_statements(self, pools: dict[str, list[str]]) -> dict[str, object]:
        """SQL statements and thread hops per request (``hotpath_statements.py``)."""
        request = {"keys": self.keys, "polls": {slug: paths[0] for slug, paths in pools.items()}}
        done = subprocess.run(
            [sys.executable, str(BENCH / "hotpath_statements.py"), json.dumps(request)],
            env=self.env(),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if done.returncode != 0:
            return {"error": done.stderr.strip().splitlines()[-1:]}
        counted: dict[str, object] = json.loads(done.stdout)
        return counted

    def memory_breakdown(self) -> dict[str, float]:
        """Idle memory by imported package (``hotpath_memory.py``)."""
        done = subprocess.run(
            [sys.executable, str(BENCH / "hotpath_memory.py")],
            env=self.env(),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if done.returncode != 0:
            return {}
        steps: dict[str, float] = json.loads(done.stdout)
        return steps

    def _dialects(self, server: Server) -> list[str]:
        return ["aiml", "openai"] if self.openai_answers(server) != 404 else ["aiml"]

    def create_case(self, dialect: str, key: str) -> Case:
        body, path = (AIML_CREATE, "/v2/video/generations")
        if dialect == "openai":
            body, path = (OPENAI_CREATE, "/v1/videos")
        load = _post(body, self.keys[key], path)
        return Case(KEY_LABELS[key], ENDPOINTS["create", dialect], "create", dialect, key, load)

    def poll_case(self, dialect: str, key: str, paths: list[str]) -> Case:
        load = Load("GET", tuple(paths), _bearer(self.keys[key]))
        return Case(KEY_LABELS[key], ENDPOINTS["poll", dialect], "poll", dialect, key, load)


def _poll_path(dialect: str, job_id: str) -> str:
    if dialect == "aiml":
        return f"/v2/video/generations?generation_id={job_id}"
    return f"/v1/videos/{job_id}"


def _wait_completed(
    http: httpx.Client, pools: dict[str, list[str]], keys: dict[str, str], timeout: float
) -> None:
    pending = [
        (path, keys[slug.rsplit("-", 1)[1]]) for slug, paths in pools.items() for path in paths
    ]
    deadline = time.monotonic() + timeout
    while pending:
        if time.monotonic() > deadline:
            raise RuntimeError(f"{len(pending)} pool jobs still not completed after {timeout} s")
        pending = [
            (path, secret)
            for path, secret in pending
            if http.get(path, headers=_bearer(secret)).json().get("status") != "completed"
        ]
        if pending:
            time.sleep(1)


def export_source(commit: str, into: Path) -> Path:
    """``src/`` as it is at ``commit``, unpacked under ``into``: measure a commit while
    others keep editing the working tree."""
    into.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(
        ["git", "archive", commit, "src"], cwd=ROOT, capture_output=True, timeout=120, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, timeout=120, check=True)
    return into / "src"


# --- LiteLLM ------------------------------------------------------------------------------

LITELLM_CONFIG = """\
# Written by bench/hotpath.py. One model group, "veo2", on LiteLLM's OpenAI video provider,
# pointed at the fake OpenAI upstream; a master key, no database.
model_list:
  - model_name: veo2
    litellm_params:
      model: openai/sora-2
      api_base: {upstream}/v1
      api_key: sk-fake-upstream
general_settings:
  master_key: {master_key}
"""
LITELLM_MASTER_KEY = "sk-bench-master"


def ensure_litellm() -> Path:
    """LiteLLM's proxy in its own virtualenv, installed once from PyPI and then reused."""
    executable = LITELLM_VENV / "bin" / "litellm"
    if executable.exists():
        return executable
    print(f"installing litellm[proxy] into {LITELLM_VENV} (once; cached)", flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(LITELLM_VENV)], check=True, timeout=300)
    pip = [str(LITELLM_VENV / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True, timeout=600)
    subprocess.run([*pip, "litellm[proxy]"], check=True, timeout=1800)
    return executable


def litellm_version() -> str:
    python = LITELLM_VENV / "bin" / "python"
    code = "from importlib.metadata import version as v; print(v('litellm'))"
    done = subprocess.run([str(python), "-c", code], capture_output=True, text=True, timeout=60)
    return done.stdout.strip() or "unknown"


def start_fake_upstream(log: Path) -> Server:
    port = free_port()
    command = [sys.executable, str(BENCH / "hotpath_apps.py"), "fake-openai", "--port", str(port)]
    return start(
        "fake OpenAI upstream",
        command,
        port=port,
        ready_path="/v1/videos/video_x",
        env=os.environ,
        log=log,
    )


def start_litellm(scratch: Path, upstream: Server, log: Path) -> Server:
    executable = ensure_litellm()
    config = scratch / "litellm.yaml"
    config.write_text(
        LITELLM_CONFIG.format(upstream=upstream.base_url, master_key=LITELLM_MASTER_KEY)
    )
    port = free_port()
    command = [str(executable), "--config", str(config), "--host", "127.0.0.1"]
    command += ["--port", str(port), "--num_workers", "1"]
    env = os.environ | {
        "LITELLM_LOG": "WARNING",  # like VIDGATE_LOG_LEVEL=warning: no access log lines
        "LITELLM_LOCAL_MODEL_COST_MAP": "True",  # no fetch of the price map from GitHub
        "LITELLM_DONT_SHOW_FEEDBACK_BOX": "true",
    }
    return start(
        "LiteLLM proxy",
        command,
        port=port,
        ready_path="/health/liveliness",
        env=env,
        log=log,
        cwd=scratch,
        timeout=180,
    )


LITELLM_LABEL = "LiteLLM proxy (master key, no DB) → fake upstream"


def litellm_cases(server: Server, pool_size: int) -> list[Case]:
    create = _post(OPENAI_CREATE, LITELLM_MASTER_KEY, "/v1/videos")
    with httpx.Client(base_url=server.base_url, timeout=60) as http:
        ids = [
            http.post("/v1/videos", content=create.body, headers=create.headers)
            .raise_for_status()
            .json()["id"]
            for _ in range(pool_size)
        ]
    poll = Load("GET", tuple(f"/v1/videos/{i}" for i in ids), _bearer(LITELLM_MASTER_KEY))
    return [
        Case(
            LITELLM_LABEL, "create `POST /v1/videos` (JSON)", "create", "openai", "master", create
        ),
        Case(LITELLM_LABEL, "poll `GET /v1/videos/{id}`", "poll", "openai", "master", poll),
    ]


# --- raw baselines -----------------------------------------------------------------------

RAW = {
    # name → (hotpath_apps.py arguments, row label, endpoint, kind)
    "json": (["json"], "raw ASGI: JSON", "POST, parse JSON, answer 300 B JSON", "create"),
    "fastapi": (
        ["fastapi-json"],
        "FastAPI route + vidgate's 2 middlewares: JSON",
        "POST, parse JSON, answer 300 B JSON",
        "create",
    ),
    "insert-normal": (
        ["sqlite-insert", "--synchronous", "NORMAL"],
        "raw ASGI: SQLite INSERT, WAL, synchronous=NORMAL",
        "POST, one committed INSERT, answer JSON",
        "create",
    ),
    "insert-full": (
        ["sqlite-insert", "--synchronous", "FULL"],
        "raw ASGI: SQLite INSERT, WAL, synchronous=FULL",
        "POST, one committed INSERT, answer JSON",
        "create",
    ),
    "read": (
        ["sqlite-read"],
        "raw ASGI: SQLite SELECT by primary key",
        "GET by id (rotating over 1,000 ids), answer JSON",
        "poll",
    ),
}


def start_raw(
    name: str, scratch: Path, log: Path, source: Path | None = None
) -> tuple[Server, Case]:
    args, label, endpoint, kind = RAW[name]
    port = free_port()
    command = [sys.executable, str(BENCH / "hotpath_apps.py"), *args, "--port", str(port)]
    command += ["--db", str(scratch / f"raw-{name}.db")]
    env = dict(os.environ)
    if source is not None:  # the FastAPI baseline imports vidgate's middlewares
        env["PYTHONPATH"] = str(source)
    server = start(label, command, port=port, ready_path="/?id=1", env=env, log=log)
    if kind == "poll":
        load = Load("GET", tuple(f"/?id={i}" for i in range(1000)))
    else:
        load = _post(AIML_CREATE, "none", "/")
    return server, Case(label, endpoint, kind, "raw", "", load)
