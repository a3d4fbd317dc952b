"""The input contract of Read text, which the service validates with and the API's serializer is
built from: the page and the API accept and refuse the same things."""

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from core.contracts import Contract, FormBooleanField
from ocr.engines import ENGINE_CHOICES, LANGUAGE_NAMES, engine_names

ENGINE = gettext_lazy("Choose auto, ppocr or easyocr.")
MIN_SCORE = gettext_lazy("The confidence threshold must be between 0 and 1.")


class _LanguagesField(serializers.ListField):
    """Codes from a list, a form's ticked boxes or one "ch_sim, en" string; duplicates dropped; none
    means the server's default. Every unknown code is named in one message."""

    def to_internal_value(self, data):
        if isinstance(data, str | list | tuple):
            data = [part for item in ([data] if isinstance(data, str) else data)
                    for part in (str(item).replace(",", " ").split() if isinstance(item, str) else [item])]
        codes = list(dict.fromkeys(super().to_internal_value(data)))
        unknown = [c for c in codes if c not in LANGUAGE_NAMES]
        if unknown:
            raise serializers.ValidationError(_("Unknown language: %(codes)s.") % {"codes": ", ".join(unknown)},
                                              code="invalid")
        return codes or list(settings.OCR_LANGUAGES)


class OcrParams(Contract):
    languages = _LanguagesField(child=serializers.CharField(max_length=16), default=lambda: list(settings.OCR_LANGUAGES),
                                help_text=f"EasyOCR language codes, one of {', '.join(LANGUAGE_NAMES)}. "
                                          "Default: the server's (ch_sim, en).")
    engine = serializers.ChoiceField(choices=[*ENGINE_CHOICES, "fake"], default=lambda: settings.OCR_ENGINE,
                                     error_messages={"invalid_choice": ENGINE},
                                     help_text="fake exists only where the server allows it (tests).")
    min_score = serializers.FloatField(default=lambda: settings.OCR_MIN_SCORE, min_value=0, max_value=1,
                                       error_messages={"invalid": gettext_lazy("Enter a number."),
                                                       "min_value": MIN_SCORE, "max_value": MIN_SCORE})
    paragraphs = FormBooleanField(default=False)
    upscale = FormBooleanField(default=True)
    rotated = FormBooleanField(default=True)

    def validate_engine(self, value: str) -> str:
        if value not in engine_names():
            raise serializers.ValidationError(ENGINE, code="invalid")
        return value

    def validate_min_score(self, value: float) -> float:
        return round(value, 3)
