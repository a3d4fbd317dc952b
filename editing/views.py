"""Crop and resize pages. Uploading goes through gallery:upload (it comes back here with
?source=...&batch=...); submitting calls the editing service and shows the job."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.exceptions import ApplicationError
from editing import services
from editing.operations import FILTERS
from editing.params import FORMAT_CHOICES
from gallery import selectors
from gallery.views import error_messages, page_selection

ASPECT_PRESETS = (("free", None), ("1:1", 1.0), ("4:3", 4 / 3), ("3:4", 3 / 4), ("16:9", 16 / 9), ("9:16", 9 / 16))


def _selection(request):
    """The image being edited (?source=) and the batch it came with (?batch=a,b,c; empty when it came
    alone). A batch without a source is not an editor's selection."""
    source, items = page_selection(request)
    if source is None:
        return None, []
    return source, items if (request.GET.get("batch") or request.POST.get("batch")) else []


def _editor(request, *, template: str, create, extra: dict, checkboxes: tuple[str, ...] = ()):
    source, batch = _selection(request)
    errors: list[str] = []
    if request.method == "POST" and source is not None:
        sources = batch if (request.POST.get("apply_all") and batch) else [source]
        params = request.POST.dict()
        for name in checkboxes:
            # An unchecked box sends nothing, which the service would read as its default (on).
            params.setdefault(name, "off")
        try:
            job = create(user=request.user, params=params, sources=sources)
        except (ValidationError, ApplicationError) as exc:
            errors = error_messages(exc)
        else:
            return redirect("gallery:job-detail", job_id=job.id)
    recent = selectors.gallery_item_list(owner=request.user)[:12] if source is None else []
    context = {
        "source": source, "batch": batch, "batch_ids": ",".join(str(b.id) for b in batch), "errors": errors,
        "recent_items": recent, "form_data": request.POST,
        "formats": FORMAT_CHOICES, "upload_next": request.path, **extra,
    }
    return render(request, template, context, status=400 if errors else 200)


@login_required
def crop_view(request):
    return _editor(request, template="editing/crop.html", create=services.crop_job_create,
                   extra={"aspect_presets": ASPECT_PRESETS,
                          "upload_hint": _("Upload one image, or several to crop them all the same way.")})


@login_required
def resize_view(request):
    return _editor(request, template="editing/resize.html", create=services.resize_job_create,
                   extra={"filters": list(FILTERS),
                          "upload_hint": _("Upload one image, or several to resize them all at once.")}, checkboxes=("keep_aspect",))


def crop_url(item_id) -> str:
    return f"{reverse('editing:crop')}?source={item_id}"
