"""Job handlers used only by tests, registered per test through settings.JOB_HANDLERS."""

import time

from django.core.exceptions import ValidationError
from django_q.exceptions import TimeoutException
from PIL import Image

from core.exceptions import ApplicationError
from gallery.models import GalleryItem
from gallery.runner import JobOutcome, JobOutput


def application_error_handle(*, job, report):
    report(50)
    raise ApplicationError("The model ran out of memory; try a smaller image.", code="out_of_memory")


def validation_error_handle(*, job, report):
    raise ValidationError("This image has no faces.", code="no_faces")


def crash_handle(*, job, report):
    raise RuntimeError("unexpected bug in a handler")


def timeout_handle(*, job, report):
    raise TimeoutException("Task exceeded maximum timeout value")


def crash_while_storing_handle(*, job, report):
    """The first output is stored fine, the second cannot be encoded: the first's files must go."""
    image = Image.new("RGB", (8, 8), (0, 255, 0))
    return JobOutcome(outputs=[
        JobOutput(image=image, name="first", fmt="PNG", kind=GalleryItem.Kind.EDITED),
        JobOutput(image=image, name="second", fmt="NO-SUCH-FORMAT", kind=GalleryItem.Kind.EDITED),
    ])


def two_outputs_handle(*, job, report):
    outputs = [
        JobOutput(image=Image.new("RGB", (4, 4), (0, 0, 255)), name=f"out-{i}", fmt="PNG",
                  kind=GalleryItem.Kind.GENERATED, metadata={"index": i})
        for i in range(2)
    ]
    return JobOutcome(outputs=outputs, result={"note": "made two"}, engine="test", model_name="tiny")


def slow_handle(*, job, report):
    """Sleeps params["seconds"], reporting progress: a stand-in for a long model run."""
    seconds = float(job.params.get("seconds", 30))
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        time.sleep(0.2)
        report(10)
    return JobOutcome(outputs=[])


def reaped_midway_handle(*, job, report):
    """Does a real crop, but meanwhile the reaper declares the job dead."""
    from editing.handlers import crop_handle
    from gallery.models import Job

    outcome = crop_handle(job=job, report=report)
    Job.objects.filter(id=job.id).update(status=Job.Status.FAILED, error_code="worker_lost")
    return outcome


def soak_handle(*, job, report):
    """For the worker-kill soak: records each run (job, process, process group) in DATA_DIR/runs.log
    before working, so a job run twice shows even if a run was killed before storing anything; then
    works params["seconds"] and stores one output."""
    import os
    from pathlib import Path

    from django.conf import settings

    with open(Path(settings.DATA_DIR) / "runs.log", "a") as f:  # one short append: atomic
        f.write(f"{job.id} {os.getpid()} {os.getpgid(0)}\n")
    end = time.monotonic() + float(job.params.get("seconds", 1))
    while time.monotonic() < end:
        time.sleep(0.1)
        report(50)
    return JobOutcome(outputs=[
        JobOutput(image=Image.new("RGB", (4, 4), (9, 9, 9)), name="soak", fmt="PNG", kind=GalleryItem.Kind.EDITED)
    ])
