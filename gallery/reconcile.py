"""Rows and objects that lost each other. Writes store the objects first and commit the row after;
deletes remove the row first and the objects after commit. A crash in between therefore leaves an
orphan object (a file no row names), never a row whose object is missing, unless something outside
the studio removed it. This finds both, on either storage backend: orphans older than
MEDIA_ORPHAN_GRACE_SECONDS are deleted when asked (younger ones may belong to an upload whose row is
not committed yet); missing objects are only reported, for an operator to look into."""

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone

from gallery.models import GalleryItem
from gallery.storage import storage_walk

logger = logging.getLogger(__name__)

# The folders of gallery.models' upload_to: nothing else of the studio's is kept in the storage.
PREFIXES = ("items", "thumbs")


@dataclass
class Reconciliation:
    orphans: list[str] = field(default_factory=list)  # objects no row names, past the grace period
    missing: list[tuple[str, str]] = field(default_factory=list)  # (item id, object name) not stored
    deleted: int = 0  # orphans removed
    young: int = 0  # objects without a row, within the grace period: left alone

    @property
    def clean(self) -> bool:
        return not self.orphans and not self.missing


def media_reconcile(*, delete_orphans: bool = False, now=None) -> Reconciliation:
    now = now or timezone.now()
    grace = timedelta(seconds=settings.MEDIA_ORPHAN_GRACE_SECONDS)
    # Listed before the rows are read: an object written after the listing cannot look like an
    # orphan, and only rows committed before it began are checked for their objects.
    stored = {name: modified for prefix in PREFIXES for name, modified in storage_walk(prefix)}
    report = Reconciliation()
    named: set[str] = set()
    rows = GalleryItem.objects.values_list("id", "file", "thumbnail", "created_at")
    for item_id, file_name, thumb_name, created_at in rows.iterator(chunk_size=2000):
        for name in filter(None, (file_name, thumb_name)):
            named.add(name)
            if name not in stored and created_at < now:
                report.missing.append((str(item_id), name))
    for name, modified in sorted(stored.items()):
        if name in named:
            continue
        if now - modified < grace:
            report.young += 1
        else:
            report.orphans.append(name)
    if delete_orphans:
        for name in report.orphans:
            default_storage.delete(name)
            report.deleted += 1
    for item_id, name in report.missing:
        logger.error("Gallery item %s has no stored file %s", item_id, name)
    if report.orphans:
        logger.warning("%d orphan object(s) in the media storage%s", len(report.orphans),
                       f", {report.deleted} deleted" if delete_orphans else "")
    return report
