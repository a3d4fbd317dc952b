"""Runs a generation job as the worker does while its user presses Cancel after the first poll."""

from gallery import runner, services
from gallery.models import Job


def run_cancelled_after_first_poll(job: Job, monkeypatch) -> Job:
    polls = []
    real_progress = services.job_progress

    def progress(*, job_id, progress, **step):
        real_progress(job_id=job_id, progress=progress, **step)
        polls.append(progress)
        if len(polls) == 1:
            services.job_cancel(job=Job.objects.get(id=job_id))

    monkeypatch.setattr(runner, "job_progress", progress)
    runner.job_run(job_id=job.id)
    job.refresh_from_db()
    return job
