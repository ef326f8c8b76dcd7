"""Blob stores for the contract suite: every test runs over the local folder and S3 (moto)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.s3 import CREDENTIALS, REGION, S3Server, moto_server
from vidgate.blobs.local import LocalBlobStore
from vidgate.blobs.protocol import BlobStore
from vidgate.blobs.s3 import S3BlobStore


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    with moto_server() as server:
        yield server


@pytest.fixture
def s3_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def s3_blobs(s3_server: S3Server, s3_credentials: None) -> S3BlobStore:
    bucket = s3_server.new_bucket()
    return S3BlobStore(
        bucket, prefix="tenant-a", endpoint_url=s3_server.endpoint_url, region=REGION
    )


@pytest.fixture(params=["local", "s3"])
def blobs(request: pytest.FixtureRequest, tmp_path: Path) -> BlobStore:
    if request.param == "local":
        return LocalBlobStore(tmp_path / "blobs")
    store: S3BlobStore = request.getfixturevalue("s3_blobs")
    return store
