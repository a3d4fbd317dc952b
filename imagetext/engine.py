"""The Django side of ml/text: passes settings in (font folders, the OCR engine used to find and read
back lines) and turns the engine's TextError codes into translated messages. Params, services and
handlers of the "Text in images" feature go through here; nothing else imports ml.text."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.availability import reason_text
from core.exceptions import ApplicationError
from ml import weights

# Names users pick from (keys of ml.text.fonts.FONTS), in the order offered, with their labels.
FONT_LABELS = {
    "sans": gettext_lazy("Chinese sans (Noto Sans CJK)"),
    "sans-bold": gettext_lazy("Chinese sans, bold"),
    "serif": gettext_lazy("Chinese serif (Noto Serif CJK)"),
    "serif-bold": gettext_lazy("Chinese serif, bold"),
    "latin-sans": gettext_lazy("Latin sans (DejaVu Sans)"),
    "latin-sans-bold": gettext_lazy("Latin sans, bold"),
    "latin-serif": gettext_lazy("Latin serif (DejaVu Serif)"),
    "latin-serif-bold": gettext_lazy("Latin serif, bold"),
    "latin-mono": gettext_lazy("Latin monospace (DejaVu Sans Mono)"),
    "latin-sans-oblique": gettext_lazy("Latin sans, oblique"),
    "latin-sans-bold-oblique": gettext_lazy("Latin sans, bold oblique"),
}
DEFAULT_FONT = "sans"
# Fill methods for removing text, in the order offered; "lama" needs its weights (LAMA_FETCH gets them).
FILL_LABELS = {
    "default": gettext_lazy("Built-in fill (recommended)"),
    "lama": gettext_lazy("LaMa network"),
    "telea": gettext_lazy("OpenCV Telea (fast, may smear)"),
    "ns": gettext_lazy("OpenCV Navier-Stokes (fast, may smear)"),
}
LAMA_FETCH = weights.fetch_command("lama")
OCR_LANGUAGES = ["ch_sim", "en"]


def font_dirs() -> list[str]:
    return [str(d) for d in getattr(settings, "TEXT_FONT_DIRS", [])]


def font_names() -> list[str]:
    from ml.text import FONTS

    return [name for name in FONT_LABELS if name in FONTS] + [n for n in FONTS if n not in FONT_LABELS]


def font_choices() -> list[dict]:
    """Every font with its label and whether its file is on this server."""
    from ml.text import available_fonts

    present = available_fonts(font_dirs())
    return [
        {"name": name, "label": str(FONT_LABELS.get(name, name)), "available": bool(present.get(name, (False, ""))[0]),
         "reason": present.get(name, (False, ""))[1]}
        for name in font_names()
    ]


def fonts_check(names) -> None:
    """Refuses (before anything is stored) a font whose file is not installed here."""
    from ml.text import available_fonts

    present = available_fonts(font_dirs())
    for name in dict.fromkeys(names):
        ok, reason = present.get(name, (False, ""))
        if not ok:
            raise ApplicationError(
                _("The font “%(font)s” is not installed on this server. %(reason)s")
                % {"font": FONT_LABELS.get(name, name), "reason": reason},
                code="font_missing",
            )


def fill_choices(methods) -> list[dict]:
    """Each of `methods` with its label and whether it can run on this server (and if not, why and
    what gets it)."""
    from ml import registry

    learned = registry.available("inpaint", weights_dir=settings.ML_WEIGHTS_DIR)
    rows = []
    for name in methods:
        ok, reason = learned.get(name, (True, ""))
        rows.append({"name": name, "label": str(FILL_LABELS.get(name, name)), "available": ok, "reason": reason_text(reason),
                     "command": "" if ok else LAMA_FETCH})
    return rows


def fill_check(method: str) -> None:
    """Refuses (before anything is stored) a learned fill whose weights are not on this server."""
    from ml import registry
    from ml.text.lama import LAMA_FILE

    if method not in registry.names("inpaint"):
        return
    ok, _reason = registry.available("inpaint", weights_dir=settings.ML_WEIGHTS_DIR)[method]
    if not ok:
        raise ApplicationError(
            _("The LaMa fill (%(file)s) is not installed on this server. An administrator can add it with: "
              "%(command)s") % {"file": LAMA_FILE.filename, "command": LAMA_FETCH},
            code="model_missing",
        )


def learned_fill(method: str):
    """The loaded network for a learned fill method (one per worker process), else None."""
    from ml import registry
    from ml.text.lama import LAMA_FILE

    if method not in registry.names("inpaint"):
        return None
    fill_check(method)
    try:
        return registry.get("inpaint", method, weights_dir=settings.ML_WEIGHTS_DIR, device=settings.ML_DEVICE)
    except (OSError, RuntimeError, ValueError) as exc:   # a truncated or foreign file under the right name
        raise ApplicationError(
            _("The LaMa fill could not be loaded: its file (%(file)s) is damaged or not the expected model. An "
              "administrator can fetch it again with: %(command)s") % {"file": LAMA_FILE.filename, "command": LAMA_FETCH},
            code="model_broken", extra={"engine_message": str(exc)[:300]},
        ) from exc


def place(image, boxes: list[dict]):
    """The job's renderer: every cleaned box (imagetext.params) drawn into `image`. Returns (the
    image, one ml.text Placement per box); an engine error becomes a translated ApplicationError."""
    from ml.text import TextBox, TextError, place_text_detailed

    try:
        return place_text_detailed(image, [TextBox.from_dict(b) for b in boxes], font_dirs=font_dirs())
    except TextError as exc:
        raise to_application_error(exc) from exc


def preview(image, box: dict, *, index: int = 0):
    """The same renderer for one cleaned box, on a crop round it: (the region's pixels, the region
    (x0, y0, x1, y1), the Placement). Equal to the pixels `place` gives there."""
    from ml.text import TextError
    from ml.text.render import preview_box

    try:
        return preview_box(image, box, index=index, font_dirs=font_dirs())
    except TextError as exc:
        raise to_application_error(exc) from exc


def _box_number(extra: dict) -> int | None:
    for key in ("index", "box"):
        value = extra.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return value + 1
    return None


def text_error_message(exc) -> str:
    """A user-facing, translated message for an ml.text.TextError (by its stable code)."""
    number = _box_number(getattr(exc, "extra", {}) or {})
    prefix = (_("Box %(n)d: ") % {"n": number}) if number else ""
    messages = {
        "empty_text": _("there is no text to write."),
        "box_outside": _("the box lies outside the image."),
        "bad_box": _("the box is not a usable four-cornered shape (too small, or its corners cross)."),
        "too_long": _("the text does not fit: at the smallest legible size it would overflow the box. "
                      "Make the box larger or the text shorter."),
        "bad_color": _("the colour is not a valid hex colour like #1a2b3c."),
        "bad_option": _("an option has a value that is not allowed."),
        "font_missing": _("the font is not installed on this server."),
        "empty_mask": _("nothing to remove: no text was found in the area given."),
        "model_missing": _("the fill model is not installed on this server."),
    }
    message = messages.get(exc.code)
    if message is None:
        message = _("the text could not be drawn (%(reason)s).") % {"reason": exc.message}
    text = prefix + message
    return text[:1].upper() + text[1:] if not prefix else text


def to_application_error(exc) -> ApplicationError:
    return ApplicationError(text_error_message(exc), code=exc.code, extra={"engine_message": exc.message})


def ocr_reader():
    """The OCR engine that finds lines and reads results back (built once per worker): PP-OCR with
    the detector configuration text removal was tuned on, not the Read text page's per-image size."""
    from ml import registry
    from ml.ocr.ppocr_engine import TEXT_TOOLS_DET
    from ocr.engines import engine_resolve

    name = engine_resolve(engine="auto", languages=OCR_LANGUAGES)
    if name != "ppocr":
        from ocr.engines import engine_get

        return engine_get(name)
    return registry.get("ocr", "ppocr", **TEXT_TOOLS_DET, device=settings.ML_DEVICE)


def ocr_options(min_score: float | None = None):
    from ml.ocr.base import ReadOptions

    return ReadOptions(languages=tuple(OCR_LANGUAGES),
                       min_score=settings.OCR_MIN_SCORE if min_score is None else min_score,
                       paragraphs=False)
