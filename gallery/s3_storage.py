"""The S3-compatible backend of MEDIA_STORAGE=s3 (django-storages on boto3), kept apart from
gallery.storage so that a filesystem deployment never imports boto3."""

import logging
from collections.abc import Iterator
from datetime import datetime

from boto3.exceptions import Boto3Error
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from storages.backends.s3 import S3Storage

from gallery.storage import StorageUnavailable

logger = logging.getLogger(__name__)


def _missing(exc: Exception) -> bool:
    """A 404 for the object. A missing bucket is an outage, not a missing file (a PUT says
    NoSuchBucket; a HEAD cannot tell the two apart and counts as the object's)."""
    if not isinstance(exc, ClientError):
        return False
    status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return status == 404 and exc.response.get("Error", {}).get("Code") != "NoSuchBucket"


def _guard(call, *, missing_is_outage: bool = False):
    try:
        return call()
    except (BotoCoreError, ClientError, Boto3Error) as exc:  # Boto3Error: e.g. S3UploadFailedError
        if _missing(exc) and not missing_is_outage:
            raise FileNotFoundError(str(exc)) from exc
        # Unreachable endpoint, refused or unknown keys, missing bucket: one translated error for
        # users, the cause for the log.
        logger.warning("Object storage failed: %s: %s", type(exc).__name__, exc)
        raise StorageUnavailable() from exc


class PrivateS3Storage(S3Storage):
    """A bucket whose objects are never given a URL, not even a presigned one. Every botocore
    failure becomes StorageUnavailable (a translated 503) and a missing object FileNotFoundError,
    as on the filesystem. Timeouts are short and retries few: an upload facing a dead endpoint
    fails in seconds instead of holding its request until gunicorn kills it."""

    def __init__(self, *, connect_timeout: float = 5, read_timeout: float = 30, max_attempts: int = 2, **options):
        options.setdefault("client_config", Config(
            s3={"addressing_style": options.pop("addressing_style", None) or "auto"},
            connect_timeout=connect_timeout, read_timeout=read_timeout,
            retries={"max_attempts": max_attempts, "mode": "standard"},
        ))
        # Object names hold the item's uuid, so a name is never reused: no HEAD before each write.
        options.setdefault("file_overwrite", True)
        super().__init__(**options)

    def url(self, name, *args, **kwargs):
        raise NotImplementedError("Private files have no public URL; use gallery:item-file.")

    def _open(self, name, mode="rb"):
        def opened():
            file = super(PrivateS3Storage, self)._open(name, mode)
            if "r" in mode:
                # Downloaded here, not at the first read: every caller reads the whole object
                # anyway, and a failure half-way is then guarded like the HEAD before it.
                file.file  # noqa: B018
            return file

        return _guard(opened)

    def _save(self, name, content):
        return _guard(lambda: super(PrivateS3Storage, self)._save(name, content))

    def delete(self, name):
        return _guard(lambda: super(PrivateS3Storage, self).delete(name))

    def exists(self, name):
        return _guard(lambda: super(PrivateS3Storage, self).exists(name))

    def size(self, name):
        return _guard(lambda: super(PrivateS3Storage, self).size(name))

    def listdir(self, name):
        return _guard(lambda: super(PrivateS3Storage, self).listdir(name))

    def get_modified_time(self, name):
        return _guard(lambda: super(PrivateS3Storage, self).get_modified_time(name))

    def walk(self, prefix: str) -> Iterator[tuple[str, datetime]]:
        """Every object under `prefix` with its last change: one listing call per 1000 objects,
        where listdir would make one per folder."""
        root = self._normalize_name(prefix).rstrip("/") + "/"
        strip = len(self.location.rstrip("/") + "/") if self.location else 0

        def listed() -> list[tuple[str, datetime]]:
            pages = self.connection.meta.client.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket_name, Prefix=root
            )
            return [(e["Key"][strip:], e["LastModified"]) for page in pages for e in page.get("Contents", ())]

        return iter(_guard(listed, missing_is_outage=True))

    def ping(self) -> dict:
        """For /healthz: the bucket answers and accepts the keys."""
        _guard(lambda: self.connection.meta.client.head_bucket(Bucket=self.bucket_name), missing_is_outage=True)
        return {"backend": "s3", "bucket": self.bucket_name}
