"""The Django side of ml/matting: passes settings into the registry, resolves `auto`, and turns
engine problems into the project's errors with translated messages. Services, the handlers and the
pages go through here; nothing else builds a matting engine."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.exceptions import ApplicationError
from ml import registry

ENGINE_CHOICES = ("auto", "u2netp", "modnet")
ENGINE_LABELS = {
    "auto": gettext_lazy("Automatic: MODNet when its weights are installed, else U²-Net-p"),
    "u2netp": gettext_lazy("U²-Net-p: ships with the studio, fast"),
    "modnet": gettext_lazy("MODNet: portrait matting, finer hair (needs its weights)"),
}
ENGINE_NAMES = {"u2netp": "U²-Net-p", "modnet": "MODNet", "modnet-onnx": "MODNet (ONNX)", "touch-up": "touch-up"}
FETCH_COMMAND = "python manage.py fetch_models modnet"


def config() -> dict:
    return {"weights_dir": str(settings.ML_WEIGHTS_DIR), "device": settings.ML_DEVICE}


def _available(name: str) -> tuple[bool, str]:
    return registry.available("matting", weights_dir=settings.ML_WEIGHTS_DIR)[name]


def engines_status() -> list[dict]:
    """Every engine a user may pick: usable here, or why not and how to add it."""
    rows = []
    for name in ENGINE_CHOICES:
        ok, reason = (True, "") if name == "auto" else _available(name)
        rows.append({
            "name": name, "label": str(ENGINE_LABELS[name]), "available": ok, "reason": reason,
            "command": "" if ok or name != "modnet" else FETCH_COMMAND,
            "resolves_to": engine_resolve("auto") if name == "auto" else name,
        })
    return rows


def engine_resolve(engine: str) -> str:
    """The engine that will run: `auto` is MODNet when its checkpoint is present, else U^2-Net-p
    (the same rule as ml.matting.pipeline.make_matter); an explicit choice is checked."""
    if engine == "auto":
        return "modnet" if _available("modnet")[0] else "u2netp"
    if engine not in ENGINE_CHOICES:
        raise ApplicationError(_("Unknown engine. Choose auto, u2netp or modnet."), code="unknown_engine")
    ok, reason = _available(engine)
    if not ok:
        if engine == "modnet":
            raise ApplicationError(
                _("The MODNet weights are not installed on this server. An administrator can add them with: "
                  "%(command)s (the official checkpoint is downloaded once and verified). Until then, choose "
                  "“auto” or U²-Net-p.") % {"command": FETCH_COMMAND},
                code="missing_weights",
            )
        raise ApplicationError(
            _("The engine %(engine)s cannot run here: %(reason)s") % {"engine": engine, "reason": reason},
            code="engine_unavailable",
        )
    return engine


def engine_get(name: str):
    """The process-wide engine (built on first use in this worker, then reused by every job)."""
    try:
        return registry.get("matting", name, **config())
    except (OSError, ValueError, RuntimeError) as exc:
        # A missing, replaced or corrupt weights file (checksum or tensor-manifest mismatch).
        raise ApplicationError(
            _("The %(engine)s model could not be loaded: %(reason)s") % {"engine": ENGINE_NAMES.get(name, name),
                                                                          "reason": exc},
            code="engine_failed",
        ) from exc


def model_file(matter) -> str:
    path = getattr(matter, "path", None)
    return Path(path).name if path else getattr(matter, "name", "")
