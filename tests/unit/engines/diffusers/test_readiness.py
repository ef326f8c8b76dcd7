"""Readiness and the optional extra: the core never imports torch."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from tests.support.engine_context import RecordingContext
from tests.unit.engines.diffusers.conftest import JobFactory
from vidgate.domain.errors import EngineUnavailable
from vidgate.domain.routing import Deployment
from vidgate.domain.seed_catalogue import seed_catalogue
from vidgate.engines.diffusers import DiffusersEngine
from vidgate.engines.diffusers.engine import missing_packages
from vidgate.engines.protocol import Engine

HEAVY = ("torch", "diffusers", "transformers", "accelerate")
# Readiness looks past the packages only when they are installed.
with_the_extra = pytest.mark.skipif(
    bool(missing_packages()), reason="needs the vidgate[local] extra installed"
)


@pytest.fixture
def wan_model_dir(tmp_path: Path) -> Path:
    """A folder that looks like a diffusers model to readiness (which never loads it)."""
    (tmp_path / "model_index.json").write_text('{"_class_name": "WanPipeline"}')
    return tmp_path


def deployment(**options: object) -> Deployment:
    return Deployment(name="local-wan", engine="diffusers", options=options)


def test_it_is_an_engine_named_diffusers() -> None:
    engine = DiffusersEngine()

    assert isinstance(engine, Engine)
    assert engine.name == "diffusers"


def test_importing_the_engine_does_not_import_torch() -> None:
    names = ", ".join(repr(n) for n in HEAVY)
    code = (
        "import sys, vidgate.engines.diffusers\n"
        f"print(sorted(n for n in ({names}) if n in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )

    assert result.stdout.strip() == "[]"


@with_the_extra
def test_ready_with_a_model_folder(wan_model_dir: Path) -> None:
    readiness = DiffusersEngine().readiness(deployment(model_dir=str(wan_model_dir)))

    assert readiness.ready, readiness.reason


def test_not_ready_without_torch_says_how_to_install_the_extra(
    monkeypatch: pytest.MonkeyPatch, wan_model_dir: Path
) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)  # how Python marks a module unimportable

    readiness = DiffusersEngine().readiness(deployment(model_dir=str(wan_model_dir)))

    assert not readiness.ready
    assert "missing: torch" in readiness.reason
    assert "pip install 'vidgate[local]'" in readiness.reason
    assert "Install torch first" in readiness.reason


async def test_running_without_torch_is_refused_before_any_process_starts(
    monkeypatch: pytest.MonkeyPatch, wan_job: JobFactory, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)
    engine = DiffusersEngine()

    with pytest.raises(EngineUnavailable, match="vidgate\\[local\\]"):
        await engine.run(wan_job(), RecordingContext(workdir=tmp_path))
    assert engine.child_pid() is None


@with_the_extra
def test_not_ready_when_the_folder_has_no_model(tmp_path: Path) -> None:
    readiness = DiffusersEngine().readiness(deployment(model_dir=str(tmp_path / "absent")))

    assert not readiness.ready
    assert "model_index.json" in readiness.reason


@with_the_extra
def test_not_ready_with_bad_options(wan_model_dir: Path) -> None:
    engine = DiffusersEngine()

    assert "model_dir" in engine.readiness(deployment()).reason
    bad_device = engine.readiness(deployment(model_dir=str(wan_model_dir), device="tpu"))
    assert "device must be" in bad_device.reason


async def test_a_model_outside_the_family_table_is_refused(
    wan_job: JobFactory, tmp_path: Path
) -> None:
    kling = seed_catalogue().get("kling-video/v1/standard/text-to-video")
    assert kling is not None
    job = replace(wan_job(), model=kling)

    with pytest.raises(EngineUnavailable, match=r"serves wan/v2\.1/1\.3b/text-to-video"):
        await DiffusersEngine().run(job, RecordingContext(workdir=tmp_path))
