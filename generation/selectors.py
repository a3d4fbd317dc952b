from django.core.exceptions import ValidationError
from django.http import Http404

from gallery import selectors
from gallery.models import GalleryItem, Job
from generation.services import KINDS

AGAIN_FIELDS = ("model", "prompt", "negative_prompt", "size", "seed", "template", "subject", "prompt_extend",
                "watermark", "steps", "guidance")


def generation_job_get(*, owner, job_id, kinds=tuple(KINDS.values())) -> Job:
    """The user's text-to-image job; anything else (another user's, another kind) is 404."""
    job = selectors.job_get(owner=owner, job_id=job_id)
    if job.kind not in kinds:
        raise Http404
    return job


def generation_item_params(*, owner, item_id) -> dict:
    """The parameters a generated item was made with, to fill the form again ('generate again')."""
    try:
        item = selectors.gallery_item_get(owner=owner, item_id=item_id)
    except ValidationError:  # not a UUID
        raise Http404 from None
    meta = item.metadata
    if item.kind != GalleryItem.Kind.GENERATED or not ("prompt" in meta or "params" in meta):
        raise Http404
    if "params" in meta:  # items made before the seed was recorded once
        return dict(meta["params"])
    params = {k: meta[k] for k in AGAIN_FIELDS if meta.get(k) is not None}
    # to make this picture again its seed is fixed, whether it was first chosen at random or not
    return {**params, "n": 1, "seed_mode": "fixed"}
