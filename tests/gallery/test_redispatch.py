"""Queued jobs a dead cluster took off the broker are sent again: by the reaper, when the job is
read, and when a cluster starts. Extra deliveries are harmless: only one can claim the job."""

from datetime import timedelta

import pytest
from django.utils import timezone

from editing.services import crop_job_create
from gallery import runner, services, signals, tasks
from gallery.models import Job

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch):
    """Records what is handed to the broker instead of running it (django-q2 sync mode would)."""
    from django_q import tasks as q_tasks

    calls: list[str] = []

    def record(func, *args, **kwargs):
        calls.append(args[0])
        return f"task-{len(calls)}"

    monkeypatch.setattr(q_tasks, "async_task", record)
    return calls


def _job(user, *, status=Job.Status.QUEUED, dispatched_age_s: float | None, queued_age_s: float = 600) -> Job:
    now = timezone.now()
    dispatched_at = None if dispatched_age_s is None else now - timedelta(seconds=dispatched_age_s)
    job = Job.objects.create(owner=user, kind="editing.crop", status=status, language="en", dispatched_at=dispatched_at)
    Job.objects.filter(id=job.id).update(queued_at=now - timedelta(seconds=queued_age_s))
    job.refresh_from_db()
    return job


def test_job_enqueue_records_when_it_was_dispatched(user, sent):
    job = _job(user, dispatched_age_s=None, queued_age_s=0)
    before = timezone.now()
    services.job_enqueue(job_id=job.id)
    job.refresh_from_db()
    assert sent == [str(job.id)]
    assert job.dispatched_at >= before and job.task_id == "task-1"


def test_redispatch_sends_again_only_queued_jobs_dispatched_long_ago(user, settings, sent):
    # given
    settings.JOB_REDISPATCH_SECONDS = 30
    stranded = _job(user, dispatched_age_s=120)
    never_sent = _job(user, dispatched_age_s=None)  # its web process died before the on-commit enqueue
    fresh = _job(user, dispatched_age_s=5)
    fresh_never_sent = _job(user, dispatched_age_s=None, queued_age_s=1)  # its on-commit enqueue is running
    running = _job(user, status=Job.Status.RUNNING, dispatched_age_s=120)
    done = _job(user, status=Job.Status.SUCCEEDED, dispatched_age_s=120)
    now = timezone.now()
    # when
    assert services.jobs_redispatch_stranded(now=now) == 2
    # then: oldest first, and their dispatched_at moves so they wait a full period again
    assert sorted(sent) == sorted([str(stranded.id), str(never_sent.id)])
    for job in (stranded, never_sent):
        job.refresh_from_db()
        assert job.dispatched_at == now and job.status == Job.Status.QUEUED
        assert job.task_id == ""  # still the first task's id (none here): the re-send is not the job's task
    for job in (fresh, fresh_never_sent, running, done):
        old = job.dispatched_at
        job.refresh_from_db()
        assert job.dispatched_at == old
    # and a second reaper right after finds nothing to send
    assert services.jobs_redispatch_stranded(now=now) == 0
    assert len(sent) == 2


def test_redispatch_skips_a_job_another_reaper_just_sent(user, sent, monkeypatch):
    # given: two reapers read the same stranded job; the other one sends it first
    job = _job(user, dispatched_age_s=120)
    real_filter = Job.objects.filter
    raced = []

    def filter_after_other_reaper(*args, **kwargs):
        if "dispatched_at" in kwargs and not raced:  # the conditional UPDATE of this reaper
            raced.append(True)
            real_filter(id=job.id).update(dispatched_at=timezone.now())
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(Job.objects, "filter", filter_after_other_reaper)
    # when
    assert services.jobs_redispatch_stranded() == 0
    # then
    assert raced and sent == []


def test_redispatch_broker_down_leaves_job_queued_for_the_next_reap(user, settings, monkeypatch):
    # given: a real cluster set-up (not sync) whose broker refuses tasks
    from django_q import tasks as q_tasks
    from django_q.conf import Conf

    def broker_down(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(Conf, "SYNC", False)
    monkeypatch.setattr(q_tasks, "async_task", broker_down)
    job = _job(user, dispatched_age_s=120)
    # when
    assert services.jobs_redispatch_stranded() == 0
    # then: unlike a first enqueue, the job is not failed; it is tried again a period later
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED and job.error_code == ""
    later = timezone.now() + timedelta(seconds=settings.JOB_REDISPATCH_SECONDS + 1)
    monkeypatch.setattr(q_tasks, "async_task", lambda *a, **k: "task-ok")
    assert services.jobs_redispatch_stranded(now=later) == 1


def test_reading_a_queued_job_sent_long_ago_sends_it_again(user, settings, sent):
    settings.JOB_REDISPATCH_SECONDS = 30
    job = _job(user, dispatched_age_s=120)
    other = _job(user, dispatched_age_s=120)
    assert services.job_check_liveness(job=job).status == Job.Status.QUEUED
    # only the job read: a page view does not do the reaper's work for everyone
    assert sent == [str(job.id)]
    # and reading it again at once sends nothing more
    services.job_check_liveness(job=Job.objects.get(id=job.id))
    assert sent == [str(job.id)]
    other.refresh_from_db()
    assert other.dispatched_at < job.dispatched_at


def test_reading_a_queued_job_sent_recently_sends_nothing(user, settings, sent):
    settings.JOB_REDISPATCH_SECONDS = 30
    services.job_check_liveness(job=_job(user, dispatched_age_s=10))
    services.job_check_liveness(job=_job(user, dispatched_age_s=None, queued_age_s=10))
    assert sent == []


def test_reaper_sends_stranded_jobs_again(user, sent):
    job = _job(user, dispatched_age_s=3600)
    assert tasks.jobs_reap_task() == 0  # it counts jobs failed as worker_lost
    assert sent == [str(job.id)]


def test_starting_cluster_sends_jobs_dispatched_before_it_started(user, sent, monkeypatch):
    # given: a cluster that started a moment ago; one job dispatched before (maybe taken by the
    # cluster that died), one after (surely in the broker)
    started = timezone.now() - timedelta(seconds=2)
    monkeypatch.setattr(signals, "CLUSTER_STARTED_AT", started)
    before = _job(user, dispatched_age_s=3)
    _job(user, dispatched_age_s=1)
    from django_q.signals import post_spawn

    # when: its worker processes start (two, and later a reincarnated one)
    for name in ("Process-1", "Process-2", "Process-3"):
        post_spawn.send(sender="django_q", proc_name=name)
    # then: sent once
    assert sent == [str(before.id)]


def test_stranded_job_sent_again_runs_once_and_extra_deliveries_are_skipped(user, make_item, settings):
    # given: a crop job whose task was lost with its cluster
    job = _job(user, dispatched_age_s=120)
    job.params = {"left": 0, "top": 0, "right": 50, "bottom": 50, "rotate": 0, "flip_horizontal": False,
                  "flip_vertical": False, "format": "same", "quality": 92}
    job.save(update_fields=["params"])
    job.inputs.set([make_item(user)])
    # when: the reaper sends it again (sync mode: it runs here and now)
    assert services.jobs_redispatch_stranded() == 1
    # then
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.outputs.count() == 1
    # and the lost original coming back (ORM broker after `retry`), or a second re-send, is skipped
    assert tasks.job_run_task(str(job.id)) == "skipped"
    assert runner.job_run(job_id=job.id) == "skipped"
    job.refresh_from_db()
    assert job.outputs.count() == 1


def test_duplicate_delivery_of_a_running_job_is_skipped_and_its_hook_does_nothing(user):
    from types import SimpleNamespace

    now = timezone.now()
    job = Job.objects.create(owner=user, kind="editing.crop", status=Job.Status.RUNNING, started_at=now,
                             heartbeat_at=now, language="en")
    assert tasks.job_run_task(str(job.id)) == "skipped"
    tasks.job_task_hook(SimpleNamespace(success=True, args=[str(job.id)], result="skipped"))
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING and job.error_code == ""


def test_crop_job_submitted_normally_is_dispatched_once(user, make_item, run_jobs, sent):
    with run_jobs():
        job = crop_job_create(user=user, params={}, sources=[make_item(user)])
    job.refresh_from_db()
    assert sent == [str(job.id)] and job.dispatched_at is not None
