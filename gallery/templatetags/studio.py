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
    "aspect": _("Aspect ratio"),
    "filter": _("Resampling filter"),
    "operation": _("Operation"),
    "source_name": _("Made from"),
    "from_size": _("Source size"),
    "size": _("Size"),
    "original_format": _("Uploaded as"),
    # text to image (generation.handlers)
    "prompt": _("Prompt"),
    "negative_prompt": _("Negative prompt"),
    "actual_prompt": _("Prompt the model used"),
    "model": _("Model"),
    "backend": _("Backend"),
    "seed": _("Seed"),
    "seed_mode": _("Seed chosen"),
    "index": _("Picture number"),
    "n": _("Number of images"),
    "template": _("Template"),
    "subject": _("Short instruction"),
    "prompt_extend": _("Prompt extended by DashScope"),
    "watermark": _("Watermark"),
    "steps": _("Steps"),
    "guidance": _("Guidance"),
    "task_id": _("DashScope task"),
    "image_count": _("Billed images"),
    "params": _("Settings to make it again"),
}

VALUE_LABELS = {
    "same": _("Same as source"),
    "free": _("Free"),
    "lanczos": "Lanczos",
    "bicubic": _("Bicubic"),
    "bilinear": _("Bilinear"),
    "hamming": "Hamming",
    "box": _("Box"),
    "nearest": _("Nearest neighbour"),
    "WEBP": "WebP",
    "editing.crop": _("Crop"),
    "editing.resize": _("Resize"),
    "random": _("At random"),
    "fixed": _("Fixed"),
    "local": _("Local model"),
}


@register.filter
def field_label(key: str) -> str:
    """A known key's translated label; any other shown readably ("text_mode" -> "Text mode")."""
    if key in FIELD_LABELS:
        return FIELD_LABELS[key]
    text = str(key).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


@register.filter
def value_label(value):
    if isinstance(value, str):
        return VALUE_LABELS.get(value, value)
    return value
