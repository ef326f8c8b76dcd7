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
