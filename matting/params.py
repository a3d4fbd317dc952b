"""The input contracts of the portrait cutout and its new backgrounds, which the services validate
with and the API's serializers are built from. Errors are Django ValidationErrors with translated
messages, keyed by field."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from core.contracts import TRUE_WORDS, Contract, FormBooleanField, NormalizedChoiceField
from matting.engines import ENGINE_CHOICES

CUTOUT_FORMATS = ("PNG", "WEBP")          # both keep transparency; WebP is stored lossless
BACKGROUND_FORMATS = ("JPEG", "PNG")
BACKGROUND_MODES = ("color", "image", "blur", "generated")
FITS = ("fill", "fit")
REFINE_METHODS = ("none", "sharpen", "guided", "guided+sharpen", "grabcut", "grabcut+guided", "grabcut+guided+sharpen")
# The refinement chosen by the benchmark (ml.matting.pipeline.DEFAULT_REFINE), looked up at call time.
REFINE_DEFAULT = "default"


def default_refine() -> str:
    from ml.matting.pipeline import DEFAULT_REFINE

    return DEFAULT_REFINE


class _RefineField(serializers.ChoiceField):
    """A method's name; "default" (or a ticked box) is the benchmark's choice, an unticked one none."""

    def to_internal_value(self, data):
        if data is True or data == REFINE_DEFAULT:
            return default_refine()
        if data is False:
            return "none"
        text = str(data).strip().lower()
        if text in TRUE_WORDS:
            return default_refine()
        if text in ("0", "false", "off", "no"):
            return "none"
        if text not in REFINE_METHODS and text != default_refine():
            raise serializers.ValidationError(
                _("Unknown refinement. Choose one of: %(choices)s.") % {"choices": ", ".join(REFINE_METHODS)},
                code="invalid")
        return text


def _lower(value) -> str:
    return str(value).strip().lower()


def _upper(value) -> str:
    return str(value).strip().upper()


def _engine_field(**kwargs) -> NormalizedChoiceField:
    return NormalizedChoiceField(
        choices=ENGINE_CHOICES, default=lambda: settings.MATTING_ENGINE, normalize=_lower,
        error_messages={"invalid_choice": gettext_lazy("Unknown engine. Choose auto, u2netp or modnet.")}, **kwargs)


class CutoutParams(Contract):
    """The input contract of a cutout: the service validates with it, the API's serializer is built
    from it."""

    engine = _engine_field(help_text="auto (the server's default unless it sets another), u2netp or modnet.")
    format = NormalizedChoiceField(
        choices=CUTOUT_FORMATS, default="PNG", normalize=_upper,
        error_messages={"invalid_choice": gettext_lazy("Choose PNG or WebP for the cutout (both keep transparency).")},
        help_text="PNG or WEBP (lossless).")
    refine = _RefineField(choices=[REFINE_DEFAULT, *REFINE_METHODS], default=default_refine,
                          help_text="Edge refinement; default is the benchmark's choice.")
    decontaminate = FormBooleanField(default=True, help_text="Remove the old background's colour from the edges.")


def _color(value: str) -> str:
    from ml.matting.compose import parse_color

    text = value.strip()
    if not text.startswith("#"):
        text = "#" + text
    try:
        r, g, b = parse_color(text)
    except ValueError:
        raise serializers.ValidationError(
            _("“%(value)s” is not a colour; use #rrggbb, e.g. #ffffff.") % {"value": value}, code="invalid") from None
    return f"#{r:02x}{g:02x}{b:02x}"


def _unknown_mode(mode: str) -> str:
    return _("Unknown background “%(mode)s”. Choose a colour (color), an image (image), the blurred original (blur) "
             "or a generated picture (generated).") % {"mode": mode or "—"}


class _ModeField(serializers.ChoiceField):
    def to_internal_value(self, data):
        mode = _lower(data)
        if mode not in BACKGROUND_MODES:
            raise serializers.ValidationError(_unknown_mode(mode), code="unknown_background")
        return mode


def _bounded(message) -> dict:
    return {"invalid": gettext_lazy("Enter a number."), "min_value": message, "max_value": message}


class BackgroundParams(Contract):
    """The input contract of a new background (a generated one's picture: generation's, through
    `generated_picture_params` and generation.services.picture_request)."""

    mode = _ModeField(choices=BACKGROUND_MODES, required=False)  # required; said in this page's words
    color = serializers.CharField(default="#ffffff", help_text="#rrggbb: the colour (mode color) or the padding "
                                                               "(mode image, fit).")
    fit = NormalizedChoiceField(
        choices=FITS, default="fill", normalize=_lower, help_text="Mode image.",
        error_messages={"invalid_choice": gettext_lazy("Choose fill (cover the picture) or fit (show all of it).")})
    blur = serializers.FloatField(
        default=2.0, min_value=0.2, max_value=10.0, help_text="Blur strength, % of the diagonal (mode blur).",
        error_messages=_bounded(gettext_lazy(
            "The blur strength must be between 0.2 and 10 (percent of the picture's diagonal).")))
    format = NormalizedChoiceField(choices=BACKGROUND_FORMATS, default="JPEG", normalize=_upper,
                                   error_messages={"invalid_choice": gettext_lazy("Choose JPEG or PNG.")})
    quality = serializers.IntegerField(
        default=92, min_value=1, max_value=100, help_text="JPEG quality.",
        error_messages=_bounded(gettext_lazy("The JPEG quality must be between 1 and 100.")))
    engine = _engine_field(help_text="The engine for photos that are not cutouts yet.")

    def validate_color(self, value: str) -> str:
        return _color(value)

    def validate_blur(self, value: float) -> float:
        return round(value, 2)

    def validate(self, attrs):
        if "mode" not in attrs:
            raise serializers.ValidationError({"mode": _unknown_mode("")}, code="unknown_background")
        return attrs


# What a generated background takes from the request; the rest of the generation parameters are fixed
# (one picture, no template) or chosen here (the size, from the photo's aspect ratio).
GENERATED_FIELDS = ("model", "prompt", "negative_prompt", "seed", "seed_mode", "prompt_extend", "watermark",
                    "steps", "guidance", "key_source")


def generated_picture_params(data) -> dict:
    """The text-to-image parameters a generated background sends to generation.services.picture_request,
    which validates them with the same per-model rules as the Text to image page: one picture, and no
    size, which is not the user's to choose (the one the model makes closest to the first photo's
    aspect ratio; checked at the model's default size until the photo is known)."""
    picked = {k: data.get(k) for k in GENERATED_FIELDS if data.get(k) not in (None, "")}
    if not str(picked.get("prompt") or "").strip():  # said in the words of this page, not "the picture"
        raise ValidationError({"prompt": _("Describe the background to generate: the prompt cannot be empty.")},
                              code="prompt_required")
    return {**picked, "n": 1}
