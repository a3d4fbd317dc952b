"""Readable names for the keys and values stored in job params and item metadata."""

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

FIELD_LABELS = {
    "left": _("Left edge"),
    "top": _("Top edge"),
    "right": _("Right edge"),
    "bottom": _("Bottom edge"),
    "rotate": _("Rotation"),
    "flip_horizontal": _("Flip horizontally"),
    "flip_vertical": _("Flip vertically"),
    "format": _("Output format"),
    "quality": _("Quality"),
    "width": _("Width"),
    "height": _("Height"),
    "percent": _("Scale"),
    "keep_aspect": _("Keep aspect ratio"),
    "filter": _("Resampling filter"),
    "operation": _("Operation"),
    "source_name": _("Made from"),
    "from_size": _("Source size"),
    "size": _("Size"),
    "original_format": _("Uploaded as"),
}

VALUE_LABELS = {
    "same": _("Same as source"),
    "lanczos": "Lanczos",
    "bicubic": _("Bicubic"),
    "bilinear": _("Bilinear"),
    "hamming": "Hamming",
    "box": _("Box"),
    "nearest": _("Nearest neighbour"),
    "WEBP": "WebP",
    "editing.crop": _("Crop"),
    "editing.resize": _("Resize"),
}


@register.filter
def field_label(key: str) -> str:
    return FIELD_LABELS.get(key, key)


@register.filter
def value_label(value):
    if isinstance(value, str):
        return VALUE_LABELS.get(value, value)
    return value
