"""Readable names for the keys and values that jobs store in their params and their outputs' metadata.

Each feature declares the names of what it stores in its own `labels.py` and registers them here from its
AppConfig.ready(); the item and job pages (gallery.templatetags.studio) look them up. A key nobody
registered is shown by its spelling ("text_mode" -> "Text mode"), which a test catches in Chinese."""

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _

_FIELDS: dict[str, str] = {
    "operation": _("Operation"),
    "source_name": _("Made from"),
    "from_size": _("Source size"),
    "size": _("Size"),
    "original_format": _("Uploaded as"),
    "format": _("Output format"),
    "quality": _("Quality"),
    "model": _("Model"),
    "engine": _("Engine"),
    "mode": _("Mode"),
    "method": _("Method"),
    "role": _("Role"),
    "text": _("Text"),
    "lines": _("Lines"),
    "width": _("Width"),
    "height": _("Height"),
}
# Values shown whatever field holds them; ANY_FIELD is the key of that table in _VALUES.
ANY_FIELD = "*"
_VALUES: dict[str, dict[str, str]] = {ANY_FIELD: {
    "same": _("Same as source"),
    "auto": _("Automatic"),
    "none": _("None"),
    "default": _("Default"),
    "WEBP": "WebP",
}}


def register(*, fields: Mapping[str, str] | None = None, values: Mapping[str, Mapping[str, str]] | None = None):
    """fields: key -> label; values: key (or ANY_FIELD) -> {stored value -> label}."""
    _FIELDS.update(fields or {})
    for key, table in (values or {}).items():
        _VALUES.setdefault(key, {}).update(table)


def field_label(key) -> str:
    if key in _FIELDS:
        return _FIELDS[key]
    text = str(key).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def value_label(value, key: str | None = None):
    """The label of a stored string, looked up for its field first, then for any field."""
    if not isinstance(value, str):
        return value
    for table in (_VALUES.get(key) or {}, _VALUES[ANY_FIELD]):
        if value in table:
            return table[value]
    return value
