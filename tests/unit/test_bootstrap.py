"""bootstrap picks the blob store the settings name, and imports boto3 only for S3."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from vidgate.blobs.local import LocalBlobStore
from vidgate.blobs.s3 import S3BlobStore
from vidgate.bootstrap import build_blobs
from vidgate.config import Settings
from vidgate.domain.errors import InvalidRequest


def test_a_local_folder_is_the_default_blob_store(tmp_path: Path) -> None:
    blobs = build_blobs(Settings(data_dir=tmp_path))

    assert isinstance(blobs, LocalBlobStore)
    assert blobs.root == (tmp_path / "blobs").resolve()


def test_s3_is_chosen_by_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "id")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")

    blobs = build_blobs(
        Settings(blob_store="s3", s3_bucket="media", s3_region="eu-west-1", s3_prefix="prod/")
    )

    assert isinstance(blobs, S3BlobStore)
    assert blobs.bucket == "media"
    assert blobs.object_key("outputs/video_1/video.mp4") == "prod/outputs/video_1/video.mp4"


def test_s3_without_a_bucket_is_refused() -> None:
    with pytest.raises(InvalidRequest, match="VIDGATE_S3_BUCKET"):
        build_blobs(Settings(blob_store="s3"))


def test_the_server_and_the_worker_do_not_import_boto3_unless_s3_is_chosen() -> None:
    code = (
        "import sys, vidgate.bootstrap, vidgate.cli.main\n"
        "print(sorted(n for n in ('boto3', 'botocore', 's3transfer') if n in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )

    assert result.stdout.strip() == "[]"


HEAVY_FOR_AN_IDLE_SERVER = (
    "av",
    "numpy",
    "PIL",
    "jwt",
    "cryptography",
    "alembic",
    "asyncpg",
    "sqlalchemy.ext.asyncio",
    "sqlalchemy.orm",
    "sqlalchemy.dialects.postgresql",
    "greenlet",
    "aiosqlite",
    "torch",
    "rich",
    "pygments",
)


def test_a_server_restarted_on_its_database_loads_no_media_token_or_migration_code(
    tmp_path: Path,
) -> None:
    """PyAV, numpy, Pillow (rendering, probing, images), PyJWT (Kling), Alembic, and for
    PostgreSQL asyncpg, SQLAlchemy's asyncio extension and dialect, wait for their first
    use; rich and pygments (httpx's own CLI, vidgate's client commands) are never loaded."""
    code = (
        "import asyncio, sys\n"
        "from pathlib import Path\n"
        "import vidgate.cli.main\n"
        "from vidgate.bootstrap import create_server_app, open_runtime, prepare_database\n"
        "from vidgate.config import Settings\n"
        f"settings = Settings(data_dir=Path({str(tmp_path)!r}))\n"
        "async def start():\n"
        "    await prepare_database(settings)\n"
        "    create_server_app(settings)\n"
        "    runtime = await open_runtime(settings, with_worker=True)\n"
        "    await runtime.store.close()\n"
        "asyncio.run(start())\n"
        f"print(sorted(n for n in {HEAVY_FOR_AN_IDLE_SERVER!r} if n in sys.modules))"
    )
    run = [sys.executable, "-c", code]
    first = subprocess.run(run, capture_output=True, text=True, check=True)
    restarted = subprocess.run(run, capture_output=True, text=True, check=True)

    assert "alembic" in first.stdout  # the first start migrates an empty database
    assert restarted.stdout.strip() == "[]"
