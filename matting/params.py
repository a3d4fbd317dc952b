"""Validation of portrait-cutout parameters, shared by the pages and the API. Errors are Django
ValidationErrors with translated messages, keyed by field."""

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


def _choice(data, name: str, choices, default: str, message: str, *, upper: bool = False) -> str:
    value = data.get(name)
    if value in (None, ""):
        return default
    value = str(value).strip()
    value = value.upper() if upper else value.lower()
    if value not in choices:
        raise ValidationError({name: message}, code="invalid")
    return value


def _lower(value) -> str:
    return str(value).strip().lower()


def _upper(value) -> str:
    return str(value).strip().upper()


class CutoutParams(Contract):
    """The input contract of a cutout: the service validates with it, the API's serializer is built
    from it."""

    engine = NormalizedChoiceField(
        choices=ENGINE_CHOICES, default=lambda: settings.MATTING_ENGINE, normalize=_lower,
        error_messages={"invalid_choice": gettext_lazy("Unknown engine. Choose auto, u2netp or modnet.")},
        help_text="auto (the server's default unless it sets another), u2netp or modnet.")
    format = NormalizedChoiceField(
        choices=CUTOUT_FORMATS, default="PNG", normalize=_upper,
        error_messages={"invalid_choice": gettext_lazy("Choose PNG or WebP for the cutout (both keep transparency).")},
        help_text="PNG or WEBP (lossless).")
    refine = _RefineField(choices=[REFINE_DEFAULT, *REFINE_METHODS], default=default_refine,
                          help_text="Edge refinement; default is the benchmark's choice.")
    decontaminate = FormBooleanField(default=True, help_text="Remove the old background's colour from the edges.")


def _number(data, name: str, default: float, low: float, high: float, message: str) -> float:
    raw = data.get(name)
    if raw in (None, ""):
        return default
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise ValidationError({name: _("Enter a number.")}, code="invalid") from None
    if not low <= value <= high:
        raise ValidationError({name: message}, code="invalid")
    return value


def color_clean(value, field: str = "color") -> str:
    from ml.matting.compose import parse_color

    text = str(value or "#ffffff").strip()
    if not text.startswith("#"):
        text = "#" + text
    try:
        r, g, b = parse_color(text)
    except ValueError:
        raise ValidationError(
            {field: _("“%(value)s” is not a colour; use #rrggbb, e.g. #ffffff.") % {"value": value}}, code="invalid"
        ) from None
    return f"#{r:02x}{g:02x}{b:02x}"


def background_params_clean(data) -> dict:
    mode = str(data.get("mode") or "").strip().lower()
    if mode not in BACKGROUND_MODES:
        raise ValidationError(
            {"mode": _("Unknown background “%(mode)s”. Choose a colour (color), an image (image), the blurred "
                       "original (blur) or a generated picture (generated).") % {"mode": mode or "—"}},
            code="unknown_background",
        )
    quality = _number(data, "quality", 92, 1, 100, _("The JPEG quality must be between 1 and 100."))
    return {
        "mode": mode,
        "color": color_clean(data.get("color")),
        "fit": _choice(data, "fit", FITS, "fill", _("Choose fill (cover the picture) or fit (show all of it).")),
        "blur": round(_number(data, "blur", 2.0, 0.2, 10.0,
                              _("The blur strength must be between 0.2 and 10 (percent of the picture's diagonal).")), 2),
        "format": _choice(data, "format", BACKGROUND_FORMATS, "JPEG", _("Choose JPEG or PNG."), upper=True),
        "quality": int(quality),
        "engine": CutoutParams.clean({"engine": data.get("engine")})["engine"],
    }


# What a generated background takes from the request; the rest of the generation parameters are fixed
# (one picture, no template) or chosen here (the size, from the photo's aspect ratio).
GENERATED_FIELDS = ("model", "prompt", "negative_prompt", "seed", "seed_mode", "prompt_extend", "watermark",
                    "steps", "guidance", "key_source")


def generated_params_clean(data, *, photo_size: tuple[int, int] | None, key_source_default: str) -> dict:
    """The text-to-image parameters of a generated background, validated by generation.params with
    the same per-model rules as the Text to image page. The size is not the user's to choose: it is
    the size the model supports closest to the photo's aspect ratio (`photo_size`; None checks
    everything else at the model's default size, before the photo is known)."""
    from generation import backends
    from generation.params import generation_params_clean
    from ml.generation import catalog

    picked = {k: data.get(k) for k in GENERATED_FIELDS if data.get(k) not in (None, "")}
    if not str(picked.get("prompt") or "").strip():  # said in the words of this page, not "the picture"
        raise ValidationError({"prompt": _("Describe the background to generate: the prompt cannot be empty.")},
                              code="prompt_required")
    offered = backends.models()
    spec = backends.spec_get(str(picked.get("model") or (offered[0].name if offered else "")))
    if spec is not None and photo_size is not None:  # an unknown model is refused just below
        picked["size"] = "%d*%d" % catalog.size_for_aspect(spec, *photo_size)
    return generation_params_clean({**picked, "n": 1}, key_source_default=key_source_default)
