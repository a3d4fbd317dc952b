"""Where gallery files live: a folder (MEDIA_ROOT, the default) or an S3-compatible bucket
(MEDIA_STORAGE=s3). Either way no file has a public URL: gallery.files streams each one after the
ownership check (docs/operations.md#media-on-object-storage says why, not presigned URLs).

Code reaches files only through the storage (default_storage, a FileField's storage), never by path,
so both backends take every code path."""

from collections.abc import Iterator
from datetime import datetime, timezone

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage, default_storage
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from core.exceptions import ApplicationError


class StorageUnavailable(ApplicationError):
    """The bucket did not answer or refused the keys (gallery.s3_storage raises it)."""

    def __init__(self):
        super().__init__(
            _("The image storage cannot be reached right now. Please try again in a minute."),
            code="storage_unavailable", status=503,
        )


class PrivateStorage(FileSystemStorage):
    """Media storage with no public URL: every file is streamed by gallery.views after an
    ownership check."""

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.MEDIA_ROOT)

    def url(self, name):
        raise NotImplementedError("Private files have no public URL; use gallery:item-file.")


def storage_walk(prefix: str, storage: Storage | None = None) -> Iterator[tuple[str, datetime]]:
    """(name, last modified) of every file under `prefix`, on either backend."""
    storage = storage or default_storage
    walk = getattr(storage, "walk", None)
    if walk is not None:
        yield from walk(prefix)
        return
    folders, files = storage.listdir(prefix) if storage.exists(prefix) else ([], [])
    for name in files:
        full = f"{prefix}/{name}"
        yield full, storage.get_modified_time(full).astimezone(timezone.utc)
    for folder in folders:
        yield from storage_walk(f"{prefix}/{folder}", storage)


def storage_ping(storage: Storage | None = None) -> dict:
    """Raises when the storage cannot be used; /healthz calls it."""
    storage = storage or default_storage
    ping = getattr(storage, "ping", None)
    if ping is not None:
        return ping()
    # A folder that is missing or read-only fails every upload: write and remove a probe.
    storage.delete(storage.save(".healthz", ContentFile(b"")))
    return {"backend": "filesystem"}
