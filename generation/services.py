"""Creates and cancels text-to-image jobs. The page and the API call these."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import ApplicationError
from gallery.models import Job
from gallery.services import job_cancel, job_create
from generation import keys, kinds
from generation.params import GenerationParams

KINDS = {"dashscope": kinds.DASHSCOPE.name, "local": kinds.LOCAL.name}
# "Generate with text": a picture from either backend, then the text placed (one kind per backend, so a
# local one can run on the GPU cluster: generation.kinds)
TEXT_KINDS = {"dashscope": kinds.TEXT.name, "local": kinds.TEXT_LOCAL.name}
TEXT_KIND = TEXT_KINDS["dashscope"]
ALL_KINDS = (*KINDS.values(), *TEXT_KINDS.values())


def generation_job_create(*, user, params, typed_key: str = "", save_key: bool = False) -> Job:
    """Validates every parameter and the key choice (nothing is stored or sent when one is wrong),
    creates the job and enqueues it on commit. A typed key is never put in the job's params (see
    generation.keys); with `save_key` it is saved (encrypted) as the user's own key and used as such."""
    cleaned = GenerationParams.clean(params, key_source_default=keys.key_source_default(user=user))
    return keyed_job_create(user=user, kind=KINDS[cleaned["backend"]], cleaned=cleaned, typed_key=typed_key,
                            save_key=save_key)


def text_generation_job_create(*, user, params, typed_key: str = "", save_key: bool = False) -> Job:
    """"Generate with text": the prompt, the picture's parameters and 1-8 boxes with their text, all
    validated (boxes inside the chosen size, fonts installed) before anything is stored or sent."""
    from editing.text_engine import fonts_check
    from generation.text_params import text_generation_params_clean

    cleaned = text_generation_params_clean(params, key_source_default=keys.key_source_default(user=user))
    if not cleaned["model_draws_text"]:
        fonts_check(box["font"] for box in cleaned["boxes"])
    return keyed_job_create(user=user, kind=TEXT_KINDS[cleaned["backend"]], cleaned=cleaned, typed_key=typed_key,
                            save_key=save_key)


def keyed_job_create(*, user, kind: str, cleaned: dict, typed_key: str, save_key: bool,
                     create: Callable[[dict], Job] | None = None) -> Job:
    """The key rules of every job that may call DashScope: the chosen key source is checked before
    anything is stored; a typed key is saved (with `save_key`) or stashed for the worker, never put in
    the params. `create(cleaned)` makes the job inside the same transaction (default: a job without
    inputs), so a failure there also undoes a key just saved."""
    typed = ""
    if cleaned["backend"] == "dashscope":
        typed = keys.key_check(user=user, source=cleaned["key_source"], typed=typed_key)
    with transaction.atomic():
        if typed and save_key:
            keys.credential_save(user=user, key=typed)
            cleaned["key_source"], typed = keys.SAVED, ""
        job = create(cleaned) if create else job_create(owner=user, kind=kind, params=cleaned, inputs=[])
        if typed:
            keys.typed_key_stash(job_id=job.id, key=typed)  # before on_commit enqueues (sync mode runs there)
    return job


def generation_job_cancel(*, job: Job) -> Job:
    """A queued job is cancelled at once; a running one is marked cancelled and its handler stops at
    the next check (between denoising steps, or at the next DashScope poll, cancelling the remote task).
    Outputs a cancelled job might still produce are dropped by the runner."""
    if job.status == Job.Status.QUEUED:
        return job_cancel(job=job)
    changed = Job.objects.filter(id=job.id, status=Job.Status.RUNNING).update(
        status=Job.Status.CANCELLED, finished_at=timezone.now(), error_code="cancelled",
        error_message=_("Cancelled by you."),
    )
    job.refresh_from_db()
    if not changed:
        raise ApplicationError(
            _("This job has already finished: %(status)s.") % {"status": job.get_status_display()},
            code="not_cancellable", status=409,
        )
    return job


def generation_cancel_requested(*, job_id) -> bool:
    return Job.objects.filter(id=job_id, status=Job.Status.CANCELLED).exists()
