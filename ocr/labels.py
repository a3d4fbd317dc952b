"""Names of what the read-text job stores in its params and metadata (gallery.labels)."""

from django.utils.translation import gettext_lazy as _

from ocr.engines import LANGUAGE_NAMES

FIELDS = {
    "languages": _("Languages"),
    "min_score": _("Confidence threshold"),
    "paragraphs": _("Merge lines into paragraphs"),
    "upscale": _("Enlarge small images first"),
    "rotated": _("Read upside-down text"),
    "ocr_text": _("Text found"),
}

VALUES = {
    "engine": {"ppocr": "PP-OCR", "easyocr": "EasyOCR"},
    "languages": dict(LANGUAGE_NAMES),
}
