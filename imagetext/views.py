"""The "Text in images" page (one page, three modes: add, modify, remove), the status of a find-lines
job while it runs, and the result page with the read-back. Thin: parse, call a service or a
selector, render."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from core.exceptions import ApplicationError
from editing.params import FORMAT_CHOICES
from gallery import selectors
from gallery.models import Job
from gallery.services import job_check_liveness
from gallery.views import error_messages
from generation import catalog_data
from imagetext import engine, services
from imagetext.params import MAX_BOXES, MODIFY_METHODS, REMOVAL_METHODS
from ml.generation.catalog import parse_size

MODES = ("add", "modify", "remove", "generate")
FILL_METHODS = {"modify": MODIFY_METHODS, "remove": REMOVAL_METHODS}
CREATE = {
    "add": services.text_add_job_create,
    "modify": services.text_modify_job_create,
    "remove": services.text_remove_job_create,
}
RESULT_KINDS = (services.TEXT_ADD_KIND, services.TEXT_MODIFY_KIND, services.TEXT_REMOVE_KIND,
                *services.GENERATE_KINDS.values())
GENERATE_FIELDS = ("model", "prompt", "negative_prompt", "size", "seed", "seed_mode", "key_source", "boxes",
                   "model_draws_text")


def text_job_get(*, owner, job_id, kinds=RESULT_KINDS) -> Job:
    """The user's text job; another user's, or another kind, is 404."""
    job = selectors.job_get(owner=owner, job_id=job_id)
    if job.kind not in kinds:
        raise Http404
    return job


def _page_url(source_id, mode: str, lines_job=None) -> str:
    query = {"source": source_id, "mode": mode}
    if lines_job:
        query["lines"] = lines_job
    return f"{reverse('imagetext:text')}?{urlencode(query)}"


def _lines_job(request, source):
    job_id = request.GET.get("lines") or request.POST.get("lines_job")
    if not job_id or source is None:
        return None
    try:
        job = text_job_get(owner=request.user, job_id=job_id, kinds=(services.TEXT_LINES_KIND,))
    except ValidationError:
        raise Http404 from None
    if not any(i.id == source.id for i in job.inputs.all()):
        return None  # lines of another image: find them again
    return job_check_liveness(job=job)


def _generate_view(request):
    """Mode "Generate with text": no source image; the boxes are drawn on an empty canvas of the
    chosen size, and the picture comes from the text-to-image backends (imagetext.services)."""
    catalog = catalog_data.catalog(user=request.user)
    models = [m for m in catalog["models"] if m["available"]]
    values = {"model": models[0]["name"] if models else "", "seed_mode": "random",
              "key_source": catalog["key"]["default_source"], "boxes": ""}
    errors: list[str] = []
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in GENERATE_FIELDS}
        params = {k: v for k, v in values.items() if v not in ("", None)}
        try:
            job = services.text_generation_job_create(
                user=request.user, params=params, typed_key=request.POST.get("api_key", ""),
                save_key=bool(request.POST.get("save_key")),
            )
        except (ValidationError, ApplicationError) as exc:
            errors = error_messages(exc)
        else:
            return redirect("imagetext:text-result", job_id=job.id)
    chosen = next((m for m in models if m["name"] == values.get("model")), models[0] if models else None)
    parsed = parse_size(values.get("size") or "")
    size = "%d*%d" % parsed if parsed else (chosen or {}).get("default_size", "1024*1024")
    width, height = (int(v) for v in size.split("*"))
    sizes = list((chosen or {}).get("sizes", []))
    if size not in sizes:
        sizes.append(size)  # a size typed through the API or a posted form keeps its canvas
    for m in models:
        m["draws_text"] = m["family"] == "qwen"
    context = {
        "mode": "generate", "modes": MODES, "source": None, "errors": errors, "catalog": catalog, "models": models,
        "chosen": chosen, "size": size, "sizes": sizes, "width": width, "height": height, "values": values,
        "fonts": engine.font_choices(), "default_font": engine.DEFAULT_FONT, "max_boxes": MAX_BOXES,
        "state": {"boxes": values.get("boxes", "")}, "mode_urls": {m: f"{request.path}?mode={m}" for m in MODES},
        "draws_offered": bool(chosen) and chosen["family"] == "qwen",
    }
    return render(request, "imagetext/text.html", context, status=400 if errors else 200)


@login_required
def text_view(request):
    mode = request.GET.get("mode") or request.POST.get("mode") or "add"
    mode = mode if mode in MODES else "add"
    if mode == "generate":
        return _generate_view(request)
    source_id = request.GET.get("source") or request.POST.get("source")
    source = None
    if source_id:
        try:
            source = selectors.gallery_item_get(owner=request.user, item_id=source_id)
        except ValidationError:
            raise Http404 from None
    lines_job = _lines_job(request, source)
    errors: list[str] = []
    if request.method == "POST" and source is not None:
        try:
            if request.POST.get("action") == "find_lines":
                job = services.text_lines_job_create(user=request.user, params=request.POST, sources=[source])
                return redirect(_page_url(source.id, mode, job.id))
            job = CREATE[mode](user=request.user, params=request.POST, sources=[source])
        except (ValidationError, ApplicationError) as exc:
            errors = error_messages(exc)
        else:
            return redirect("imagetext:text-result", job_id=job.id)
    lines = []
    if lines_job is not None and lines_job.status == Job.Status.SUCCEEDED:
        lines = lines_job.result.get("lines", [])
    posted = request.POST if request.method == "POST" else {}
    context = {
        "mode": mode, "modes": MODES, "source": source, "errors": errors, "upload_next": f"{request.path}?mode={mode}",
        "recent_items": selectors.gallery_item_list(owner=request.user)[:12] if source is None else [],
        "fonts": engine.font_choices() if source is not None else [],
        "default_font": engine.DEFAULT_FONT, "max_boxes": MAX_BOXES, "formats": FORMAT_CHOICES,
        "lines_job": lines_job, "lines": lines,
        "fill_methods": engine.fill_choices(FILL_METHODS[mode]) if source is not None and mode in FILL_METHODS else [],
        "form_data": posted,
        "state": {
            "boxes": posted.get("boxes", ""), "edits": posted.get("edits", ""), "lines": posted.get("lines", ""),
            "strokes": posted.get("strokes", ""), "target": posted.get("target", ""),
        },
        "mode_urls": {m: (_page_url(source.id, m, lines_job.id if lines_job and m != "add" else None)
                          if source and m != "generate" else f"{request.path}?mode={m}") for m in MODES},
    }
    return render(request, "imagetext/text.html", context, status=400 if errors else 200)


@login_required
@require_GET
def text_lines_status(request, job_id):
    """Polled (htmx) while lines are being found; once the job has ended, the page reloads itself."""
    job = job_check_liveness(job=text_job_get(owner=request.user, job_id=job_id, kinds=(services.TEXT_LINES_KIND,)))
    if not job.is_active:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "imagetext/_text_lines_status.html", {"lines_job": job})


@login_required
@require_GET
def text_result(request, job_id):
    job = job_check_liveness(job=text_job_get(owner=request.user, job_id=job_id))
    if job.kind in services.GENERATE_KINDS.values():
        # the generated base is the "before"; the final picture (its child) the "after". When the model
        # drew the text itself there is only the base, and it is the result.
        outputs = list(job.outputs.order_by("created_at"))
        source = outputs[0] if len(outputs) > 1 else None
        output = outputs[-1] if outputs else None
        mode = "generate"
    else:
        output = job.outputs.first()
        source = job.inputs.first()
        mode = job.kind.rsplit("_", 1)[-1]
    checks = [{**c, "number": n} for n, c in enumerate(job.result.get("checks", []), start=1)]
    context = {"job": job, "output": output, "source": source, "mode": mode, "checks": checks,
               "width": job.result.get("width"), "height": job.result.get("height")}
    template = "imagetext/_text_result.html" if request.htmx else "imagetext/text_result.html"
    return render(request, template, context)


@login_required
@require_POST
def text_preview(request):
    """A PNG of what "Add text" will draw in one box (the job's renderer, on the region round the
    box); the page asks for it, debounced, as the box or its options change. 400 with the
    translated reason when the box cannot be drawn (its text does not fit, ...)."""
    try:
        source = selectors.gallery_item_get(owner=request.user, item_id=request.POST.get("source") or "")
    except ValidationError:
        raise Http404 from None
    try:
        index = int(request.POST.get("index") or 0)
        max_side = int(request.POST.get("max_side") or services.PREVIEW_MAX_SIDE)
    except ValueError:
        index, max_side = 0, services.PREVIEW_MAX_SIDE
    try:
        preview = services.text_add_preview(source=source, params={"boxes": request.POST.get("boxes", "")},
                                            index=max(0, index), max_side=max_side)
    except (ValidationError, ApplicationError) as exc:
        code = getattr(exc, "code", None) or "invalid"
        return JsonResponse({"error": {"code": code, "message": " ".join(error_messages(exc))}}, status=400)
    response = HttpResponse(preview.png, content_type="image/png")
    response["Cache-Control"] = "no-store"
    response["X-Preview-Region"] = ",".join(str(v) for v in preview.region)
    response["X-Preview-Size"] = str(preview.size)
    response["X-Preview-Color"] = preview.color
    response["X-Preview-Outline"] = "1" if preview.outline else "0"
    return response
