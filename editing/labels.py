"""Names of what crop and resize store in their params and metadata (gallery.labels)."""

from django.utils.translation import gettext_lazy as _

FIELDS = {
    "left": _("Left edge"),
    "top": _("Top edge"),
    "right": _("Right edge"),
    "bottom": _("Bottom edge"),
    "rotate": _("Rotation"),
    "flip_horizontal": _("Flip horizontally"),
    "flip_vertical": _("Flip vertically"),
    "percent": _("Scale"),
    "keep_aspect": _("Keep aspect ratio"),
    "aspect": _("Aspect ratio"),
    "filter": _("Resampling filter"),
}

VALUES = {
    "*": {
        "free": _("Free"),
        "lanczos": "Lanczos",
        "bicubic": _("Bicubic"),
        "bilinear": _("Bilinear"),
        "hamming": "Hamming",
        "box": _("Box"),
        "nearest": _("Nearest neighbour"),
    },
}
