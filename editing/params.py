"""The input contracts of crop and resize. The service validates with them, so the page and the API
accept and refuse exactly the same things; the API's serializers are built from them."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from core.contracts import Contract, FormBooleanField, NormalizedChoiceField, interpolated
from editing.operations import FILTERS

FORMAT_CHOICES = ("same", "PNG", "JPEG", "WEBP")
ROTATIONS = (0, 90, 180, 270)
MAX_SIDE = 20000  # px, either side of a resize target

NUMBER = gettext_lazy("Enter a number.")
PERCENT = gettext_lazy("Must be between 0 and 100 percent.")
QUALITY = gettext_lazy("Quality must be between 1 and 100.")
PIXELS = interpolated(gettext_lazy("Must be between 1 and %(max)d pixels."), max=MAX_SIDE)
RESIZE_PERCENT = gettext_lazy("Must be between 1 and 1000 percent.")
ASPECT = gettext_lazy("Give the aspect as width:height, such as 4:3, or “free”.")


def _bounded(message) -> dict:
    return {"invalid": NUMBER, "min_value": message, "max_value": message}


def _format_name(value) -> str:
    text = str(value)
    if text == "same":
        return text
    return "JPEG" if text.upper() == "JPG" else text.upper()


class OutputParams(Contract):
    """The format and quality every editing action saves its results with."""

    format = NormalizedChoiceField(choices=FORMAT_CHOICES, default="same", normalize=_format_name,
                                   error_messages={"invalid_choice": gettext_lazy("Choose PNG, JPEG or WebP.")})
    quality = serializers.IntegerField(default=92, min_value=1, max_value=100,
                                       error_messages=_bounded(QUALITY))


class _RotationField(serializers.ChoiceField):
    """Degrees clockwise; any whole number is taken modulo 360 (-90 is 270)."""

    def to_internal_value(self, data):
        try:
            if isinstance(data, bool):
                raise TypeError
            turn = int(data)
        except (TypeError, ValueError):
            raise serializers.ValidationError(NUMBER, code="invalid") from None
        return super().to_internal_value(turn % 360)


_ASPECT = re.compile(r"^\s*(\d{1,4}(?:\.\d{1,4})?)\s*:\s*(\d{1,4}(?:\.\d{1,4})?)\s*$")


def _edge(default: float) -> serializers.FloatField:
    return serializers.FloatField(default=default, min_value=0, max_value=100,
                                  error_messages=_bounded(PERCENT), help_text="Percent of the image.")


class CropParams(OutputParams):
    left = _edge(0.0)
    top = _edge(0.0)
    right = _edge(100.0)
    bottom = _edge(100.0)
    rotate = _RotationField(choices=ROTATIONS, default=0, help_text="Degrees clockwise, taken modulo 360.",
                            error_messages={"invalid_choice": gettext_lazy("Rotate by 0, 90, 180 or 270 degrees.")})
    flip_horizontal = FormBooleanField(default=False)
    flip_vertical = FormBooleanField(default=False)
    aspect = serializers.CharField(
        default="free", max_length=20, error_messages={"max_length": ASPECT},
        help_text='A preset aspect "W:H" (e.g. "1:1") or "free". With several images, each one gets the '
                  "largest box of that aspect inside its own box, centred on the same relative point.",
    )

    def validate_aspect(self, value: str) -> str:
        """A preset aspect ("4:3") that every image of a batch keeps, or "free"."""
        if value == "free":
            return value
        match = _ASPECT.match(value)
        if not match or float(match[1]) <= 0 or float(match[2]) <= 0:
            raise serializers.ValidationError(ASPECT, code="invalid")
        return f"{float(match[1]):g}:{float(match[2]):g}"

    def validate(self, attrs):
        if attrs["right"] <= attrs["left"]:
            raise serializers.ValidationError(
                {"right": _("The right edge must be to the right of the left edge.")}, code="invalid")
        if attrs["bottom"] <= attrs["top"]:
            raise serializers.ValidationError({"bottom": _("The bottom edge must be below the top edge.")},
                                              code="invalid")
        return {**attrs, **{k: round(attrs[k], 4) for k in ("left", "top", "right", "bottom")}}


class ResizeParams(OutputParams):
    width = serializers.IntegerField(default=None, allow_null=True, min_value=1, max_value=MAX_SIDE,
                                     error_messages=_bounded(PIXELS))
    height = serializers.IntegerField(default=None, allow_null=True, min_value=1, max_value=MAX_SIDE,
                                      error_messages=_bounded(PIXELS))
    percent = serializers.FloatField(default=None, allow_null=True, min_value=1, max_value=1000,
                                     error_messages=_bounded(RESIZE_PERCENT))
    keep_aspect = FormBooleanField(default=True)
    filter = NormalizedChoiceField(choices=list(FILTERS), default="lanczos", normalize=lambda v: str(v).lower(),
                                   error_messages={"invalid_choice": gettext_lazy("Unknown resampling filter.")})

    def validate(self, attrs):
        if attrs["percent"] is None and attrs["width"] is None and attrs["height"] is None:
            raise serializers.ValidationError(_("Enter a width, a height or a percentage."), code="no_size")
        return attrs


def resize_target_check(target: tuple[int, int]) -> None:
    if target[0] * target[1] > settings.UPLOAD_MAX_PIXELS:
        raise ValidationError(
            _("The result would be %(w)d×%(h)d, more than the %(limit)s megapixel limit.")
            % {"w": target[0], "h": target[1], "limit": f"{settings.UPLOAD_MAX_PIXELS / 1e6:g}"},
            code="too_many_pixels",
        )
