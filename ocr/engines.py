"""The Django side of ml/ocr: passes settings into the registry and turns engine errors into the
project's errors with translated messages. Views, services and the handler go through here."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.availability import reason_text
from core.exceptions import ApplicationError
from ml import registry, weights
from ml.ocr.base import MissingWeightsError, OcrError

ENGINE_CHOICES = ("auto", "ppocr", "easyocr")

# The languages offered on the page, in this order; names are translated.
LANGUAGE_NAMES = {
    "ch_sim": gettext_lazy("Chinese (simplified)"),
    "en": gettext_lazy("English"),
    "ja": gettext_lazy("Japanese"),
    "ko": gettext_lazy("Korean"),
    "fr": gettext_lazy("French"),
    "de": gettext_lazy("German"),
    "es": gettext_lazy("Spanish"),
    "ru": gettext_lazy("Russian"),
}


def config() -> dict:
    return {"weights_dir": str(settings.ML_WEIGHTS_DIR)}


def engine_names() -> list[str]:
    """Engines a user may pick; the fake one only where settings allow it (tests)."""
    names = list(ENGINE_CHOICES)
    if getattr(settings, "OCR_ALLOW_FAKE", False):
        names.append("fake")
    return names


def languages_status() -> list[dict]:
    """Every offered language: readable here (by which engines), or how to add it."""
    present = registry.ocr_languages(**config())
    available = registry.available("ocr", **config())
    rows = []
    for code, name in LANGUAGE_NAMES.items():
        engines = [n for n in ("ppocr", "easyocr") if available[n][0] and present.get(n, {}).get(code)]
        rows.append({
            "code": code, "name": str(name), "available": bool(engines), "engines": engines,
            "command": "" if engines else weights.easyocr_fetch_command([code]),
        })
    return rows


def missing_weights_message(exc: MissingWeightsError) -> str:
    return _(
        "The weights for %(languages)s are not installed on this server. An administrator can add them "
        "with: %(command)s (they are downloaded once, checked, and kept in the weights folder)."
    ) % {"languages": ", ".join(str(LANGUAGE_NAMES.get(l, l)) for l in exc.languages), "command": exc.command}


def to_application_error(exc: OcrError) -> ApplicationError:
    if isinstance(exc, MissingWeightsError):
        return ApplicationError(missing_weights_message(exc), code="model_missing", extra=exc.extra)
    if exc.code == "unknown_language":
        return ApplicationError(
            _("No engine here can read: %(languages)s.") % {"languages": ", ".join(exc.extra.get("languages", []))},
            code="unknown_language",
        )
    return ApplicationError(_("Text recognition failed: %(reason)s") % {"reason": exc.message}, code=exc.code)


def engine_resolve(*, engine: str, languages: list[str]) -> str:
    """The engine that will read `languages`: `auto` picks one; an explicit choice is checked."""
    try:
        if engine == "auto":
            return registry.ocr_choose(languages, **config())
        if engine == "fake":
            return "fake"
        cls = registry.model_class("ocr", engine)
        unsupported = [l for l in languages if l not in cls.supported]
        if unsupported:
            raise ApplicationError(
                _("%(engine)s cannot read: %(languages)s. Choose “auto” or another engine.")
                % {"engine": engine, "languages": ", ".join(str(LANGUAGE_NAMES.get(l, l)) for l in unsupported)},
                code="unsupported_language",
            )
        present = cls.languages_present(**config())
        missing = [l for l in languages if not present.get(l)]
        if missing:
            raise MissingWeightsError(
                "missing", languages=missing, command=weights.easyocr_fetch_command(missing)
            )
        ok, reason = cls.availability(**config())
        if not ok:
            raise ApplicationError(
                _("The engine %(engine)s cannot run here: %(reason)s") % {"engine": engine, "reason": reason_text(reason)},
                code="engine_unavailable",
            )
        return engine
    except OcrError as exc:
        raise to_application_error(exc) from exc


def engine_get(name: str):
    """The process-wide engine instance (built on first use in this worker)."""
    if name == "ppocr":
        return registry.get("ocr", "ppocr", det_limit_side_len=settings.OCR_DET_LIMIT,
                            small_text_px=settings.OCR_SMALL_TEXT_PX, device=settings.ML_DEVICE)
    return registry.get("ocr", name, **config(), device=settings.ML_DEVICE)
