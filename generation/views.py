"""The Text to image page (form, template preview, key choice), the job page (progress, results grid
with downloads and "generate again"), cancelling, and the saved key. Thin: parse, call a service or
a selector, render."""

from __future__ import annotations


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.exceptions import ApplicationError
from gallery.services import job_check_liveness
from gallery.views import error_messages
from generation import backends, catalog_data, keys, services
from generation.selectors import generation_item_params, generation_job_get

FORM_FIELDS = ("model", "prompt", "negative_prompt", "template", "subject", "size", "n", "seed", "seed_mode",
               "prompt_extend", "watermark", "steps", "guidance", "key_source")


def _form_values(request, initial: dict) -> dict:
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in FORM_FIELDS}
        values["prompt_extend"] = bool(request.POST.get("prompt_extend"))
        values["watermark"] = bool(request.POST.get("watermark"))
        return values
    return initial


@login_required
def generation_view(request):
    catalog = catalog_data.catalog(user=request.user)
    models = catalog["models"]
    initial = {"model": models[0]["name"] if models else "", "seed_mode": "random", "n": 1,
               "key_source": catalog["key"]["default_source"]}
    again = request.GET.get("again")
    if again:
        params = generation_item_params(owner=request.user, item_id=again)  # 404 when not the user's
        initial.update({k: v for k, v in params.items() if k in FORM_FIELDS})
    errors: list[str] = []
    field_errors: dict = {}
    values = _form_values(request, initial)
    if request.method == "POST":
        action = request.POST.get("action", "generate")
        if action == "preview":
            try:
                expanded = catalog_data.template_expand(template=values.get("template", ""),
                                                        subject=values.get("subject", ""), model=values.get("model", ""))
            except ApplicationError as exc:
                errors = [exc.message]
            else:
                values.update(prompt=expanded["prompt"], negative_prompt=expanded["negative_prompt"])
        else:
            params = {k: v for k, v in values.items() if v not in ("", None)}
            try:
                job = services.generation_job_create(
                    user=request.user, params=params, typed_key=request.POST.get("api_key", ""),
                    save_key=bool(request.POST.get("save_key")),
                )
            except ValidationError as exc:
                field_errors = getattr(exc, "message_dict", {})
                errors = error_messages(exc)
            except ApplicationError as exc:
                errors = error_messages(exc)
            else:
                return redirect("generation:result", job_id=job.id)
    chosen = next((m for m in models if m["name"] == values.get("model")), models[0] if models else None)
    context = {
        "catalog": catalog, "models": models, "chosen": chosen, "values": values, "errors": errors,
        "field_errors": field_errors,
        "templates_style": [t for t in catalog["templates"] if t["group"] == "style"],
        "templates_mockup": [t for t in catalog["templates"] if t["group"] == "mockup"],
    }
    return render(request, "generation/generate.html", context, status=400 if errors else 200)


@login_required
@require_GET
def generation_result(request, job_id):
    job = job_check_liveness(job=generation_job_get(owner=request.user, job_id=job_id))
    outputs = sorted(job.outputs.all(), key=lambda i: i.metadata.get("index", 0))
    template_name = backends.TEMPLATE_NAMES.get(job.params.get("template", ""), "")
    context = {"job": job, "outputs": outputs, "template_name": template_name}
    template = "generation/_result.html" if request.htmx else "generation/result.html"
    return render(request, template, context)


@login_required
@require_POST
def generation_key(request):
    if request.POST.get("action") == "delete":
        keys.credential_delete(user=request.user)
        messages.success(request, _("Your DashScope key was deleted."))
    else:
        try:
            credential = keys.credential_save(user=request.user, key=request.POST.get("api_key", ""))
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Your DashScope key ending in %(last4)s was saved, encrypted.")
                             % {"last4": credential.last4})
    return redirect("generation:generate")
