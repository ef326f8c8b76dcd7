"""What only the S3 store does: multipart uploads, the key prefix, presigned URLs."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.integration.blobs.test_blob_contract import write_large_file
from tests.support.s3 import REGION, S3Server
from vidgate.blobs.protocol import RedirectTo
from vidgate.blobs.s3 import MAX_PRESIGN_SECONDS, PART_SIZE, S3BlobStore
from vidgate.domain.errors import ServiceUnavailable


async def presigned(
    blobs: S3BlobStore, key: str, *, expires_in: int = 600, filename: str | None = None
) -> str:
    location = await blobs.locate(key, expires_in=expires_in, filename=filename)
    assert isinstance(location, RedirectTo)
    return location.url


async def test_a_file_above_the_part_size_goes_up_in_parts(
    s3_blobs: S3BlobStore, s3_server: S3Server, tmp_path: Path
) -> None:
    source = tmp_path / "large.mp4"
    write_large_file(source, 3 * PART_SIZE)

    await s3_blobs.put_file("outputs/job_1/video.mp4", source, "video/mp4")

    head = s3_server.client().head_object(
        Bucket=s3_blobs.bucket, Key="tenant-a/outputs/job_1/video.mp4"
    )
    assert head["ETag"].strip('"').endswith("-3")  # S3 marks a multipart object's ETag


async def test_every_object_lives_under_the_configured_prefix(
    s3_blobs: S3BlobStore, s3_server: S3Server
) -> None:
    await s3_blobs.put_bytes("inputs/job_1/first.png", b"png", "image/png")

    assert s3_server.keys(s3_blobs.bucket) == ["tenant-a/inputs/job_1/first.png"]


async def test_the_presigned_url_lives_as_long_as_asked(s3_blobs: S3BlobStore) -> None:
    await s3_blobs.put_bytes("outputs/job_1/video.mp4", b"v", "video/mp4")

    url = await presigned(s3_blobs, "outputs/job_1/video.mp4", expires_in=1234)

    assert parse_qs(urlsplit(url).query)["X-Amz-Expires"] == ["1234"]


async def test_a_lifetime_beyond_what_s3_signs_is_capped(s3_blobs: S3BlobStore) -> None:
    await s3_blobs.put_bytes("outputs/job_1/video.mp4", b"v", "video/mp4")

    url = await presigned(s3_blobs, "outputs/job_1/video.mp4", expires_in=30 * 24 * 3600)

    assert parse_qs(urlsplit(url).query)["X-Amz-Expires"] == [str(MAX_PRESIGN_SECONDS)]


async def test_the_presigned_url_names_the_download(s3_blobs: S3BlobStore) -> None:
    await s3_blobs.put_bytes("outputs/job_1/video.mp4", b"v", "video/mp4")

    url = await presigned(s3_blobs, "outputs/job_1/video.mp4", filename="job_1.mp4")
    async with httpx.AsyncClient() as client:
        response = await client.get(url)

    assert response.headers["content-disposition"] == 'inline; filename="job_1.mp4"'


async def test_urls_are_signed_for_the_public_endpoint_when_one_is_set(
    s3_server: S3Server, s3_credentials: None
) -> None:
    blobs = S3BlobStore(
        s3_server.new_bucket(),
        endpoint_url=s3_server.endpoint_url,
        public_endpoint_url="https://media.example.test",
        region=REGION,
    )
    await blobs.put_bytes("outputs/job_1/video.mp4", b"v", "video/mp4")

    url = await presigned(blobs, "outputs/job_1/video.mp4")

    assert url.startswith(f"https://media.example.test/{blobs.bucket}/outputs/job_1/video.mp4?")


async def test_a_missing_bucket_makes_ping_fail(s3_server: S3Server, s3_credentials: None) -> None:
    blobs = S3BlobStore("no-such-bucket", endpoint_url=s3_server.endpoint_url, region=REGION)

    with pytest.raises(ServiceUnavailable, match="no-such-bucket"):
        await blobs.ping()


async def test_a_storage_failure_becomes_service_unavailable(
    s3_server: S3Server, s3_credentials: None
) -> None:
    blobs = S3BlobStore("no-such-bucket", endpoint_url=s3_server.endpoint_url, region=REGION)

    with pytest.raises(ServiceUnavailable, match="NoSuchBucket"):
        await blobs.put_bytes("outputs/job_1/video.mp4", b"v", "video/mp4")
