"""Reads of a user's cutout jobs and items, always through the owner-scoped gallery selectors:
another user's ids (and ids of other kinds) answer 404."""

from django.http import Http404

from gallery import selectors
from gallery.models import GalleryItem, Job
from matting.services import MATTING_KINDS


def matting_job_get(*, owner, job_id, kinds=MATTING_KINDS) -> Job:
    job = selectors.job_get(owner=owner, job_id=job_id)
    if job.kind not in kinds:
        raise Http404
    return job


def cutout_get(*, owner, item_id) -> GalleryItem:
    item = selectors.gallery_item_get(owner=owner, item_id=item_id)
    if item.kind != GalleryItem.Kind.CUTOUT:
        raise Http404
    return item


def cutout_matte(*, cutout: GalleryItem) -> GalleryItem | None:
    """The matte that goes with a cutout: the one named in its metadata, or its sibling from the same job."""
    qs = GalleryItem.objects.filter(owner=cutout.owner_id, kind=GalleryItem.Kind.MATTE)
    matte_id = cutout.metadata.get("matte")
    if matte_id:
        return qs.filter(id=matte_id).first()
    if cutout.job_id and cutout.parent_id:
        return qs.filter(job=cutout.job_id, parent=cutout.parent_id).first()
    return None


def job_cutouts(job: Job) -> list[GalleryItem]:
    return [o for o in job.outputs.all() if o.kind == GalleryItem.Kind.CUTOUT]


def recent_photos(*, owner, exclude=(), limit: int = 12):
    """Recent photos to cut out or to use as backgrounds (not cutouts or mattes)."""
    return (selectors.gallery_item_list(owner=owner)
            .exclude(kind__in=[GalleryItem.Kind.MATTE, GalleryItem.Kind.CUTOUT])
            .exclude(id__in=[i.id for i in exclude])[:limit])
