"""Readable names for the keys and values stored in job params and item metadata."""

import re
from numbers import Number

from django import template
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from gallery import labels

register = template.Library()


@register.filter
def field_label(key: str) -> str:
    """A known key's translated label; any other shown readably ("text_mode" -> "Text mode")."""
    return labels.field_label(key)


@register.filter
def value_label(value, key: str | None = None):
    return labels.value_label(value, key)


def _number(value: Number) -> str:
    if isinstance(value, float) and not value.is_integer():
        return number_format(round(value, 3), use_l10n=True)
    return number_format(int(value))


def _is_point(value) -> bool:
    return isinstance(value, (list, tuple)) and len(value) == 2 and all(isinstance(v, Number) for v in value)


def _box_text(points) -> str:
    """A quad or a box as the rectangle round it, "x1, y1 – x2, y2" in pixels."""
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return f"{round(min(xs))}, {round(min(ys))} – {round(max(xs))}, {round(max(ys))}"


_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_PIXEL_SIZE = re.compile(r"^(\d+)\*(\d+)$")  # DashScope's spelling of a size


def _scalar(value, key) -> str:
    if value is None or value == "":
        return "—"
    if value is True:
        return str(_("Yes"))
    if value is False:
        return str(_("No"))
    if isinstance(value, Number):
        return _number(value)
    if size := _PIXEL_SIZE.match(value):
        return f"{size[1]} × {size[2]}"
    if "|" in value:  # one choice per engine of a fusion ("grabcut+guided+sharpen | sharpen")
        return " | ".join(_scalar(part.strip(), key) for part in value.split("|"))
    return str(labels.value_label(value, key))


@register.filter
def readable(value, key: str | None = None) -> SafeString:
    """A value from a JSON field (metadata, job params) as words: records as labelled lists, points and
    quads as pixel boxes, sizes as "w × h", another item's id as a link to it; never Python's own
    spelling of a dict or a list."""
    if value is None or value == {} or value == [] or value == "":
        return format_html('<span class="muted">—</span>')
    if isinstance(value, dict):
        return format_html('<ul class="kv-list">{}</ul>', format_html_join(
            "", '<li><span class="muted kv-key">{}:</span> {}</li>',
            ((labels.field_label(k), readable(v, k)) for k, v in value.items())))
    if isinstance(value, (list, tuple)):
        if all(isinstance(v, Number) and not isinstance(v, bool) for v in value):
            return format_html("{}", (" × " if len(value) == 2 else ", ").join(_number(v) for v in value))
        if len(value) >= 2 and all(_is_point(v) for v in value):
            return format_html("{}", _box_text(value))
        if all(not isinstance(v, (dict, list, tuple)) for v in value):
            return format_html("{}", ", ".join(_scalar(v, key) for v in value))
        return format_html('<ol class="kv-records">{}</ol>', format_html_join(
            "", "<li>{}</li>", ((readable(v, key),) for v in value)))
    if isinstance(value, str) and _UUID.match(value):
        return format_html('<a class="mono small" href="{}">{}</a>',
                           reverse("gallery:item-detail", args=[value]), value[:8])
    return format_html("{}", _scalar(value, key))
