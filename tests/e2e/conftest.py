"""End-to-end fixtures: a real ``vidgate serve`` process on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.server_process import ServerProcess, base_env, create_key

pytestmark = pytest.mark.slow

ALL_TO_SANDBOX = '[routes]\n"*" = ["sandbox"]\n'


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("vidgate-data")


@pytest.fixture(scope="module")
def server_env(data_dir: Path) -> dict[str, str]:
    routing = data_dir / "routing.toml"
    routing.write_text(ALL_TO_SANDBOX)
    return base_env(
        data_dir, VIDGATE_ROUTING_FILE=str(routing), VIDGATE_FETCH_ALLOWED_HOSTS="127.0.0.1"
    )


@pytest.fixture(scope="module")
def server(server_env: dict[str, str]) -> Iterator[ServerProcess]:
    process = ServerProcess(server_env).start()
    try:
        yield process
    finally:
        process.stop()


@pytest.fixture(scope="module")
def sandbox_key(server: ServerProcess) -> str:
    return server.printed_keys()["sandbox key"]


@pytest.fixture(scope="module")
def admin_key(server: ServerProcess) -> str:
    return server.printed_keys()["admin key"]


@pytest.fixture(scope="module")
def live_key(server: ServerProcess, server_env: dict[str, str]) -> str:
    return create_key(server_env, credits=1_000_000, name="live")
