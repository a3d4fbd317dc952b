"""Validation of OCR parameters, shared by the page and the API."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ocr.engines import LANGUAGE_NAMES, engine_names


def _bool(value, default: bool) -> bool:
    if value is None or value == "":
        return default
    if isinstance(value, str):
        return value.lower() in ("1", "true", "on", "yes")
    return bool(value)


def ocr_params_clean(data) -> dict:
    getlist = getattr(data, "getlist", None)
    languages = getlist("languages") if getlist else data.get("languages")
    if isinstance(languages, str):
        languages = [l for l in languages.replace(",", " ").split() if l]
    languages = list(dict.fromkeys(languages or settings.OCR_LANGUAGES))
    unknown = [l for l in languages if l not in LANGUAGE_NAMES]
    if unknown:
        raise ValidationError({"languages": _("Unknown language: %(codes)s.") % {"codes": ", ".join(unknown)}},
                              code="invalid")
    engine = str(data.get("engine") or settings.OCR_ENGINE)
    if engine not in engine_names():
        raise ValidationError({"engine": _("Choose auto, ppocr or easyocr.")}, code="invalid")
    raw_score = data.get("min_score")
    try:
        min_score = settings.OCR_MIN_SCORE if raw_score in (None, "") else float(raw_score)
    except (TypeError, ValueError):
        raise ValidationError({"min_score": _("Enter a number.")}, code="invalid") from None
    if not 0 <= min_score <= 1:
        raise ValidationError({"min_score": _("The confidence threshold must be between 0 and 1.")}, code="invalid")
    return {
        "engine": engine,
        "languages": languages,
        "min_score": round(min_score, 3),
        "paragraphs": _bool(data.get("paragraphs"), False),
        "upscale": _bool(data.get("upscale"), True),
        "rotated": _bool(data.get("rotated"), True),
    }
