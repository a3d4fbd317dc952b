"""The job runner, cancel, the stale-job reaper, the task hook and the per-user job limit."""

import socket
import uuid
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone
from django_q.exceptions import TimeoutException

from core.exceptions import ApplicationError
from editing.services import crop_job_create
from gallery import runner, services, tasks
from gallery.models import GalleryItem, Job, WorkerBeat
from tests import imaging

pytestmark = pytest.mark.django_db

GENERIC = "Something went wrong while running this job. It has been logged; please try again."
WORKER_LOST = "The worker running this job stopped before it finished. Please try again."
TIMEOUT = "This job took longer than 300 seconds and was stopped."


@pytest.fixture
def test_handlers(settings):
    settings.JOB_HANDLERS = {
        **settings.JOB_HANDLERS,
        **{f"test.{name}": f"tests.job_handlers.{name}_handle" for name in (
            "application_error", "validation_error", "crash", "timeout", "crash_while_storing", "two_outputs",
        )},
    }


def _queued(user, kind="editing.crop", params=None, inputs=()) -> Job:
    """A queued job whose enqueue is never run (the test transaction does not commit)."""
    if params is None and kind == "editing.crop":
        params = {"left": 0, "top": 0, "right": 100, "bottom": 100, "rotate": 0, "flip_horizontal": False,
                  "flip_vertical": False, "format": "same", "quality": 92}
    return services.job_create(owner=user, kind=kind, params=params or {}, inputs=list(inputs))


def _running(user, *, heartbeat_age_s: float, **fields) -> Job:
    now = timezone.now()
    fields.setdefault("language", "en")  # submitted in English (an empty language means the site default)
    return Job.objects.create(
        owner=user, kind="editing.crop", status=Job.Status.RUNNING, started_at=now - timedelta(seconds=heartbeat_age_s),
        heartbeat_at=now - timedelta(seconds=heartbeat_age_s), progress=40, **fields,
    )


# --- runner ----------------------------------------------------------------------------------------

def test_job_run_missing_job_is_a_noop():
    assert runner.job_run(job_id=uuid.uuid4()) == "skipped"
    assert Job.objects.count() == 0


def test_job_run_already_succeeded_job_is_a_noop(user, make_item, run_jobs):
    # given: a finished job
    with run_jobs():
        job = crop_job_create(user=user, params={}, sources=[make_item(user)])
    job.refresh_from_db()
    finished_at = job.finished_at
    # when: it is delivered again
    assert runner.job_run(job_id=job.id) == "skipped"
    # then
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.finished_at == finished_at
    assert job.outputs.count() == 1


def test_job_run_records_worker_beat(user, make_item):
    job = _queued(user, inputs=[make_item(user)])
    assert WorkerBeat.objects.count() == 0
    assert runner.job_run(job_id=job.id) == "succeeded"
    assert WorkerBeat.objects.count() == 1


def test_worker_beat_names_the_machine_and_the_cluster(settings):
    # given: the model worker's cluster, beside the default one ("name" is the same site-wide)
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "cluster_name": "gpu"}
    # when
    runner.worker_beat()
    # then
    assert WorkerBeat.objects.get().name == f"{socket.gethostname()}/gpu"


def test_job_run_stores_outcome_result_engine_and_model(user, test_handlers):
    # given
    job = _queued(user, kind="test.two_outputs")
    # when
    assert runner.job_run(job_id=job.id) == "succeeded"
    # then
    job.refresh_from_db()
    assert (job.status, job.progress, job.engine, job.model_name) == (Job.Status.SUCCEEDED, 100, "test", "tiny")
    outputs = list(job.outputs.order_by("name"))
    assert [(o.name, o.kind, o.metadata, o.parent) for o in outputs] == [
        ("out-0", "generated", {"index": 0}, None), ("out-1", "generated", {"index": 1}, None),
    ]
    assert job.result["note"] == "made two"
    assert job.result["outputs"] == [str(o.id) for o in job.outputs.order_by("created_at")]
    assert job.attempts == 1


def test_job_run_application_error_marks_failed_with_its_message(user, test_handlers, settings):
    # given
    job = _queued(user, kind="test.application_error")
    # when
    assert runner.job_run(job_id=job.id) == "failed"
    # then
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.error_code == "out_of_memory"
    assert job.error_message == "The model ran out of memory; try a smaller image."
    assert job.finished_at is not None
    assert job.outputs.count() == 0
    assert imaging.media_files(settings.MEDIA_ROOT) == []


def test_job_run_validation_error_marks_failed(user, test_handlers):
    job = _queued(user, kind="test.validation_error")
    assert runner.job_run(job_id=job.id) == "failed"
    job.refresh_from_db()
    assert (job.status, job.error_code, job.error_message) == (Job.Status.FAILED, "no_faces", "This image has no faces.")


def test_job_run_unexpected_error_marks_failed_generic_and_reraises(user, test_handlers):
    # given
    job = _queued(user, kind="test.crash")
    # when
    with pytest.raises(RuntimeError, match="unexpected bug"):
        runner.job_run(job_id=job.id)
    # then: the user sees a generic message, never the exception text
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.error_code == "internal_error"
    assert job.error_message == GENERIC
    assert "unexpected bug" not in job.error_message


def test_job_run_unexpected_error_reraises_through_the_queue(user, test_handlers, run_jobs):
    # given / when: sync django-q2 re-raises in the caller
    with pytest.raises(RuntimeError, match="unexpected bug"):
        with run_jobs():
            job = _queued(user, kind="test.crash")
    # then
    job.refresh_from_db()
    assert (job.status, job.error_code) == (Job.Status.FAILED, "internal_error")


def test_job_run_crash_while_storing_removes_files_already_written(user, test_handlers, settings):
    # given: a handler whose second output cannot be encoded
    job = _queued(user, kind="test.crash_while_storing")
    # when
    with pytest.raises(KeyError):
        runner.job_run(job_id=job.id)
    # then: no rows and no files from the first output
    job.refresh_from_db()
    assert (job.status, job.error_code, job.error_message) == (Job.Status.FAILED, "internal_error", GENERIC)
    assert GalleryItem.objects.count() == 0
    assert imaging.media_files(settings.MEDIA_ROOT) == []


def test_job_run_timeout_marks_failed_and_reraises(user, test_handlers):
    job = _queued(user, kind="test.timeout")
    with pytest.raises(TimeoutException):
        runner.job_run(job_id=job.id)
    job.refresh_from_db()
    assert (job.status, job.error_code, job.error_message) == (Job.Status.FAILED, "timeout", TIMEOUT)


def test_job_run_keeps_reaper_verdict_and_drops_outputs(user, make_item, settings):
    # given: while the handler runs, the reaper declares the job dead
    settings.JOB_HANDLERS = {**settings.JOB_HANDLERS, "editing.crop": "tests.job_handlers.reaped_midway_handle"}
    job = _queued(user, inputs=[make_item(user)])
    files_before = imaging.media_files(settings.MEDIA_ROOT)
    # when
    assert runner.job_run(job_id=job.id) == "abandoned"
    # then: the reaper's verdict stands, the outputs are dropped with their files
    job.refresh_from_db()
    assert (job.status, job.error_code) == (Job.Status.FAILED, "worker_lost")
    assert job.outputs.count() == 0
    assert GalleryItem.objects.count() == 1
    assert imaging.media_files(settings.MEDIA_ROOT) == files_before


def test_job_run_writes_errors_in_the_submitters_language(user, test_handlers):
    # given: submitted by someone reading Chinese
    from django.utils import translation

    with translation.override("zh-hans"):
        job = _queued(user, kind="test.timeout")
    assert job.language == "zh-hans"
    # when
    with pytest.raises(TimeoutException):
        runner.job_run(job_id=job.id)
    # then: the message was produced under zh-hans, whatever the test's own language
    job.refresh_from_db()
    with translation.override("zh-hans"):
        expected = translation.gettext("This job took longer than %(seconds)d seconds and was stopped.") % {
            "seconds": 300
        }
    assert (job.error_code, job.error_message) == ("timeout", expected)


# --- cancel ----------------------------------------------------------------------------------------

def test_job_cancel_queued_job_then_runner_skips_it(user, make_item, settings):
    # given: queued, never run
    job = _queued(user, inputs=[make_item(user)])
    files_before = imaging.media_files(settings.MEDIA_ROOT)
    # when
    job = services.job_cancel(job=job)
    # then
    assert job.status == Job.Status.CANCELLED
    assert (job.error_code, job.error_message) == ("cancelled", "Cancelled by you.")
    assert job.finished_at is not None
    # and a late delivery of the task does nothing
    assert runner.job_run(job_id=job.id) == "skipped"
    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED
    assert job.outputs.count() == 0
    assert imaging.media_files(settings.MEDIA_ROOT) == files_before


@pytest.mark.parametrize(
    ("status", "word"), [(Job.Status.RUNNING, "Running"), (Job.Status.SUCCEEDED, "Succeeded"),
                         (Job.Status.FAILED, "Failed"), (Job.Status.CANCELLED, "Cancelled")],
)
def test_job_cancel_refuses_job_that_is_not_queued(user, status, word):
    job = Job.objects.create(owner=user, kind="editing.crop", status=status)
    with pytest.raises(ApplicationError) as exc_info:
        services.job_cancel(job=job)
    assert (exc_info.value.code, exc_info.value.status) == ("not_cancellable", 409)
    assert exc_info.value.message == f"Only a job that is still waiting can be cancelled; this one is: {word}."
    job.refresh_from_db()
    assert job.status == status


# --- stale reaper and liveness --------------------------------------------------------------------

def test_jobs_stale_fail_fails_dead_job_and_keeps_fresh_one(user, settings):
    # given
    settings.JOB_STALE_SECONDS = 90
    dead = _running(user, heartbeat_age_s=300)
    fresh = _running(user, heartbeat_age_s=5)
    queued = _queued(user)
    # when
    assert services.jobs_stale_fail() == 1
    # then
    dead.refresh_from_db(), fresh.refresh_from_db(), queued.refresh_from_db()
    assert (dead.status, dead.error_code, dead.error_message) == (Job.Status.FAILED, "worker_lost", WORKER_LOST)
    assert dead.finished_at is not None
    assert fresh.status == Job.Status.RUNNING and fresh.error_message == ""
    assert queued.status == Job.Status.QUEUED
    # and it is idempotent
    assert services.jobs_stale_fail() == 0


def test_jobs_reap_task_records_worker_and_reaps(user):
    dead = _running(user, heartbeat_age_s=3600)
    assert tasks.jobs_reap_task() == 1
    dead.refresh_from_db()
    assert dead.status == Job.Status.FAILED
    assert WorkerBeat.objects.count() == 1


def test_job_check_liveness_fails_stale_running_job(user):
    job = services.job_check_liveness(job=_running(user, heartbeat_age_s=600))
    assert (job.status, job.error_code, job.error_message) == (Job.Status.FAILED, "worker_lost", WORKER_LOST)


def test_job_check_liveness_leaves_fresh_and_finished_jobs(user):
    fresh = services.job_check_liveness(job=_running(user, heartbeat_age_s=1))
    assert fresh.status == Job.Status.RUNNING
    old_done = Job.objects.create(owner=user, kind="editing.crop", status=Job.Status.SUCCEEDED,
                                  heartbeat_at=timezone.now() - timedelta(days=1))
    assert services.job_check_liveness(job=old_done).status == Job.Status.SUCCEEDED


def test_job_heartbeat_and_progress_touch_only_running_jobs(user):
    job = _running(user, heartbeat_age_s=100)
    before = job.heartbeat_at
    services.job_progress(job_id=job.id, progress=150)
    job.refresh_from_db()
    assert job.progress == 99 and job.heartbeat_at > before
    services.job_heartbeat(job_id=job.id)
    queued = _queued(user)
    services.job_progress(job_id=queued.id, progress=50)
    queued.refresh_from_db()
    assert queued.progress == 0 and queued.heartbeat_at is None


# --- task hook -------------------------------------------------------------------------------------

def _task(job, *, success=False, result="TimeoutException : Task exceeded maximum timeout value"):
    return SimpleNamespace(success=success, args=[str(job.id)] if job else [], result=result)


def test_job_task_hook_marks_timed_out_job_failed(user):
    job = _running(user, heartbeat_age_s=1)
    tasks.job_task_hook(_task(job))
    job.refresh_from_db()
    assert (job.status, job.error_code, job.error_message) == (Job.Status.FAILED, "timeout", TIMEOUT)


def test_job_task_hook_marks_killed_worker_job_failed_as_timeout(user):
    job = _running(user, heartbeat_age_s=1)
    tasks.job_task_hook(_task(job, result=None))
    job.refresh_from_db()
    assert job.error_code == "timeout"


def test_job_task_hook_other_failure_is_internal_error(user):
    job = _queued(user)
    tasks.job_task_hook(_task(job, result="ValueError : oops"))
    job.refresh_from_db()
    assert (job.status, job.error_code, job.error_message) == (Job.Status.FAILED, "internal_error", GENERIC)


def test_job_task_hook_ignores_success_finished_and_missing(user):
    running = _running(user, heartbeat_age_s=1)
    tasks.job_task_hook(_task(running, success=True))
    running.refresh_from_db()
    assert running.status == Job.Status.RUNNING

    done = Job.objects.create(owner=user, kind="editing.crop", status=Job.Status.SUCCEEDED)
    tasks.job_task_hook(_task(done))
    done.refresh_from_db()
    assert done.status == Job.Status.SUCCEEDED and done.error_code == ""

    tasks.job_task_hook(_task(None))
    tasks.job_task_hook(SimpleNamespace(success=False, args=[str(uuid.uuid4())], result="x"))


# --- limits ----------------------------------------------------------------------------------------

def test_job_create_refuses_over_active_limit(user, other_user, settings):
    # given: two active jobs, and a finished one that does not count
    settings.JOB_MAX_ACTIVE_PER_USER = 2
    _queued(user)
    _running(user, heartbeat_age_s=1)
    Job.objects.create(owner=user, kind="editing.crop", status=Job.Status.SUCCEEDED)
    # when
    with pytest.raises(ApplicationError) as exc_info:
        _queued(user)
    # then
    assert (exc_info.value.code, exc_info.value.status) == ("too_many_jobs", 429)
    assert exc_info.value.message == "You have 2 jobs waiting or running; wait for some to finish."
    assert Job.objects.filter(owner=user).count() == 3
    # another user is not affected
    assert _queued(other_user).status == Job.Status.QUEUED


def test_job_create_refuses_unknown_kind(user):
    with pytest.raises(ApplicationError) as exc_info:
        services.job_create(owner=user, kind="nope", params={}, inputs=[])
    assert exc_info.value.code == "unknown_kind"
    assert Job.objects.count() == 0


def test_job_enqueue_records_task_id(user, make_item, run_jobs):
    with run_jobs():
        job = crop_job_create(user=user, params={}, sources=[make_item(user)])
    job.refresh_from_db()
    assert job.task_id
    from django_q.models import Task

    task = Task.objects.get(id=job.task_id)
    assert task.success is True
    assert task.func == "gallery.tasks.job_run_task"
    assert task.result == "succeeded"


# --- enqueue ---------------------------------------------------------------------------------------

def test_job_enqueue_broker_down_fails_the_job(user, monkeypatch):
    # given: a real cluster set-up (not sync) whose broker refuses the task
    from django_q import tasks as q_tasks
    from django_q.conf import Conf

    def broker_down(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(Conf, "SYNC", False)
    monkeypatch.setattr(q_tasks, "async_task", broker_down)
    job = _queued(user)
    # when
    services.job_enqueue(job_id=job.id)
    # then: the job does not wait forever
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.error_code == "queue_unavailable"
    assert job.error_message == "The job queue is unavailable right now. Please try again in a minute."
    assert job.task_id == ""


def test_job_enqueue_in_sync_mode_reraises(user, monkeypatch):
    from django_q import tasks as q_tasks

    monkeypatch.setattr(q_tasks, "async_task", lambda *a, **k: (_ for _ in ()).throw(ConnectionError("down")))
    job = _queued(user)
    with pytest.raises(ConnectionError):
        services.job_enqueue(job_id=job.id)
