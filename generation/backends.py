"""The Django side of ml/generation: which models are offered (settings), the backend instance for
a model (ml.registry, one per worker process), and translated messages for every parameter problem
and every backend failure. Views, services and the handler go through here."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.availability import reason_text
from core.exceptions import ApplicationError
from ml import registry
from ml.generation import catalog
from ml.generation.types import GenerationError

LOCAL = "local"

TEMPLATE_NAMES = {
    "guochao": gettext_lazy("Guochao (国潮)"),
    "ink": gettext_lazy("Ink wash (水墨)"),
    "bronze": gettext_lazy("Bronze ware patterns (青铜器纹样)"),
    "papercut": gettext_lazy("Paper cut (剪纸)"),
    "cartoon3d": gettext_lazy("3D cartoon (3D 卡通)"),
    "flat": gettext_lazy("Flat illustration (扁平插画)"),
    "product": gettext_lazy("Product photography (产品摄影)"),
    "mousepad": gettext_lazy("Mock-up: mouse pad"),
    "tote": gettext_lazy("Mock-up: tote bag"),
    "postcard": gettext_lazy("Mock-up: postcard"),
    "phonecase": gettext_lazy("Mock-up: phone case"),
    "poster": gettext_lazy("Mock-up: poster"),
}


def local_spec() -> catalog.ModelSpec:
    return catalog.local_spec(max_side=settings.GENERATION_LOCAL_MAX_SIDE, steps_default=settings.GENERATION_LOCAL_STEPS,
                              guidance_default=settings.GENERATION_LOCAL_GUIDANCE)


def local_config() -> dict:
    return {"model": settings.GENERATION_LOCAL_MODEL, "device": settings.GENERATION_LOCAL_DEVICE,
            "local_files_only": not settings.GENERATION_LOCAL_ALLOW_DOWNLOAD}


def local_available() -> tuple[bool, str]:
    from ml.generation.diffusers_backend import DiffusersBackend

    return DiffusersBackend.availability(**local_config())


def models() -> list[catalog.ModelSpec]:
    """The models offered here, DashScope's first; the local model when one is configured."""
    names = [n for n in settings.DASHSCOPE_MODELS if n]
    specs = []
    for name in names:
        try:
            specs.append(catalog.spec_for(name))
        except catalog.UnknownModel:
            continue
    if settings.GENERATION_LOCAL_MODEL:
        specs.append(local_spec())
    return specs


def spec_get(name: str) -> catalog.ModelSpec | None:
    return next((s for s in models() if s.name == name), None)


def dashscope_config() -> dict:
    return {
        "base_url": settings.DASHSCOPE_BASE_URL, "timeout": settings.DASHSCOPE_TIMEOUT,
        "poll_interval": settings.DASHSCOPE_POLL_INTERVAL, "submit_retries": settings.DASHSCOPE_SUBMIT_RETRIES,
        "backoff": settings.DASHSCOPE_BACKOFF, "min_submit_interval": settings.DASHSCOPE_MIN_SUBMIT_INTERVAL,
    }


def backend_get(backend: str):
    """The process-wide backend instance (built on first use in this worker)."""
    if backend == LOCAL:
        return registry.get("generation", "local", **local_config())
    return registry.get("generation", "dashscope", **dashscope_config())


def problem_message(problem: catalog.Problem) -> str:
    p = problem.params
    messages = {
        "prompt_required": lambda: _("Describe the picture: the prompt cannot be empty."),
        "prompt_too_long": lambda: _("The prompt can be at most %(max)d characters (it has %(length)d).") % p,
        "negative_too_long": lambda: _("The negative prompt can be at most %(max)d characters (it has %(length)d).") % p,
        "size_not_allowed": lambda: _("%(size)s is not a size this model makes. Choose one of: %(allowed)s.") % p,
        "size_out_of_range": lambda: _("Width and height must each be between %(min)d and %(max)d pixels (got %(size)s).") % p,
        "size_not_multiple": lambda: _("Width and height must be multiples of %(multiple)d (got %(size)s).") % p,
        "n_out_of_range": lambda: (_("This model makes one image per request.") if p["max"] == 1
                                   else _("Choose between 1 and %(max)d images.") % p),
        "seed_out_of_range": lambda: _("The seed must be a whole number from 0 to %(max)d.") % p,
        "steps_out_of_range": lambda: _("Steps must be between %(min)d and %(max)d.") % p,
        "guidance_out_of_range": lambda: _("Guidance must be between %(min)g and %(max)g.") % p,
    }
    return messages[problem.code]()


def error_to_application(exc: GenerationError, *, timeout: int | None = None) -> ApplicationError:
    detail = exc.detail
    messages = {
        "missing_key": _("No DashScope API key: the server has none configured. Save your own key, or type one "
                         "for this request."),
        "invalid_key": _("DashScope refused the API key (wrong key, or no access to this model). Check the key "
                         "and try again."),
        "throttled": _("DashScope is limiting requests right now (too many at once). We retried a few times; "
                       "please try again in a minute."),
        "content_blocked": _("DashScope's content inspection refused this prompt or its picture. Rephrase the "
                             "prompt and try again."),
        "bad_request": _("DashScope did not accept the request: %(detail)s") % {"detail": detail},
        "task_failed": _("The DashScope task failed: %(detail)s") % {"detail": detail},
        "task_unknown": _("DashScope lost track of the task (status UNKNOWN). Please try again."),
        "server_error": _("DashScope answered with a server error. Please try again later."),
        "network": _("Could not reach DashScope (network error). Please try again later."),
        "timeout": _("DashScope did not finish within %(seconds)d seconds; the task was cancelled.")
        % {"seconds": timeout or settings.DASHSCOPE_TIMEOUT},
        "cancelled": _("Cancelled by you."),
        "download_failed": _("The pictures were made but could not be downloaded from DashScope. Please try again."),
        "no_images": _("DashScope returned no picture: %(detail)s") % {"detail": detail},
        "model_unavailable": _("The local model cannot be loaded: %(detail)s") % {"detail": reason_text(detail)},
        "out_of_memory": _("The local model ran out of memory; try a smaller size or fewer images."),
    }
    message = messages.get(exc.code) or _("Generation failed: %(detail)s") % {"detail": detail or exc.code}
    # the local model's detail names server folders: users get its worded reason instead
    public = reason_text(detail) if exc.code == "model_unavailable" else detail
    return ApplicationError(message, code=exc.code, extra={"detail": public, **exc.extra})
