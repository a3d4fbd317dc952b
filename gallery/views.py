"""HTML pages of the gallery and of jobs. Thin: parse, call a selector or a service, respond."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from core.exceptions import ApplicationError
from core.navigation import FEATURES
from gallery import files, selectors, services
from gallery.models import GalleryItem, Job
from gallery.storage import StorageUnavailable


def page_selection(request) -> tuple[GalleryItem | None, list[GalleryItem]]:
    """The images a tool page works on, from the query string or its form: ?source= (the one shown)
    and ?batch=a,b,c (the ones it came with). Returns (source or None, every selected item, oldest
    first). One behaviour for every tool: an id that is not the user's answers 404."""
    source_id = request.GET.get("source") or request.POST.get("source") or ""
    batch_ids = [i for i in (request.GET.get("batch") or request.POST.get("batch") or "").split(",") if i]
    items = selectors.gallery_items_owned(owner=request.user, ids=[source_id, *batch_ids] if source_id else batch_ids)
    source = items[0] if source_id else None
    return source, sorted(items, key=lambda item: item.created_at)


def error_messages(exc: Exception) -> list[str]:
    if isinstance(exc, ApplicationError):
        return [exc.message]
    if isinstance(exc, ValidationError):
        return list(exc.messages)
    raise exc


@login_required
def home(request):
    recent = selectors.gallery_item_list(owner=request.user)[:8]
    return render(request, "home.html", {"recent_items": recent})


@login_required
@require_GET
def gallery_list(request):
    kind = request.GET.get("kind") or ""
    if kind not in GalleryItem.Kind.values:
        kind = ""
    query = (request.GET.get("q") or "").strip()[:100]
    items = selectors.gallery_item_list(owner=request.user, kind=kind or None, query=query)
    page = Paginator(items.only(
        "id", "name", "kind", "width", "height", "format", "bytes", "created_at"
    ), settings.GALLERY_PAGE_SIZE).get_page(request.GET.get("page"))
    keep = urlencode({k: v for k, v in (("kind", kind), ("q", query)) if v})
    context = {"page_obj": page, "kind": kind, "query": query, "kinds": GalleryItem.Kind.choices, "keep_query": keep}
    return render(request, "gallery/list.html", context)


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


@login_required
@require_POST
def gallery_upload(request):
    """Stores uploads, then returns to the feature page that asked, with the new items selected."""
    next_url = _safe_next(request, reverse("gallery:list"))
    try:
        items = services.gallery_uploads_create(owner=request.user, files=request.FILES.getlist("files"))
    except (ValidationError, ApplicationError) as exc:
        for message in error_messages(exc):
            messages.error(request, message)
        return HttpResponseRedirect(next_url)
    messages.success(request, ngettext("Uploaded %(n)d image.", "Uploaded %(n)d images.", len(items)) % {"n": len(items)})
    if next_url == reverse("gallery:list"):
        return HttpResponseRedirect(next_url)
    query = {"source": str(items[0].id)}
    if len(items) > 1:
        query["batch"] = ",".join(str(i.id) for i in items)
    sep = "&" if "?" in next_url else "?"
    return HttpResponseRedirect(f"{next_url}{sep}{urlencode(query)}")


@login_required
@require_GET
def gallery_item_detail(request, item_id):
    item = selectors.gallery_item_get(owner=request.user, item_id=item_id)
    context = {
        "item": item,
        "children": selectors.gallery_item_children(item=item)[:24],
        "job": item.job,
        "output_formats": ("PNG", "JPEG", "WEBP"),
        "input_features": [f for f in FEATURES if f.available and f.takes_input],
    }
    return render(request, "gallery/detail.html", context)


@login_required
@require_POST
def gallery_item_delete(request, item_id):
    item = selectors.gallery_item_get(owner=request.user, item_id=item_id)
    services.gallery_items_delete(items=[item])
    messages.success(request, _("Deleted “%(name)s”.") % {"name": item.name})
    return redirect("gallery:list")


@login_required
@require_POST
def gallery_bulk(request):
    # another user's id (or a deleted one) answers 404, as on every page that takes a selection
    items = selectors.gallery_items_owned(owner=request.user, ids=request.POST.getlist("ids"))
    if not items:
        messages.error(request, _("Select at least one image first."))
        return redirect(_safe_next(request, reverse("gallery:list")))
    if request.POST.get("action") == "zip":
        try:
            return files.items_zip_response(items)
        except StorageUnavailable as exc:
            messages.error(request, exc.message)
            return redirect(_safe_next(request, reverse("gallery:list")))
    if request.POST.get("action") == "delete":
        count = services.gallery_items_delete(items=items)
        messages.success(request, ngettext("Deleted %(n)d image.", "Deleted %(n)d images.", count) % {"n": count})
    return redirect(_safe_next(request, reverse("gallery:list")))


def _streamed(respond, item, **options) -> HttpResponse:
    """A file response; with the storage down, the message as plain text (these answer <img> tags and
    direct links, not pages)."""
    try:
        return respond(item, **options)
    except StorageUnavailable as exc:
        return HttpResponse(exc.message, status=exc.status, content_type="text/plain; charset=utf-8")


@login_required
@require_GET
def gallery_item_file(request, item_id):
    item = selectors.gallery_item_get(owner=request.user, item_id=item_id)
    return _streamed(files.item_file_response, item, attachment=False)


@login_required
@require_GET
def gallery_item_thumbnail(request, item_id):
    return _streamed(files.item_thumbnail_response, selectors.gallery_item_get(owner=request.user, item_id=item_id))


@login_required
@require_GET
def gallery_item_download(request, item_id):
    item = selectors.gallery_item_get(owner=request.user, item_id=item_id)
    try:
        return files.item_download_response(item, request.GET.get("format"))
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("gallery:item-detail", item_id=item.id)


@login_required
@require_GET
def job_list(request):
    jobs = selectors.job_list(owner=request.user)
    page = Paginator(jobs, 30).get_page(request.GET.get("page"))
    return render(request, "gallery/job_list.html", {"page_obj": page})


@login_required
@require_GET
def job_detail(request, job_id):
    job = services.job_check_liveness(job=selectors.job_get(owner=request.user, job_id=job_id))
    template = "gallery/_job_status.html" if request.htmx else "gallery/job_detail.html"
    return render(request, template, {"job": job, "input_features": [f for f in FEATURES if f.available and f.takes_input]})


@login_required
@require_POST
def job_cancel(request, job_id):
    """Every page's Cancel button posts here, with `next` for the page to go back to (a feature's own
    result page); whether a running job can stop is its kind's (gallery.kinds)."""
    job = selectors.job_get(owner=request.user, job_id=job_id)
    try:
        services.job_cancel(job=job)
        messages.success(request, _("Job cancelled."))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return HttpResponseRedirect(_safe_next(request, reverse("gallery:job-detail", args=[job.id])))


@staff_member_required
@require_GET
def admin_thumbnail(request, item_id):
    """Staff see any item's thumbnail in the admin; still streamed, never a public URL."""
    return _streamed(files.item_thumbnail_response, get_object_or_404(GalleryItem, id=item_id))
