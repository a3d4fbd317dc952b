"""Portrait cutout pages: pick or upload photos (several at once), the job's progress and result
(original, cutout on a checkerboard, on a chosen background, zoom), new backgrounds, the batch
zip, and the touch-up editor. Thin: parse, call a service or a selector, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from core.exceptions import ApplicationError
from gallery import selectors
from gallery.models import GalleryItem
from gallery.services import job_check_liveness
from gallery.views import error_messages, page_selection
from matting import engines, services
from matting.files import cutouts_zip_response
from matting.params import BACKGROUND_FORMATS, default_refine
from matting.selectors import cutout_get, cutout_matte, job_cutouts, matting_job_get, recent_photos

SWATCHES = ("#ffffff", "#f3f4f6", "#111827", "#2563eb", "#0ea5e9", "#16a34a", "#facc15", "#f97316", "#dc2626",
            "#db2777", "#7c3aed", "#c8a27a")


@login_required
def cutout_view(request):
    _source, batch = page_selection(request)
    errors: list[str] = []
    posted = request.POST if request.method == "POST" else None
    if posted is not None and batch:
        chosen = posted.getlist("items")
        extra = sorted(selectors.gallery_items_owned(owner=request.user, ids=chosen), key=lambda i: i.created_at)
        # the form says it sent its checkboxes: none ticked means none chosen (the service refuses)
        sources = extra if (chosen or posted.get("items_sent")) else batch
        params = posted.dict()
        params.setdefault("refine", "off")  # unchecked boxes send nothing
        params.setdefault("decontaminate", "off")
        try:
            job = services.cutout_job_create(user=request.user, params=params, sources=sources)
        except (ValidationError, ApplicationError) as exc:
            errors = error_messages(exc)
        else:
            return redirect("matting:result", job_id=job.id)
    batch_ids = ",".join(str(b.id) for b in batch)
    status = engines.engines_status()
    context = {
        "batch": batch, "batch_ids": batch_ids, "errors": errors, "upload_next": request.path,
        "recent_items": recent_photos(owner=request.user) if not batch else [],
        "more_items": recent_photos(owner=request.user, exclude=batch, limit=18) if batch else [],
        "engines": status,
        "auto_engine": next(e["resolves_to"] for e in status if e["name"] == "auto"),
        "chosen_engine": posted.get("engine") if posted else "auto",
        "chosen_format": posted.get("format") if posted else "PNG",
        "refine": bool(posted.get("refine")) if posted else True,
        "decontaminate": bool(posted.get("decontaminate")) if posted else True,
        "default_refine": default_refine(),
    }
    return render(request, "matting/cutout.html", context, status=400 if errors else 200)


def _generated_choices(request, cutout: GalleryItem) -> dict:
    """The text-to-image models, each with the size it would make for this photo, and the state of
    the user's DashScope keys (never a key)."""
    from generation.services import picture_choices

    return picture_choices(user=request.user, photo_size=(cutout.width, cutout.height))


def _cutout_context(request, cutout: GalleryItem, **extra) -> dict:
    return {
        "cutout": cutout, "photo": cutout.parent, "matte": cutout_matte(cutout=cutout),
        "swatches": SWATCHES, "background_formats": BACKGROUND_FORMATS,
        "background_items": recent_photos(owner=request.user, exclude=[cutout], limit=12),
        "generation": _generated_choices(request, cutout),
        "form": {}, "errors": [], **extra,
    }


@login_required
@require_GET
def cutout_result(request, job_id):
    job = job_check_liveness(job=matting_job_get(owner=request.user, job_id=job_id))
    if request.htmx and not job.is_active:
        # Finished while the page polled: load it whole, so the viewer's scripts start on the result.
        response = render(request, "matting/_progress.html", {"job": job})
        response["HX-Refresh"] = "true"
        return response
    context = _result_context(request, job)
    template = "matting/_progress.html" if request.htmx else "matting/result.html"
    return render(request, template, context)


def _result_context(request, job, **extra) -> dict:
    context = {"job": job, "is_background": job.kind in services.BACKGROUND_KINDS,
               "is_touchup": job.kind == services.TOUCHUP_KIND, "is_cutout": job.kind == services.CUTOUT_KIND}
    if job.status == job.Status.SUCCEEDED:
        outputs = list(job.outputs.all())
        if job.kind in services.BACKGROUND_KINDS:
            context["composites"] = [o for o in outputs if o.kind != GalleryItem.Kind.GENERATED]
            context["generated"] = next((o for o in outputs if o.kind == GalleryItem.Kind.GENERATED), None)
        else:
            cutouts = job_cutouts(job)
            by_parent = {o.parent_id: o for o in outputs if o.kind == GalleryItem.Kind.MATTE}
            context["cutouts"] = [{"cutout": c, "photo": c.parent, "matte": by_parent.get(c.parent_id)} for c in cutouts]
            if len(cutouts) == 1:
                context.update(_cutout_context(request, cutouts[0]))
            elif cutouts:
                context.update({"swatches": SWATCHES, "background_formats": BACKGROUND_FORMATS,
                                "background_items": recent_photos(owner=request.user, limit=12),
                                "form": {}, "errors": [],
                                "can_blur": all(c["photo"] for c in context["cutouts"])})
    return {**context, **extra}


@login_required
@require_GET
def cutout_detail(request, item_id):
    cutout = cutout_get(owner=request.user, item_id=item_id)
    return render(request, "matting/detail.html", _cutout_context(request, cutout))


@login_required
@require_POST
def background_create(request, item_id):
    cutout = cutout_get(owner=request.user, item_id=item_id)
    background = _posted_background(request)
    try:
        job = services.background_job_create(
            user=request.user, params=request.POST.dict(), sources=[cutout], background=background,
            background_upload=request.FILES.get("background_file"), typed_key=request.POST.get("api_key", ""),
            save_key=bool(request.POST.get("save_key")),
        )
    except (ValidationError, ApplicationError) as exc:
        context = _cutout_context(request, cutout, errors=error_messages(exc), form=request.POST)
        return render(request, "matting/detail.html", context, status=400)
    return redirect("matting:result", job_id=job.id)


def _posted_background(request) -> GalleryItem | None:
    """The gallery image chosen as background (mode image), unless a new one was uploaded."""
    if request.POST.get("mode") == "image" and request.POST.get("background") and not request.FILES.get("background_file"):
        try:
            return selectors.gallery_item_get(owner=request.user, item_id=request.POST["background"])
        except ValidationError:
            raise Http404 from None
    return None


@login_required
@require_POST
def batch_background_create(request, job_id):
    """"New background for all" on a batch's result page: one job for every cutout of the batch."""
    job = matting_job_get(owner=request.user, job_id=job_id, kinds=(services.CUTOUT_KIND,))
    try:
        new_job = services.batch_background_job_create(
            user=request.user, job=job, params=request.POST.dict(), background=_posted_background(request),
            background_upload=request.FILES.get("background_file"),
        )
    except (ValidationError, ApplicationError) as exc:
        context = _result_context(request, job, errors=error_messages(exc), form=request.POST)
        return render(request, "matting/result.html", context, status=400)
    return redirect("matting:result", job_id=new_job.id)


@login_required
@require_GET
def cutout_zip(request, job_id):
    job = matting_job_get(owner=request.user, job_id=job_id)
    cutouts = job_cutouts(job)
    if not cutouts:
        raise Http404
    try:
        return cutouts_zip_response(job, cutouts)
    except ApplicationError as exc:  # the media storage is unavailable
        messages.error(request, exc.message)
        return redirect("matting:result", job_id=job.id)


@login_required
def touchup_view(request, item_id):
    cutout = cutout_get(owner=request.user, item_id=item_id)
    wants_json = request.headers.get("Accept", "").startswith("application/json")
    errors: list[str] = []
    if request.method == "POST":
        try:
            job = services.touchup_job_create(user=request.user, source=cutout,
                                              matte_upload=request.FILES.get("matte"))
        except (ValidationError, ApplicationError) as exc:
            errors = error_messages(exc)
            if wants_json:
                return JsonResponse({"errors": errors}, status=400)
        else:
            url = reverse("matting:result", args=[job.id])
            return JsonResponse({"job": str(job.id), "url": url}, status=202) if wants_json else redirect(url)
    if cutout.parent is None:
        errors = errors or [_deleted_message(cutout)]
    context = {"cutout": cutout, "photo": cutout.parent, "errors": errors}
    return render(request, "matting/touchup.html", context, status=400 if errors else 200)


def _deleted_message(cutout: GalleryItem) -> str:
    from django.utils.translation import gettext as _

    return _("The original photo of “%(name)s” was deleted; a matte needs the photo it belongs to.") % {
        "name": cutout.name}
