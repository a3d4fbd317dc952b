"""The Read text page (upload or pick images, choose languages and engine), the result page, and
the .txt/.json downloads. Thin: parse, call the service or a selector, render."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from core.exceptions import ApplicationError
from gallery import selectors
from gallery.services import job_check_liveness
from gallery.views import error_messages, page_selection
from ocr import engines, exports, services
from ocr.selectors import ocr_job_get


@login_required
def ocr_view(request):
    _source, batch = page_selection(request)
    errors: list[str] = []
    if request.method == "POST" and batch:
        # the ticked images, read in the batch's order; a ticked id that is not the user's answers 404
        chosen = {i.id for i in selectors.gallery_items_owned(owner=request.user, ids=request.POST.getlist("items"))}
        sources = [b for b in batch if b.id in chosen] if chosen else batch
        try:
            job = services.ocr_job_create(user=request.user, params=request.POST, sources=sources)
        except (ValidationError, ApplicationError) as exc:
            errors = error_messages(exc)
        else:
            return redirect("ocr:result", job_id=job.id)
    posted = request.POST if request.method == "POST" else None
    context = {
        "batch": batch, "errors": errors, "upload_next": request.path,
        "recent_items": selectors.gallery_item_list(owner=request.user)[:12] if not batch else [],
        "languages": engines.languages_status(),
        "chosen_languages": posted.getlist("languages") if posted else list(settings.OCR_LANGUAGES),
        "engines": [e for e in engines.engine_names() if e != "fake"],
        "chosen_engine": posted.get("engine") if posted else settings.OCR_ENGINE,
        "min_score": posted.get("min_score") if posted else settings.OCR_MIN_SCORE,
        "paragraphs": bool(posted.get("paragraphs")) if posted else False,
        "batch_ids": ",".join(str(b.id) for b in batch),
    }
    return render(request, "ocr/read.html", context, status=400 if errors else 200)


@login_required
@require_GET
def ocr_result(request, job_id):
    job = job_check_liveness(job=ocr_job_get(owner=request.user, job_id=job_id))
    outputs = list(job.outputs.all())
    by_id = {str(o.id): o for o in outputs}
    output_ids = job.result.get("outputs", [])
    inputs = {str(i.id): i for i in job.inputs.all()}
    images = []
    for index, image in enumerate(job.result.get("images", [])):
        output = by_id.get(output_ids[index]) if index < len(output_ids) else None
        images.append({**image, "index": index + 1, "source_item": inputs.get(image["source"]), "output_item": output,
                       "lines": [{**l, "number": n, "percent": round(l["score"] * 100, 1)}
                                 for n, l in enumerate(image["lines"], start=1)]})
    context = {"job": job, "images": images}
    template = "ocr/_result.html" if request.htmx else "ocr/result.html"
    return render(request, template, context)


@login_required
@require_GET
def ocr_export(request, job_id, fmt):
    job = ocr_job_get(owner=request.user, job_id=job_id)
    if fmt not in ("txt", "json") or job.status != job.Status.SUCCEEDED:
        raise Http404
    body, content_type = (
        (exports.export_txt(job), "text/plain; charset=utf-8") if fmt == "txt"
        else (exports.export_json(job), "application/json; charset=utf-8")
    )
    response = HttpResponse(body.encode("utf-8"), content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, exports.export_filename(job, fmt))
    response["X-Content-Type-Options"] = "nosniff"
    return response
