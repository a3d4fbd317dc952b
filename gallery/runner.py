"""Runs one job in a worker: claim, call the handler registered for its kind, store its outputs
as gallery items, record timings, and end succeeded or failed with a message a user can read."""

import logging
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection, transaction
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_q.exceptions import TimeoutException
from PIL import Image

from core.exceptions import ApplicationError
from gallery import kinds
from gallery.models import GalleryItem, Job, WorkerBeat
from gallery.services import (
    files_removed_on_error,
    gallery_item_create,
    job_claim,
    job_heartbeat,
    job_mark_failed,
    job_mark_succeeded,
    job_progress,
)

logger = logging.getLogger(__name__)

# report(percent, step=None, *, item=0, items=0): how far the job is (0-100) and, when given, the
# named step it is in (gallery.progress.STEPS) with which image, line or denoising step of how many.
ProgressReporter = Callable[..., None]


@dataclass
class JobOutput:
    image: Image.Image
    name: str
    fmt: str
    kind: str
    parent: GalleryItem | None = None
    quality: int = 92
    metadata: dict = field(default_factory=dict)
    lossless: bool = False  # WebP only
    encoded: bytes | None = None  # the image's own bytes in `fmt`, stored as they are (see gallery_item_create)
    parent_index: int | None = None  # instead of `parent`: an earlier output of the same outcome (made from it)


@dataclass
class JobOutcome:
    outputs: list[JobOutput]
    result: dict = field(default_factory=dict)
    engine: str = ""
    model_name: str = ""


class _Heartbeat(threading.Thread):
    """Touches job.heartbeat_at while a long handler runs, so the reaper can tell slow from dead."""

    def __init__(self, job_id, interval: float):
        super().__init__(daemon=True, name=f"heartbeat-{job_id}")
        self.job_id, self.interval, self.stopped = job_id, interval, threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(self.interval):
                job_heartbeat(job_id=self.job_id)
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopped.set()


def worker_beat() -> None:
    # One row per machine and cluster (the queue, "cluster_name"; "name" is the same site-wide), so
    # the model worker and the default one on one machine are told apart in the admin.
    cluster = settings.Q_CLUSTER.get("cluster_name") or settings.Q_CLUSTER["name"]
    WorkerBeat.objects.update_or_create(
        name=f"{socket.gethostname()}/{cluster}"[:120], defaults={"seen_at": timezone.now()}
    )


def job_run(*, job_id) -> str:
    job = job_claim(job_id=job_id)
    if job is None:
        return "skipped"  # cancelled, missing, or a re-delivery: nothing to do
    worker_beat()
    heartbeat = _Heartbeat(job.id, settings.JOB_HEARTBEAT_SECONDS)
    heartbeat.start()
    try:
        with translation.override(job.language or settings.LANGUAGE_CODE):
            return _run_claimed(job)
    finally:
        heartbeat.stop()


def _run_claimed(job: Job) -> str:
    started = time.perf_counter()
    try:
        handler = import_string(kinds.handler_path(job.kind))
        outcome: JobOutcome = handler(job=job, report=_reporter(job.id))
        compute_seconds = time.perf_counter() - started
        # encoding and thumbnailing every output is the last step of a batch (seconds for large images)
        job_progress(job_id=job.id, progress=99, step="save")
        with files_removed_on_error(), transaction.atomic():
            current = Job.objects.select_for_update().get(id=job.id)
            if current.status != Job.Status.RUNNING:
                # The reaper gave up on us meanwhile; its verdict stands and our outputs are dropped.
                raise _Abandoned()
            items = []
            for o in outcome.outputs:
                parent = items[o.parent_index] if o.parent_index is not None else o.parent
                items.append(gallery_item_create(
                    owner=job.owner, image=o.image, kind=o.kind, name=o.name, fmt=o.fmt, quality=o.quality,
                    parent=parent, job=job, metadata=o.metadata, lossless=o.lossless, encoded=o.encoded,
                ))
            total = time.perf_counter() - started
            result = {
                **outcome.result,
                "outputs": [str(i.id) for i in items],
                "timings": {
                    "queue_wait_s": round((job.started_at - job.queued_at).total_seconds(), 3),
                    "compute_s": round(compute_seconds, 3),
                    "total_s": round(total, 3),
                },
            }
            job_mark_succeeded(job=job, result=result, engine=outcome.engine, model_name=outcome.model_name)
        return "succeeded"
    except _Abandoned:
        return "abandoned"
    except ApplicationError as exc:
        job_mark_failed(job_id=job.id, code=exc.code, message=exc.message)
        return "failed"
    except ValidationError as exc:
        job_mark_failed(job_id=job.id, code=exc.error_list[0].code or "invalid", message=" ".join(exc.messages))
        return "failed"
    except TimeoutException:
        job_mark_failed(
            job_id=job.id, code="timeout",
            message=_("This job took longer than %(seconds)d seconds and was stopped.")
            % {"seconds": settings.JOB_TIMEOUT_SECONDS},
        )
        raise
    except Exception:
        logger.exception("Job %s (%s) crashed", job.id, job.kind)
        job_mark_failed(
            job_id=job.id, code="internal_error",
            message=_("Something went wrong while running this job. It has been logged; please try again."),
        )
        raise  # django-q2 records the traceback for staff (admin, Failed tasks)
    finally:
        close_old_connections()


def _reporter(job_id) -> ProgressReporter:
    def report(progress: int, step: str | None = None, *, item: int = 0, items: int = 0) -> None:
        job_progress(job_id=job_id, progress=progress, step=step, item=item, items=items)

    return report


class _Abandoned(Exception):
    pass
