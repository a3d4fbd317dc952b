"""Writes to the gallery and the job table. Views, APIs and the runner call these; nothing else
creates rows or files."""

import contextlib
import contextvars
import hashlib
import logging
import os
import socket
import uuid
from collections.abc import Callable, Iterable, Iterator
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from PIL import Image

from core.exceptions import ApplicationError
from gallery import kinds
from gallery.images import (
    STORED_FORMAT,
    extension_for,
    heap_trim,
    image_decode_upload,
    image_encode,
    image_headers_check,
    normalize_mode,
    thumbnail_encode,
)
from gallery.models import GalleryItem, Job

logger = logging.getLogger(__name__)

_written_files: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("written_files", default=None)


@contextlib.contextmanager
def files_removed_on_error() -> Iterator[None]:
    """Files written inside this block are deleted if it raises: a failed transaction leaves no
    orphan files behind (the rows are rolled back by the database)."""
    outer = _written_files.get()
    written: list[str] = []
    token = _written_files.set(written)
    try:
        yield
    except BaseException:
        # Best effort: when the storage itself failed, these deletes may fail too; what stays is an
        # orphan object, which gallery.reconcile finds and removes later.
        _delete_files(written)
        raise
    finally:
        _written_files.reset(token)
        if outer is not None:
            outer.extend(written)


def _save_file(field, filename: str, data: bytes) -> None:
    field.save(filename, ContentFile(data), save=False)
    written = _written_files.get()
    if written is not None:
        written.append(field.name)


def _search_text(name: str, metadata: dict) -> str:
    parts = [name]

    def walk(value: Any) -> None:
        if isinstance(value, str):
            parts.append(value)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, (list, tuple)):
            for v in value:
                walk(v)

    walk(metadata)
    return "\n".join(parts).lower()[:20000]


def _expiry() -> timezone.datetime | None:
    days = settings.RETENTION_DAYS
    return timezone.now() + timedelta(days=days) if days > 0 else None


def gallery_item_create(
    *,
    owner,
    image: Image.Image,
    kind: str,
    name: str,
    fmt: str,
    quality: int = 92,
    parent: GalleryItem | None = None,
    job: Job | None = None,
    metadata: dict | None = None,
    lossless: bool = False,
    encoded: bytes | None = None,
) -> GalleryItem:
    """Encodes `image` as `fmt`, stores it with a WebP thumbnail, and saves the row. `encoded`: the
    image's own bytes in `fmt`, already verified by decoding them into `image` (e.g. a generated
    picture downloaded from a service), stored as they are instead of encoding again."""
    fmt = fmt.upper()
    data = encoded if encoded is not None else image_encode(image, fmt, quality=quality, lossless=lossless)
    item = GalleryItem(
        owner=owner, kind=kind, name=name[:255], width=image.width, height=image.height, format=fmt,
        bytes=len(data), sha256=hashlib.sha256(data).hexdigest(), parent=parent, job=job,
        metadata=metadata or {}, expires_at=_expiry(),
    )
    item.search_text = _search_text(item.name, item.metadata)
    _save_file(item.file, f"{item.id.hex}.{extension_for(fmt)}", data)
    _save_file(item.thumbnail, f"{item.id.hex}.webp", thumbnail_encode(image, settings.THUMBNAIL_SIZE))
    item.full_clean(exclude=["file", "thumbnail"])
    item.save()
    return item


# From about this many pixels a request's freed image memory is worth handing back to the system
# (bench/RESULTS-upload.md: a 4-thread worker kept ~190 MB after ten 49 MP files); small requests
# leave little to give back, so they skip the call.
HEAP_TRIM_PIXELS = 20_000_000


def gallery_uploads_create(*, owner, files: Iterable) -> list[GalleryItem]:
    """Stores all the files or none. Every header is checked first (a bad file, or too many pixels
    together, is refused before anything is decoded); then each file is decoded, stored and freed
    before the next, so a request holds one decoded image at a time, however many it brings."""
    files = list(files)
    if not files:
        raise ValidationError(_("Choose at least one image."), code="no_file")
    if len(files) > settings.UPLOAD_MAX_FILES:
        raise ValidationError(
            _("At most %(n)d images at once.") % {"n": settings.UPLOAD_MAX_FILES}, code="too_many_files"
        )
    headers = image_headers_check(files)
    try:
        with files_removed_on_error(), transaction.atomic():
            return [_upload_store(owner=owner, upload=f) for f in files]
    finally:
        if sum(h.pixels for h in headers) >= HEAP_TRIM_PIXELS:
            heap_trim()


def _upload_store(*, owner, upload) -> GalleryItem:
    """Decodes one upload and stores it; its pixels are freed when this returns, before the next
    file is decoded."""
    decoded = image_decode_upload(upload)
    name, source_format = decoded.name, decoded.source_format
    fmt = STORED_FORMAT[source_format]
    # Converted once here, so the encoder and the thumbnail share it (a CMYK JPEG would be converted
    # by each); the decoded original goes as soon as it is converted.
    image = normalize_mode(decoded.image, fmt)
    del decoded
    return gallery_item_create(
        owner=owner, image=image, kind=GalleryItem.Kind.UPLOAD, name=name, fmt=fmt, quality=95,
        metadata={"original_format": source_format},
    )


def gallery_item_rename(*, item: GalleryItem, name: str) -> GalleryItem:
    name = name.strip()
    if not name:
        raise ApplicationError(_("The name cannot be empty."), code="name_required")
    item.name = name[:255]
    item.search_text = _search_text(item.name, item.metadata)
    item.save(update_fields=["name", "search_text"])
    return item


def gallery_items_delete(*, items: QuerySet[GalleryItem] | Iterable[GalleryItem]) -> int:
    """Deletes rows, then (after commit) their files. Returns how many were deleted. In this order a
    crash in between leaves orphan objects (removed by gallery.reconcile), never a row whose file is
    gone."""
    items = list(items)
    names = [n for item in items for n in (item.file.name, item.thumbnail.name) if n]
    ids = [item.id for item in items]
    with transaction.atomic():
        GalleryItem.objects.filter(id__in=ids).delete()
        transaction.on_commit(lambda: _delete_files(names))
    return len(ids)


def _delete_files(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except Exception:  # OSError, StorageUnavailable: the row is gone, the object is an orphan now
            logger.exception("Could not delete %s", name)


def gallery_expired_delete(*, now=None) -> int:
    """Retention: deletes items past their expiry, with their files."""
    if settings.RETENTION_DAYS <= 0:
        return 0
    now = now or timezone.now()
    deleted = 0
    while True:
        batch = list(GalleryItem.objects.filter(expires_at__lte=now).order_by("expires_at")[:500])
        if not batch:
            return deleted
        deleted += gallery_items_delete(items=batch)


# --- Jobs ----------------------------------------------------------------------------------------

def job_create(*, owner, kind: str, params: dict, inputs: list[GalleryItem], job_id: uuid.UUID | None = None) -> Job:
    """Creates a queued job and enqueues it when the surrounding transaction commits. `job_id`: an id
    chosen before the job exists (generation.services.picture_request stashes a typed key for it)."""
    if kinds.handler_path(kind) is None:
        raise ApplicationError(_("Unknown job kind."), code="unknown_kind")
    active = Job.objects.filter(owner=owner, status__in=Job.ACTIVE).count()
    if active >= settings.JOB_MAX_ACTIVE_PER_USER:
        raise ApplicationError(
            ngettext(
                "You have %(n)d job waiting or running; wait for it to finish.",
                "You have %(n)d jobs waiting or running; wait for some to finish.",
                active,
            ) % {"n": active},
            code="too_many_jobs", status=429,
        )
    job = Job(owner=owner, kind=kind, params=params, language=translation.get_language() or "",
              **({"id": job_id} if job_id else {}))
    job.full_clean()
    job.save()
    job.inputs.set(inputs)
    transaction.on_commit(lambda: job_enqueue(job_id=job.id))
    return job


def job_enqueue(*, job_id) -> None:
    """The first hand-over of a new job to the broker (on commit of job_create)."""
    from django_q.conf import Conf

    Job.objects.filter(id=job_id).update(dispatched_at=timezone.now())
    try:
        task_id = _job_send(job_id)
    except Exception:
        if Conf.SYNC:
            raise  # in sync mode this is the task's own error: let tests see it
        # The broker is down: the job must not wait forever for a worker that will never see it.
        logger.exception("Could not enqueue job %s", job_id)
        job_mark_failed(job_id=job_id, code="queue_unavailable",
                        message=_("The job queue is unavailable right now. Please try again in a minute."))
        return
    Job.objects.filter(id=job_id, task_id="").update(task_id=task_id or "")


def _job_send(job_id) -> str:
    from django_q.tasks import async_task

    options = {}
    if kinds.routes_clusters():
        kind = Job.objects.filter(id=job_id).values_list("kind", flat=True).first()
        if cluster := kinds.cluster_for(kind):
            options["cluster"] = cluster
    return async_task(
        "gallery.tasks.job_run_task", str(job_id), task_name=f"job-{job_id}",
        hook="gallery.tasks.job_task_hook", group="studio-jobs", **options,
    )


def jobs_redispatch_stranded(*, now=None, dispatched_before=None, job_id=None) -> int:
    """Sends again the queued jobs handed to the broker before `dispatched_before` (default: more
    than JOB_REDISPATCH_SECONDS ago). A cluster that dies loses the tasks it had already taken off
    the broker (Redis: for good; the ORM broker: until its `retry`), while their jobs stay queued in
    the database. Sending a job that is still waiting in the broker is harmless: only one delivery
    can claim it (job_claim), the others are skipped. Returns how many were sent."""
    from django_q.conf import Conf

    now = now or timezone.now()
    cutoff = dispatched_before or now - timedelta(seconds=settings.JOB_REDISPATCH_SECONDS)
    # Never dispatched: its web process died between the commit and the on-commit enqueue.
    stranded = Job.objects.filter(status=Job.Status.QUEUED).filter(
        Q(dispatched_at__lt=cutoff) | Q(dispatched_at__isnull=True, queued_at__lt=cutoff)
    )
    if job_id is not None:
        stranded = stranded.filter(id=job_id)
    sent = 0
    for stranded_id, dispatched_at in stranded.order_by("queued_at").values_list("id", "dispatched_at")[:1000]:
        # Conditional: of two reapers (or a reaper and a page read) only one sends it.
        if not Job.objects.filter(id=stranded_id, status=Job.Status.QUEUED, dispatched_at=dispatched_at).update(
            dispatched_at=now
        ):
            continue
        try:
            _job_send(stranded_id)
        except Exception:
            if Conf.SYNC:
                raise
            # Unlike a first enqueue, the job is not failed: the next reap sends it again.
            logger.exception("Could not send queued job %s again; retrying at the next reap", stranded_id)
            break
        sent += 1
    if sent:
        logger.warning("Sent %d queued job(s) to the broker again (dispatched before %s)", sent, cutoff.isoformat())
    return sent


def job_cancel(*, job: Job) -> Job:
    """A waiting job is cancelled at once. A running one only where its kind can stop midway (its
    handler stops at the next check and the runner drops what it still produces); any other finishes,
    its work already paid for."""
    stoppable = kinds.cancels_while_running(job.kind, job.params)
    statuses = [Job.Status.QUEUED, Job.Status.RUNNING] if stoppable else [Job.Status.QUEUED]
    changed = Job.objects.filter(id=job.id, status__in=statuses).update(
        status=Job.Status.CANCELLED, finished_at=timezone.now(),
        error_code="cancelled", error_message=_("Cancelled by you."),
    )
    job.refresh_from_db()
    if not changed:
        message = (_("This job has already finished: %(status)s.") if stoppable else
                   _("Only a job that is still waiting can be cancelled; this one is: %(status)s."))
        raise ApplicationError(message % {"status": job.get_status_display()}, code="not_cancellable", status=409)
    return job


def job_cancel_requested(*, job_id) -> bool:
    """For a handler that can stop midway: has the job been cancelled since it started?"""
    return Job.objects.filter(id=job_id, status=Job.Status.CANCELLED).exists()


def _worker_name() -> str:
    return f"{settings.Q_CLUSTER.get('cluster_name', '')}@{socket.gethostname()}:{os.getpid()}"[:120]


def job_claim(*, job_id) -> Job | None:
    """queued -> running, atomically; None if someone else has it or it was cancelled."""
    now = timezone.now()
    claimed = Job.objects.filter(id=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING, started_at=now, heartbeat_at=now, attempts=1, progress=1, step="start",
        step_item=0, step_items=0, worker=_worker_name(),
    )
    return Job.objects.get(id=job_id) if claimed else None


def job_progress(*, job_id, progress: int, step: str | None = None, item: int = 0, items: int = 0) -> None:
    """The running job's percentage (never backwards: a late or coarse report cannot undo a finer one)
    and, when given, the step it is in (gallery.progress.STEPS) with which item of how many."""
    fields = {"progress": Greatest(F("progress"), max(1, min(99, int(progress)))), "heartbeat_at": timezone.now()}
    if step is not None:
        fields.update(step=step[:40], step_item=max(0, min(32767, int(item))), step_items=max(0, min(32767, int(items))))
    Job.objects.filter(id=job_id, status=Job.Status.RUNNING).update(**fields)


def job_heartbeat(*, job_id) -> None:
    Job.objects.filter(id=job_id, status=Job.Status.RUNNING).update(heartbeat_at=timezone.now())


def job_mark_succeeded(*, job: Job, result: dict, engine: str = "", model_name: str = "") -> None:
    job.status = Job.Status.SUCCEEDED
    job.progress = 100
    job.result = result
    job.engine = engine
    job.model_name = model_name
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "progress", "result", "engine", "model_name", "finished_at"])


def job_mark_failed(*, job_id, code: str, message: str) -> bool:
    """Idempotent: only a job that is still queued or running is changed."""
    return bool(
        Job.objects.filter(id=job_id, status__in=Job.ACTIVE).update(
            status=Job.Status.FAILED, error_code=code[:40], error_message=message, finished_at=timezone.now()
        )
    )


def jobs_stale_fail(*, now=None) -> int:
    """A running job whose heartbeat stopped (worker killed, machine lost) ends failed instead of
    staying "running" forever."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.JOB_STALE_SECONDS)
    failed = 0
    for job_id, language in Job.objects.filter(status=Job.Status.RUNNING, heartbeat_at__lt=cutoff).values_list(
        "id", "language"
    ):
        with translation.override(language or settings.LANGUAGE_CODE):
            message = _("The worker running this job stopped before it finished. Please try again.")
        failed += Job.objects.filter(id=job_id, status=Job.Status.RUNNING, heartbeat_at__lt=cutoff).update(
            status=Job.Status.FAILED, error_code="worker_lost", finished_at=now, error_message=message
        )
    return failed


def job_check_liveness(*, job: Job) -> Job:
    """Called when a job is read: detects a dead worker, and re-sends a queued job a dead cluster
    may have taken, even if the scheduler is down too."""
    now = timezone.now()
    if job.status == Job.Status.RUNNING and job.heartbeat_at:
        if (now - job.heartbeat_at).total_seconds() > settings.JOB_STALE_SECONDS:
            jobs_stale_fail()
            job.refresh_from_db()
    elif job.status == Job.Status.QUEUED:
        sent_at = job.dispatched_at or job.queued_at
        if sent_at and (now - sent_at).total_seconds() > settings.JOB_REDISPATCH_SECONDS:
            jobs_redispatch_stranded(job_id=job.id)
            job.refresh_from_db()
    return job


def job_create_for_sources(
    *, owner, kind: str, params: dict, sources: Iterable[GalleryItem] = (), uploads: Iterable = (),
    check_source: Callable[[GalleryItem], None] | None = None, job_id: uuid.UUID | None = None,
) -> Job:
    """The common entry of every feature: existing gallery items and/or new uploads become the
    job's inputs. Uploads are decoded first; on any error nothing is stored."""
    sources, uploads = list(sources), list(uploads)
    if not sources and not uploads:
        raise ValidationError(_("Choose an image: upload one or pick one from your gallery."), code="no_source")
    if len(sources) + len(uploads) > settings.UPLOAD_MAX_FILES:
        raise ValidationError(
            _("At most %(n)d images at once.") % {"n": settings.UPLOAD_MAX_FILES}, code="too_many_files"
        )
    for item in sources:
        if item.owner_id != owner.id:  # selectors already scope by owner; this is the last guard
            raise ApplicationError(_("Not found."), code="not_found", status=404)
    with files_removed_on_error(), transaction.atomic():
        items = sources + (gallery_uploads_create(owner=owner, files=uploads) if uploads else [])
        if check_source:
            for item in items:
                check_source(item)
        return job_create(owner=owner, kind=kind, params=params, inputs=items, job_id=job_id)
