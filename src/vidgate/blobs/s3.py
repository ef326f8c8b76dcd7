"""Blobs in an S3-compatible bucket (AWS S3, MinIO, Cloudflare R2, …) through boto3.

This is the only module that imports boto3 (the ``s3`` extra); bootstrap imports it only
when ``VIDGATE_BLOB_STORE=s3``. boto3 is synchronous and its client is thread-safe, so
every call runs in a thread and the event loop never blocks.

Files go up with boto3's managed transfer: above ``PART_SIZE`` as a multipart upload whose
parts are read from the file as they are sent, so memory stays near
``PART_SIZE * UPLOAD_CONCURRENCY`` whatever the file's size.

Clients read a blob from a presigned GET URL (``locate``); the API's signed ``/files/`` URL
checks vidgate's own signature and expiry, then redirects there. Errors from boto3 become
``NotFound`` (no such object) or ``ServiceUnavailable`` (anything else) here, at the
boundary.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from vidgate.blobs.protocol import BlobInfo, BlobLocation, RedirectTo
from vidgate.domain.errors import NotFound, ServiceUnavailable

try:
    import boto3
    from boto3.s3.transfer import TransferConfig
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError as exc:  # pragma: no cover - depends on the installed extras
    raise ImportError("VIDGATE_BLOB_STORE=s3 needs boto3: pip install 'vidgate[s3]'") from exc

MB = 1024 * 1024
PART_SIZE = 8 * MB
UPLOAD_CONCURRENCY = 4
DELETE_BATCH = 1000  # DeleteObjects takes at most 1000 keys
MAX_PRESIGN_SECONDS = 7 * 24 * 3600  # the longest a SigV4 presigned URL may live
MISSING_CODES = {"404", "NoSuchKey", "NotFound"}

T = TypeVar("T")


class S3BlobStore:
    def __init__(
        self,
        bucket: str,
        *,
        prefix: str = "",
        endpoint_url: str | None = None,
        region: str | None = None,
        public_endpoint_url: str | None = None,
        part_size: int = PART_SIZE,
    ) -> None:
        """``public_endpoint_url``: the address clients reach the bucket at, when it differs
        from the one vidgate uses (a MinIO behind a private hostname); presigned URLs are
        signed for that host."""
        self.bucket = bucket
        self._prefix = prefix.strip("/")
        self._client = _client(endpoint_url, region)
        self._presigner = (
            _client(public_endpoint_url, region) if public_endpoint_url else self._client
        )
        self._transfer = TransferConfig(
            multipart_threshold=part_size,
            multipart_chunksize=part_size,
            max_concurrency=UPLOAD_CONCURRENCY,
        )

    def object_key(self, key: str) -> str:
        """The bucket key for a blob key; keys that would climb out of the prefix are refused."""
        parts = key.split("/")
        if not key or key.startswith("/") or any(p in ("", ".", "..") for p in parts[:-1]):
            raise NotFound(f"no such object: {key!r}")
        if parts[-1] in (".", ".."):
            raise NotFound(f"no such object: {key!r}")
        return f"{self._prefix}/{key}" if self._prefix else key

    async def put_file(self, key: str, path: Path, content_type: str) -> BlobInfo:
        size = await self._call(key, self._upload, path, self.object_key(key), content_type)
        return BlobInfo(key=key, size=size, content_type=content_type)

    async def put_bytes(self, key: str, data: bytes, content_type: str) -> BlobInfo:
        await self._call(
            key,
            self._client.put_object,
            Bucket=self.bucket,
            Key=self.object_key(key),
            Body=data,
            ContentType=content_type,
        )
        return BlobInfo(key=key, size=len(data), content_type=content_type)

    async def get_bytes(self, key: str) -> bytes:
        return await self._call(key, self._read_all, self.object_key(key))

    async def stat(self, key: str) -> BlobInfo | None:
        try:
            head = await self._call(
                key, self._client.head_object, Bucket=self.bucket, Key=self.object_key(key)
            )
        except NotFound:
            return None
        return BlobInfo(
            key=key,
            size=int(head["ContentLength"]),
            content_type=str(head.get("ContentType") or "application/octet-stream"),
        )

    async def locate(self, key: str, *, expires_in: int, filename: str | None) -> BlobLocation:
        if await self.stat(key) is None:
            raise NotFound(f"no such object: {key!r}")
        params = {"Bucket": self.bucket, "Key": self.object_key(key)}
        if filename:
            safe = filename.replace('"', "").replace("\\", "")
            params["ResponseContentDisposition"] = f'inline; filename="{safe}"'
        url = await self._call(
            key,
            self._presigner.generate_presigned_url,
            "get_object",
            Params=params,
            ExpiresIn=max(1, min(expires_in, MAX_PRESIGN_SECONDS)),
        )
        return RedirectTo(str(url))

    async def open_stream(self, key: str, chunk_size: int = MB) -> AsyncIterator[bytes]:
        response = await self._call(
            key, self._client.get_object, Bucket=self.bucket, Key=self.object_key(key)
        )
        body = response["Body"]
        try:
            while chunk := await self._call(key, body.read, chunk_size):
                yield chunk
        finally:
            body.close()

    async def delete_prefix(self, prefix: str) -> None:
        await self._call(prefix, self._delete_under, self.object_key(prefix.rstrip("/")))

    async def ping(self) -> None:
        try:
            await self._call("", self._client.head_bucket, Bucket=self.bucket)
        except NotFound:
            raise ServiceUnavailable(f"bucket {self.bucket!r} does not exist") from None

    async def _call(self, key: str, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        with _translated_errors(key):
            return await asyncio.to_thread(function, *args, **kwargs)

    def _upload(self, path: Path, object_key: str, content_type: str) -> int:
        self._client.upload_file(
            str(path),
            self.bucket,
            object_key,
            ExtraArgs={"ContentType": content_type},
            Config=self._transfer,
        )
        return path.stat().st_size

    def _read_all(self, object_key: str) -> bytes:
        body = self._client.get_object(Bucket=self.bucket, Key=object_key)["Body"]
        with body:
            return bytes(body.read())

    def _delete_under(self, base: str) -> None:
        """Delete ``base`` itself and every object under ``base/``, a batch at a time."""
        batch = [base]
        for object_key in self._keys_under(base + "/"):
            batch.append(object_key)
            if len(batch) == DELETE_BATCH:
                self._delete_batch(batch)
                batch = []
        if batch:
            self._delete_batch(batch)

    def _keys_under(self, prefix: str) -> Iterator[str]:
        pages = self._client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=prefix
        )
        for page in pages:
            for item in page.get("Contents", ()):
                yield str(item["Key"])

    def _delete_batch(self, object_keys: list[str]) -> None:
        self._client.delete_objects(
            Bucket=self.bucket,
            Delete={"Objects": [{"Key": k} for k in object_keys], "Quiet": True},
        )


def _client(endpoint_url: str | None, region: str | None) -> Any:
    """A client with credentials from the standard AWS chain (env, profile, instance role)."""
    config = Config(
        region_name=region,
        signature_version="s3v4",
        max_pool_connections=32,
        retries={"mode": "standard", "max_attempts": 5},
        connect_timeout=10,
        read_timeout=60,
        # A custom endpoint (MinIO, R2, a test server) is addressed by path, which every
        # S3-compatible server supports; AWS itself gets virtual-hosted addressing.
        s3={"addressing_style": "path" if endpoint_url else "auto"},
    )
    return boto3.session.Session().client("s3", endpoint_url=endpoint_url, config=config)


@contextmanager
def _translated_errors(key: str) -> Iterator[None]:
    try:
        yield
    except ClientError as exc:
        error = exc.response.get("Error", {})
        code = str(error.get("Code", ""))
        if code in MISSING_CODES:
            raise NotFound(f"no such object: {key!r}") from None
        raise ServiceUnavailable(
            f"object storage refused the request: {code} {error.get('Message', '')}".strip()
        ) from exc
    except BotoCoreError as exc:
        raise ServiceUnavailable(f"object storage is unreachable: {exc}") from exc
