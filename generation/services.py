"""Creates text-to-image jobs (gallery.services.job_cancel stops them, also while they run), and what
another feature's job that generates a picture needs (picture_request), in one call. The page and the
API call these."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db import transaction
from gallery.models import Job
from gallery.services import job_create
from generation import backends, catalog_data, keys, kinds
from generation.params import GenerationParams
from ml.generation import catalog

KINDS = {"dashscope": kinds.DASHSCOPE.name, "local": kinds.LOCAL.name}


def generation_job_create(*, user, params, typed_key: str = "", save_key: bool = False) -> Job:
    """Validates every parameter and the key choice (nothing is stored or sent when one is wrong),
    creates the job and enqueues it on commit. A typed key is never put in the job's params (see
    generation.keys); with `save_key` it is saved (encrypted) as the user's own key and used as such."""
    cleaned = GenerationParams.clean(params, key_source_default=keys.key_source_default(user=user))
    return keyed_job_create(user=user, kind=KINDS[cleaned["backend"]], cleaned=cleaned, typed_key=typed_key,
                            save_key=save_key)


def _key_settle(*, user, cleaned: dict, typed_key: str, save_key: bool) -> str:
    """The key rules of every job that may call DashScope: the chosen key source is checked; a typed
    key is saved with `save_key` (then the job uses the saved one). Returns the typed key still to
    stash for the worker ('' when none)."""
    if cleaned["backend"] != "dashscope":
        return ""
    typed = keys.key_check(user=user, source=cleaned["key_source"], typed=typed_key)
    if typed and save_key:
        keys.credential_save(user=user, key=typed)
        cleaned["key_source"], typed = keys.SAVED, ""
    return typed


def keyed_job_create(*, user, kind: str, cleaned: dict, typed_key: str, save_key: bool) -> Job:
    """A job without inputs under the key rules (`_key_settle`): a typed key is saved or stashed for
    the worker, never put in the params; a failure creating the job also undoes a key just saved."""
    with transaction.atomic():
        typed = _key_settle(user=user, cleaned=cleaned, typed_key=typed_key, save_key=save_key)
        job = job_create(owner=user, kind=kind, params=cleaned, inputs=[])
        if typed:
            keys.typed_key_stash(job_id=job.id, key=typed)  # before on_commit enqueues (sync mode runs there)
    return job


@dataclass(frozen=True)
class PictureRequest:
    """What another feature needs to create a job whose handler makes one picture
    (generation.handlers.generate_for_job): the params to store, whether the local model makes it (its
    job kind then runs where local models do), the model's spec (to size the picture once the photo is
    known: ml.generation.catalog.size_for_aspect) and the id to create the job with."""

    params: dict
    local: bool
    spec: catalog.ModelSpec
    job_id: uuid.UUID


def picture_request(*, user, params, typed_key: str = "", save_key: bool = False,
                    typed_by_default: bool = False) -> PictureRequest:
    """The one call a feature makes before creating such a job: the picture's params are validated with
    Text to image's contract and per-model rules, the key with its rules (`typed_by_default`: the API's,
    a key typed without a key_source is the one to use). Call it inside the transaction that creates
    the job: a key saved with `save_key` is undone with it, and a typed key is stashed for `job_id`
    only when it commits (before gallery enqueues the job, registered later), so none is left for a job
    that was never made."""
    params = dict(params)
    if typed_by_default:
        keys.typed_when_unsaid(params, typed_key)
    cleaned = GenerationParams.clean(params, key_source_default=keys.key_source_default(user=user))
    typed = _key_settle(user=user, cleaned=cleaned, typed_key=typed_key, save_key=save_key)
    job_id = uuid.uuid4()
    if typed:
        transaction.on_commit(lambda: keys.typed_key_stash(job_id=job_id, key=typed))
    return PictureRequest(params=cleaned, local=cleaned["backend"] == backends.LOCAL,
                          spec=backends.spec_get(cleaned["model"]), job_id=job_id)


def picture_choices(*, user, photo_size: tuple[int, int]) -> dict:
    """What a form for such a picture shows: the models (as on the Text to image page), each with the
    size it would make for a photo of `photo_size`, and the state of the user's keys (never a key)."""
    rows = []
    for row in catalog_data.models():
        width, height = catalog.size_for_aspect(backends.spec_get(row["name"]), *photo_size)
        rows.append({**row, "generated_size": f"{width}×{height}"})
    return {"models": rows, "key": catalog_data.key_status(user=user)}
