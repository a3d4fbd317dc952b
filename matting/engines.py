"""The Django side of ml/matting: passes settings into the registry, resolves `auto`, and turns
engine problems into the project's errors with translated messages. Services, the handlers and the
pages go through here; nothing else builds a matting engine."""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.availability import reason_text
from core.exceptions import ApplicationError
from ml import registry, weights
from ml.matting import modnet_engine

logger = logging.getLogger(__name__)

ENGINE_CHOICES = ("auto", "u2netp", "modnet")
ENGINE_LABELS = {
    "auto": gettext_lazy("Automatic, per photo: MODNet for portraits (a face on the subject), both models "
                         "combined for everything else"),
    "u2netp": gettext_lazy("U²-Net-p: ships with the studio, fast"),
    "modnet": gettext_lazy("MODNet: portrait matting, finer hair (ships with the studio)"),
}
ENGINE_NAMES = {"u2netp": "U²-Net-p", "modnet": "MODNet", "modnet-onnx": "MODNet (ONNX)", "touch-up": "touch-up",
                "u2netp+modnet": "U²-Net-p + MODNet"}
FETCH_COMMAND = weights.fetch_command("modnet")


def config() -> dict:
    return {"weights_dir": str(settings.ML_WEIGHTS_DIR), "device": settings.ML_DEVICE}


def _available(name: str) -> tuple[bool, str]:
    return registry.available("matting", weights_dir=settings.ML_WEIGHTS_DIR)[name]


def _model(name: str) -> str:
    """The weights file the engine runs here: `modnet.onnx` (shipped) until the official checkpoint is installed."""
    return Path(registry.model_path("matting", name, weights_dir=settings.ML_WEIGHTS_DIR)).name


def engines_status() -> list[dict]:
    """Every engine a user may pick: usable here (and with which weights file), or why not and how to add it.
    `fetch_models modnet` stays on offer for MODNet while it runs the shipped ONNX file: it installs the
    official checkpoints."""
    rows = []
    for name in ENGINE_CHOICES:
        ok, reason = (True, "") if name == "auto" else _available(name)
        resolves_to = engine_resolve("auto") if name == "auto" else name
        if resolves_to == "auto":
            model = " + ".join(_model(n) for n in ("u2netp", "modnet"))
        else:
            model = _model(resolves_to) if ok else ""
        rows.append({
            "name": name, "label": str(ENGINE_LABELS[name]), "available": ok, "reason": reason_text(reason),
            "model": model,
            "command": FETCH_COMMAND if name == "modnet" and model != modnet_engine.PHOTOGRAPHIC_CKPT else "",
            "resolves_to": resolves_to,
        })
    return rows


def engine_resolve(engine: str) -> str:
    """The engine that will run: `auto` stays `auto` (per photo, ml.matting.auto: MODNet for a portrait,
    U^2-Net-p otherwise) while MODNet can run here, else it is U^2-Net-p (the same rule as
    ml.matting.pipeline.make_matter); an explicit choice is checked."""
    if engine == "auto":
        return "auto" if _available("modnet")[0] else "u2netp"
    if engine not in ENGINE_CHOICES:
        raise ApplicationError(_("Unknown engine. Choose auto, u2netp or modnet."), code="unknown_engine")
    ok, reason = _available(engine)
    if not ok:
        if engine == "modnet":
            # the shipped modnet.onnx is missing or fails its sha256 check (the reason names the file)
            missing = not modnet_engine.SHIPPED_ONNX.is_file()
            raise ApplicationError(
                _("MODNet cannot run here: %(reason)s. Choose U²-Net-p instead; an administrator can restore "
                  "the file from the studio's release or install the official checkpoint with: %(command)s")
                % {"reason": reason_text(reason), "command": FETCH_COMMAND},
                code="model_missing" if missing else "bad_weights",
            )
        raise ApplicationError(
            _("The engine %(engine)s cannot run here: %(reason)s") % {"engine": engine, "reason": reason_text(reason)},
            code="engine_unavailable",
        )
    return engine


def engine_get(name: str):
    """The process-wide engine (built on first use in this worker, then reused by every job). `auto` is the
    two engines behind one object (ml.matting.auto.AutoMatter), each the process-wide one."""
    if name == "auto":
        from ml.matting.auto import AutoMatter

        return AutoMatter(objects=engine_get("u2netp"), portraits=engine_get("modnet"))
    try:
        return registry.get("matting", name, **config())
    except (OSError, ValueError, RuntimeError) as exc:
        # A missing, replaced or corrupt weights file (checksum or tensor-manifest mismatch): the message
        # names the file (in `exc`) and offers the other engine.
        # The exception may name server folders: it goes to the operators' log, the user gets the file's name.
        other = "u2netp" if name.startswith("modnet") else "modnet"
        logger.warning("matting engine %s could not be loaded: %s", name, exc)
        raise ApplicationError(
            _("The %(engine)s model could not be loaded: its file %(file)s is missing, damaged or not the expected "
              "one. Choose %(other)s instead.")
            % {"engine": ENGINE_NAMES.get(name, name), "file": _model(name) or name, "other": ENGINE_NAMES[other]},
            code="engine_failed",
        ) from exc


def model_file(matter) -> str:
    from ml.matting.auto import AutoMatter

    if isinstance(matter, AutoMatter):
        return " + ".join(model_file(m) for m in (matter.objects, matter.portraits))
    path = getattr(matter, "path", None)
    return Path(path).name if path else getattr(matter, "name", "")
