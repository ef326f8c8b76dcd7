"""An S3 server for tests: moto in server mode, as a subprocess on 127.0.0.1.

A subprocess rather than a thread, so the server's own memory and CPU never show up in
what a test measures about the client, and so other processes (``vidgate serve``,
``vidgate worker``) can reach it like any S3 endpoint.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import boto3
import httpx

from tests.support.servers import free_port

REGION = "us-east-1"
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "vidgate-test",
    "AWS_SECRET_ACCESS_KEY": "vidgate-test-secret",
    "AWS_DEFAULT_REGION": REGION,
}


@dataclass(frozen=True)
class S3Server:
    endpoint_url: str

    def client(self) -> Any:
        return boto3.session.Session(
            aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            region_name=REGION,
        ).client("s3", endpoint_url=self.endpoint_url)

    def new_bucket(self) -> str:
        name = f"vidgate-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name)
        return name

    def keys(self, bucket: str, prefix: str = "") -> list[str]:
        pages = (
            self.client().get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
        )
        return [item["Key"] for page in pages for item in page.get("Contents", ())]

    def env(self, bucket: str, prefix: str = "") -> dict[str, str]:
        """What a vidgate process needs in its environment to use ``bucket``."""
        return {
            **CREDENTIALS,
            "VIDGATE_BLOB_STORE": "s3",
            "VIDGATE_S3_BUCKET": bucket,
            "VIDGATE_S3_ENDPOINT_URL": self.endpoint_url,
            "VIDGATE_S3_REGION": REGION,
            "VIDGATE_S3_PREFIX": prefix,
        }


@contextmanager
def moto_server() -> Iterator[S3Server]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_until_up(url, process)
        yield S3Server(url)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)


def _wait_until_up(url: str, process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("moto server exited at start")
        try:
            httpx.get(f"{url}/moto-api/", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"moto server did not answer in {timeout} s")
