"""Input contracts: one DRF serializer per action holds every bound, choice and cross-field rule of
its parameters. The service validates with it (`Contract.clean`), so a page that posts a form and
the API accept and refuse exactly the same things with the same messages; the API's InputSerializer
subclasses it, so the OpenAPI schema shows the same bounds."""

from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.functional import lazy
from rest_framework import serializers
from rest_framework.settings import api_settings

TRUE_WORDS = ("1", "true", "on", "yes")


def interpolated(message, **params):
    """A lazy translated message whose %(name)s are filled in when it is shown, in the language of
    that request (DRF formats field messages with str.format, which would leave them as they are)."""
    return lazy(lambda: str(message) % params, str)()


class Contract(serializers.Serializer):
    """Form quirks are the contract's, not each caller's: an empty value (an empty field of a form,
    a JSON null) means the field's default, as an absent one does."""

    @classmethod
    def clean(cls, data, **context) -> dict:
        """The validated params, or a Django ValidationError (keyed by field, or a plain one for a
        rule across fields) with the contract's messages: what services raise."""
        contract = cls(data=data, context=context)
        if not contract.is_valid():
            raise django_error(contract.errors)
        return dict(contract.validated_data)

    def is_valid(self, *, raise_exception=False):
        # Raised as the services raise it, so the API answers a bad value with the same body whether
        # its serializer or the service found it.
        valid = super().is_valid()
        if not valid and raise_exception:
            raise django_error(self.errors)
        return valid

    def to_internal_value(self, data):
        return super().to_internal_value(self.form_values(data))

    def form_values(self, data):
        if hasattr(data, "getlist"):  # a form: a QueryDict still, so DRF reads its lists and JSON strings
            values = QueryDict(mutable=True)
            for key in data.keys():
                kept = [v for v in data.getlist(key) if not _blank(v)]
                if kept:
                    values.setlist(key, kept)
            return values
        if hasattr(data, "items"):
            return {k: v for k, v in data.items() if not _blank(v)}
        return data  # not an object: DRF answers that itself


def _blank(value) -> bool:
    return value is None or isinstance(value, str) and value == ""


def _messages(detail) -> list:
    if isinstance(detail, dict):
        return [m for v in detail.values() for m in _messages(v)]
    if isinstance(detail, list):
        return [m for v in detail for m in _messages(v)]
    return [detail]


# The codes of DRF's own field checks; a field's value that is wrong answers "invalid", as it always did.
DRF_CODES = {"invalid", "invalid_choice", "min_value", "max_value", "max_length", "min_length", "max_digits",
             "required", "null", "blank", "not_a_list", "empty", "max_string_length", "not_a_dict", "make_aware",
             "surrogate_characters_not_allowed", "null_characters_not_allowed"}


def django_error(errors: dict) -> ValidationError:
    """DRF's errors as the Django ValidationError the services always raised: field errors keyed by
    field; errors of `validate()` across fields unkeyed; codes of our own rules kept."""
    def items(detail):
        codes = ((m, getattr(m, "code", None) or "invalid") for m in _messages(detail))
        return [ValidationError(str(m), code="invalid" if code in DRF_CODES else code) for m, code in codes]

    fields = {k: items(v) for k, v in errors.items() if k != api_settings.NON_FIELD_ERRORS_KEY}
    if fields:
        return ValidationError(fields)
    return ValidationError(items(errors.get(api_settings.NON_FIELD_ERRORS_KEY, [])))


class FormBooleanField(serializers.BooleanField):
    """A checkbox: "on", "1", "true", "yes" are true and any other word false, as the pages always
    read them; JSON booleans as they are."""

    def to_internal_value(self, data):
        if isinstance(data, str):
            return data.strip().lower() in TRUE_WORDS
        return super().to_internal_value(data)


class NormalizedChoiceField(serializers.ChoiceField):
    """A choice written loosely on a form ("jpg", " PNG "): `normalize` turns the value into one of
    the choices before it is checked."""

    def __init__(self, *, normalize, **kwargs):
        self.normalize = normalize
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        return super().to_internal_value(self.normalize(data))
