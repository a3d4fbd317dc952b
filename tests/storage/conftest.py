"""MEDIA_STORAGE=s3 against a real S3 protocol server on 127.0.0.1: the one scripts/test.sh started
(its address in STUDIO_TEST_S3_ENDPOINT), else moto's server started here in a thread, so these
tests run from any shell. Every test gets a fresh bucket."""

import contextlib
import json
import os
import socket
import urllib.request
import uuid
from dataclasses import dataclass

import pytest

KEYS = {"access_key": "studio-test-key", "secret_key": "studio-test-secret"}


@pytest.fixture(scope="session")
def s3_endpoint():
    endpoint = os.environ.get("STUDIO_TEST_S3_ENDPOINT")
    if endpoint:
        yield endpoint
        return
    try:
        from moto.server import ThreadedMotoServer
    except ImportError:
        pytest.skip("moto is not installed (pip install -r requirements-test.txt): S3 storage tests skipped")
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def s3_storage(endpoint: str, bucket: str, **options) -> dict:
    """The STORAGES entry config/settings/base.py builds for MEDIA_STORAGE=s3."""
    return {"BACKEND": "gallery.s3_storage.PrivateS3Storage", "OPTIONS": {
        "bucket_name": bucket, "endpoint_url": endpoint, "region_name": "us-east-1", "addressing_style": "path",
        "connect_timeout": 2, "read_timeout": 5, **KEYS, **options,
    }}


@dataclass
class Bucket:
    client: object
    name: str
    endpoint: str

    def keys(self) -> set[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.name)
        return {entry["Key"] for page in pages for entry in page.get("Contents", ())}

    def put(self, key: str, data: bytes = b"x") -> None:
        self.client.put_object(Bucket=self.name, Key=key, Body=data)

    def get(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()


@pytest.fixture
def s3_media(settings, s3_endpoint):
    """MEDIA_STORAGE=s3 for one test, on a new bucket; MEDIA_ROOT points at a folder that must stay
    empty (nothing may go to the filesystem)."""
    import boto3

    name = f"studio-test-{uuid.uuid4().hex[:16]}"
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1",
                          aws_access_key_id=KEYS["access_key"], aws_secret_access_key=KEYS["secret_key"])
    client.create_bucket(Bucket=name)
    settings.STORAGES = {**settings.STORAGES, "default": s3_storage(s3_endpoint, name)}
    return Bucket(client, name, s3_endpoint)


@pytest.fixture
def keys_refused(s3_media):
    """`with keys_refused(): ...`: inside, the server checks keys (moto's /moto-api/reset-auth) and
    knows none, so every request is refused as with wrong or revoked keys."""
    def set_auth(count: str) -> None:
        request = urllib.request.Request(f"{s3_media.endpoint}/moto-api/reset-auth", data=count.encode(), method="POST",
                                         headers={"Content-Type": "text/plain"})
        with urllib.request.urlopen(request, timeout=5) as response:
            json.load(response)

    @contextlib.contextmanager
    def refused():
        set_auth("0")
        try:
            yield
        finally:
            set_auth("inf")

    return refused


@pytest.fixture
def closed_port():
    """A port on 127.0.0.1 that nothing listens on: an unreachable endpoint."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
