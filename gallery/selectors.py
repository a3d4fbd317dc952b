"""Every read of a user's gallery or jobs goes through here, filtered by owner: the one place that
makes another user's id answer 404."""

import uuid

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from gallery.models import GalleryItem, Job


def gallery_item_list(*, owner, kind: str | None = None, query: str | None = None) -> QuerySet[GalleryItem]:
    qs = GalleryItem.objects.filter(owner=owner).order_by("-created_at")
    if kind:
        qs = qs.filter(kind=kind)
    for word in (query or "").lower().split()[:8]:
        # An image is found by the text read from it, too: that text lives on its OCR copy.
        read_in_it = GalleryItem.objects.filter(
            parent=OuterRef("pk"), kind=GalleryItem.Kind.OCR, search_text__contains=word)
        qs = qs.filter(Q(search_text__contains=word) | Exists(read_in_it))
    return qs


def gallery_item_get(*, owner, item_id) -> GalleryItem:
    return get_object_or_404(GalleryItem.objects.select_related("parent", "job"), owner=owner, id=item_id)


def gallery_items_owned(*, owner, ids) -> list[GalleryItem]:
    """The owner's items for a selection of ids, in the order given, each once.

    A selection is taken whole or not at all: if any id is another user's, deleted, or not an id,
    this raises Http404 (the API's handler answers the same 404 body), so no page or API ever starts a
    job on the part of a selection it could see."""
    try:
        wanted = list(dict.fromkeys(i if isinstance(i, uuid.UUID) else uuid.UUID(str(i)) for i in ids))
    except ValueError:
        raise Http404 from None
    found = {item.id: item for item in GalleryItem.objects.filter(owner=owner, id__in=wanted)}
    if len(found) != len(wanted):
        raise Http404
    return [found[i] for i in wanted]


def gallery_item_children(*, item: GalleryItem) -> QuerySet[GalleryItem]:
    return GalleryItem.objects.filter(owner=item.owner_id, parent=item).order_by("-created_at")


def job_list(*, owner, kind: str | None = None, status: str | None = None) -> QuerySet[Job]:
    qs = Job.objects.filter(owner=owner).order_by("-queued_at")
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    return qs.prefetch_related(
        Prefetch("outputs", queryset=GalleryItem.objects.order_by("created_at")), "inputs"
    )


def job_get(*, owner, job_id) -> Job:
    qs = Job.objects.filter(owner=owner).prefetch_related(
        Prefetch("outputs", queryset=GalleryItem.objects.order_by("created_at")), "inputs"
    )
    return get_object_or_404(qs, id=job_id)
