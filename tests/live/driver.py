"""Run by tests/live/test_qcluster.py in a subprocess, with the same environment as the `qcluster`
it talks to (settings, database, broker, media). Prints one JSON object on its last line.

    python tests/live/driver.py crop [TIMEOUT]       submit a crop of a new 64x48 upload, wait for it
                                                     (TIMEOUT seconds, 60; 0: do not wait)
    python tests/live/driver.py ocr                  submit an OCR job of a rendered line, wait for it
    python tests/live/driver.py stale                insert a "running" job whose heartbeat is old
    python tests/live/driver.py slow SECONDS         submit a test.slow job (tests.live.settings)
    python tests/live/driver.py wait JOB_ID STATUSES TIMEOUT
    python tests/live/driver.py get JOB_ID           the job as stored
    python tests/live/driver.py liveness JOB_ID      what a GET of the job page does
    python tests/live/driver.py soak_submit N SECONDS  submit N test.soak jobs (tests.live.settings)
    python tests/live/driver.py soak_state           every job after the read-time check a page does
    python tests/live/driver.py tasks FUNC           the cluster of each django-q2 task of FUNC
    python tests/live/driver.py serve                read commands as JSON arrays, one a line, and
                                                     answer each with one line "@@ <JSON>"
"""

import io
import json
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone, translation  # noqa: E402
from PIL import Image  # noqa: E402

from gallery.models import Job  # noqa: E402

# Jobs record the submitter's language and the worker writes its messages in it: English here.
translation.activate("en")


def _user():
    user, _ = get_user_model().objects.get_or_create(username="live")
    return user


def _job_json(job: Job) -> dict:
    job.refresh_from_db()
    outputs = list(job.outputs.all())
    return {
        "id": str(job.id),
        "status": job.status,
        "error_code": job.error_code,
        "error_message": job.error_message,
        "progress": job.progress,
        "task_id": job.task_id,
        "outputs": [
            {"size": [o.width, o.height], "format": o.format, "path": str(Path(settings.MEDIA_ROOT) / o.file.name)}
            for o in outputs
        ],
        "queue_wait_s": (job.result.get("timings") or {}).get("queue_wait_s"),
        "worker": job.worker,
        "text": " ".join(image["text"] for image in job.result.get("images", [])),
        "database": settings.DATABASES["default"]["ENGINE"],
        "broker": "redis" if settings.REDIS_URL else "orm",
    }


def _wait(job: Job, statuses: set[str], timeout: float) -> Job:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status in statuses:
            return job
        time.sleep(0.2)
    return job


def crop(timeout: str = "60") -> dict:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(buf, "PNG")
    upload = SimpleUploadedFile("live.png", buf.getvalue(), content_type="image/png")
    from editing.services import crop_job_create

    with transaction.atomic():  # the enqueue runs on commit, as in a request
        job = crop_job_create(user=_user(), params={"left": 25, "top": 0, "right": 75, "bottom": 50}, uploads=[upload])
    job = _wait(job, {Job.Status.SUCCEEDED, Job.Status.FAILED, Job.Status.CANCELLED}, float(timeout))
    return _job_json(job)


def ocr() -> dict:
    """An OCR job (a kind that loads a model) of a rendered English line, waited for."""
    from ocr.services import ocr_job_create
    from tests.ocr_images import render_lines

    buf = io.BytesIO()
    render_lines(["Routed to the model workers"]).save(buf, "PNG")
    upload = SimpleUploadedFile("line.png", buf.getvalue(), content_type="image/png")
    with transaction.atomic():
        job = ocr_job_create(user=_user(), params={}, uploads=[upload])
    job = _wait(job, {Job.Status.SUCCEEDED, Job.Status.FAILED, Job.Status.CANCELLED}, 120)
    return _job_json(job)


def stale() -> dict:
    old = timezone.now() - timedelta(minutes=10)
    job = Job.objects.create(owner=_user(), kind="editing.crop", status=Job.Status.RUNNING, started_at=old,
                             heartbeat_at=old, progress=30, language="en")
    return _job_json(job)


def slow(seconds: str) -> dict:
    from gallery.services import job_create

    with transaction.atomic():
        job = job_create(owner=_user(), kind="test.slow", params={"seconds": float(seconds)}, inputs=[])
    return _job_json(job)


def wait(job_id: str, statuses: str, timeout: str) -> dict:
    return _job_json(_wait(Job.objects.get(id=job_id), set(statuses.split(",")), float(timeout)))


def get(job_id: str) -> dict:
    return _job_json(Job.objects.get(id=job_id))


def liveness(job_id: str) -> dict:
    from gallery.services import job_check_liveness

    return _job_json(job_check_liveness(job=Job.objects.get(id=job_id)))


def soak_submit(count: str, seconds: str) -> dict:
    from gallery.services import job_create

    ids = []
    for _ in range(int(count)):
        with transaction.atomic():
            ids.append(str(job_create(owner=_user(), kind="test.soak", params={"seconds": float(seconds)},
                                      inputs=[]).id))
    return {"ids": ids}


def _epoch(value):
    return value.timestamp() if value else None


def soak_state() -> dict:
    """Each active job goes through job_check_liveness, as when its page is polled."""
    from django.db.models import Count

    from gallery.services import job_check_liveness

    for job in Job.objects.filter(kind="test.soak", status__in=Job.ACTIVE):
        job_check_liveness(job=job)
    jobs = Job.objects.filter(kind="test.soak").annotate(n_outputs=Count("outputs")).order_by("queued_at")
    return {"now": time.time(), "jobs": [
        {"id": str(j.id), "status": j.status, "error_code": j.error_code, "outputs": j.n_outputs,
         "queued_at": _epoch(j.queued_at), "started_at": _epoch(j.started_at), "finished_at": _epoch(j.finished_at)}
        for j in jobs
    ]}


def tasks(func: str) -> dict:
    """Which cluster ran each task of func (django-q2 records it: pusher.py sets task["cluster"])."""
    from django_q.models import Task

    return {"clusters": list(Task.objects.filter(func=func).order_by("started").values_list("cluster", flat=True))}


COMMANDS = {
    "crop": crop, "ocr": ocr, "stale": stale, "slow": slow, "wait": wait, "get": get, "liveness": liveness,
    "soak_submit": soak_submit, "soak_state": soak_state, "tasks": tasks,
}


def serve() -> None:
    """One process for many quick reads (a new driver process costs a Django start-up each)."""
    for line in sys.stdin:
        command, *args = json.loads(line)
        print("@@ " + json.dumps(COMMANDS[command](*args)), flush=True)


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "serve":
        serve()
    else:
        print(json.dumps(COMMANDS[command](*args)))
