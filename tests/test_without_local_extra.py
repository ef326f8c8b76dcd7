"""``pip install -e .`` without the ``local`` extra: the rest of the suite still passes, and
the local engine says how to enable itself."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BLOCKER = ROOT / "tests" / "support" / "no_local_extra"
INSIDE = "VIDGATE_TEST_WITHOUT_LOCAL_EXTRA"


def _without_extra_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(BLOCKER), env.get("PYTHONPATH")]))
    env[INSIDE] = "1"
    return env


def test_the_blocker_hides_the_extra() -> None:
    code = "import vidgate.engines.diffusers\nimport torch"
    result = subprocess.run(
        [sys.executable, "-c", code], env=_without_extra_env(), capture_output=True, text=True
    )
    assert result.returncode != 0 and "No module named 'torch'" in result.stderr


def test_the_local_engine_says_how_to_install_itself() -> None:
    code = (
        "from vidgate.domain.routing import Deployment\n"
        "from vidgate.engines.diffusers import DiffusersEngine\n"
        "ready = DiffusersEngine().readiness(Deployment(name='local', engine='local'))\n"
        "print(ready.ready, ready.reason)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=_without_extra_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    assert (
        result.stdout.startswith("False")
        and "vidgate[local] extra (missing: torch" in result.stdout
    )


@pytest.mark.slow
@pytest.mark.skipif(bool(os.environ.get(INSIDE)), reason="already running without the extra")
def test_unit_and_integration_suites_pass_without_the_extra() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-x",
            "-p",
            "no:cacheprovider",
            "-m",
            "not local and not browser",
            "tests/unit",
            "tests/integration",
            "--ignore=tests/integration/scaleout",
        ],
        cwd=ROOT,
        env=_without_extra_env(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
