"""Creates text-to-image jobs (gallery.services.job_cancel stops them, also while they run). The page and the API call these."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from gallery.models import Job
from gallery.services import job_create
from generation import keys, kinds
from generation.params import GenerationParams

KINDS = {"dashscope": kinds.DASHSCOPE.name, "local": kinds.LOCAL.name}


def generation_job_create(*, user, params, typed_key: str = "", save_key: bool = False) -> Job:
    """Validates every parameter and the key choice (nothing is stored or sent when one is wrong),
    creates the job and enqueues it on commit. A typed key is never put in the job's params (see
    generation.keys); with `save_key` it is saved (encrypted) as the user's own key and used as such."""
    cleaned = GenerationParams.clean(params, key_source_default=keys.key_source_default(user=user))
    return keyed_job_create(user=user, kind=KINDS[cleaned["backend"]], cleaned=cleaned, typed_key=typed_key,
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
