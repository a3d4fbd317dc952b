"""django-q2 entry points. Tasks take ids, never rows or bytes, and call services."""

import logging

logger = logging.getLogger(__name__)


def job_run_task(job_id: str) -> str:
    from gallery.runner import job_run

    return job_run(job_id=job_id)


def job_task_hook(task) -> None:
    """Runs after the queue finished a task, also when the worker was killed by the timeout. Tiny
    and idempotent: a job the task left queued or running ends failed."""
    if task.success:
        return
    from django.conf import settings
    from django.utils import translation
    from django.utils.translation import gettext as _

    from gallery.models import Job
    from gallery.services import job_mark_failed

    job_id = task.args[0] if task.args else None
    job = Job.objects.filter(id=job_id).only("language").first() if job_id else None
    if job is None:
        return
    with translation.override(job.language or settings.LANGUAGE_CODE):
        if "timeout" in str(task.result).lower() or task.result is None:
            message = _("This job took longer than %(seconds)d seconds and was stopped.") % {
                "seconds": settings.JOB_TIMEOUT_SECONDS
            }
            code = "timeout"
        else:
            message = _("Something went wrong while running this job. It has been logged; please try again.")
            code = "internal_error"
    job_mark_failed(job_id=job_id, code=code, message=message)


def jobs_reap_task() -> int:
    """Returns how many running jobs were failed as `worker_lost`."""
    from gallery.runner import worker_beat
    from gallery.services import jobs_redispatch_stranded, jobs_stale_fail

    worker_beat()
    failed = jobs_stale_fail()
    jobs_redispatch_stranded()
    return failed


def retention_task() -> int:
    from accounts.lockout import expired_delete as login_throttles_expired_delete
    from gallery.services import gallery_expired_delete

    login_throttles_expired_delete()
    deleted = gallery_expired_delete()
    if deleted:
        logger.info("Retention deleted %d expired gallery items", deleted)
    return deleted


def media_reconcile_task() -> int:
    """Daily: deletes orphan objects (a crash between object and row) and logs rows whose object
    is missing. Returns how many orphans were deleted."""
    from gallery.reconcile import media_reconcile

    return media_reconcile(delete_orphans=True).deleted
