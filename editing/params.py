"""Validation of crop and resize parameters. Used by the service, so the page and the API accept
and refuse exactly the same things."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from editing.operations import FILTERS

FORMAT_CHOICES = ("same", "PNG", "JPEG", "WEBP")
ROTATIONS = (0, 90, 180, 270)


def _number(data: dict, key: str, default, cast=float):
    value = data.get(key, default)
    if value in (None, ""):
        return default
    if isinstance(value, bool):
        raise ValidationError({key: _("Enter a number.")}, code="invalid")
    try:
        return cast(value)
    except (TypeError, ValueError):
        raise ValidationError({key: _("Enter a number.")}, code="invalid") from None


def _bool(data: dict, key: str) -> bool:
    value = data.get(key, False)
    if isinstance(value, str):
        return value.lower() in ("1", "true", "on", "yes")
    return bool(value)


def _output(data: dict) -> dict:
    fmt = str(data.get("format") or "same")
    fmt = fmt if fmt == "same" else fmt.upper()
    if fmt == "JPG":
        fmt = "JPEG"
    if fmt not in FORMAT_CHOICES:
        raise ValidationError({"format": _("Choose PNG, JPEG or WebP.")}, code="invalid")
    quality = _number(data, "quality", 92, int)
    if not 1 <= quality <= 100:
        raise ValidationError({"quality": _("Quality must be between 1 and 100.")}, code="invalid")
    return {"format": fmt, "quality": quality}


_ASPECT = re.compile(r"^\s*(\d{1,4}(?:\.\d{1,4})?)\s*:\s*(\d{1,4}(?:\.\d{1,4})?)\s*$")


def _aspect(data: dict) -> str:
    """A preset aspect ("4:3") that every image of a batch keeps, or "free"."""
    value = data.get("aspect")
    if value in (None, "", "free"):
        return "free"
    match = _ASPECT.match(str(value))
    if not match or float(match[1]) <= 0 or float(match[2]) <= 0:
        raise ValidationError({"aspect": _("Give the aspect as width:height, such as 4:3, or “free”.")},
                              code="invalid")
    return f"{float(match[1]):g}:{float(match[2]):g}"


def crop_params_clean(data: dict) -> dict:
    box = {k: _number(data, k, d) for k, d in (("left", 0.0), ("top", 0.0), ("right", 100.0), ("bottom", 100.0))}
    for key, value in box.items():
        if not 0 <= value <= 100:
            raise ValidationError({key: _("Must be between 0 and 100 percent.")}, code="invalid")
    if box["right"] <= box["left"]:
        raise ValidationError({"right": _("The right edge must be to the right of the left edge.")}, code="invalid")
    if box["bottom"] <= box["top"]:
        raise ValidationError({"bottom": _("The bottom edge must be below the top edge.")}, code="invalid")
    rotate = _number(data, "rotate", 0, int) % 360
    if rotate not in ROTATIONS:
        raise ValidationError({"rotate": _("Rotate by 0, 90, 180 or 270 degrees.")}, code="invalid")
    return {
        **{k: round(v, 4) for k, v in box.items()},
        "rotate": rotate,
        "flip_horizontal": _bool(data, "flip_horizontal"),
        "flip_vertical": _bool(data, "flip_vertical"),
        "aspect": _aspect(data),
        **_output(data),
    }


def resize_params_clean(data: dict) -> dict:
    width = _number(data, "width", None, int)
    height = _number(data, "height", None, int)
    percent = _number(data, "percent", None, float)
    limit = 20000
    for key, value in (("width", width), ("height", height)):
        if value is not None and not 1 <= value <= limit:
            raise ValidationError({key: _("Must be between 1 and %(max)d pixels.") % {"max": limit}}, code="invalid")
    if percent is not None and not 1 <= percent <= 1000:
        raise ValidationError({"percent": _("Must be between 1 and 1000 percent.")}, code="invalid")
    if percent is None and width is None and height is None:
        raise ValidationError(_("Enter a width, a height or a percentage."), code="no_size")
    resample = str(data.get("filter") or "lanczos").lower()
    if resample not in FILTERS:
        raise ValidationError({"filter": _("Unknown resampling filter.")}, code="invalid")
    keep = data.get("keep_aspect", True)
    return {
        "width": width, "height": height, "percent": percent,
        "keep_aspect": keep if isinstance(keep, bool) else _bool(data, "keep_aspect"),
        "filter": resample,
        **_output(data),
    }


def resize_target_check(target: tuple[int, int]) -> None:
    if target[0] * target[1] > settings.UPLOAD_MAX_PIXELS:
        raise ValidationError(
            _("The result would be %(w)d×%(h)d, more than the %(limit)s megapixel limit.")
            % {"w": target[0], "h": target[1], "limit": f"{settings.UPLOAD_MAX_PIXELS / 1e6:g}"},
            code="too_many_pixels",
        )
