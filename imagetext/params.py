"""The input contracts of "Text in images" (find lines, add, modify, remove, generate with text): the
services validate with them, the API's serializers are built from them. Each box, line and stroke is
checked in `validate`, with messages that name it ("Box 2: …"); that every point lies inside the
image is checked per image by `points_inside_check` (the service runs it once the image's size is
known)."""

from __future__ import annotations

import json
import math
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail

from core.contracts import TRUE_WORDS, Contract, FormBooleanField, NormalizedChoiceField
from editing.params import OutputParams
from generation import backends
from generation.params import GenerationParams, request_from_params
from imagetext.engine import font_names
from ml import text as ml_text
from ml.generation import catalog

MAX_BOXES = 8
MAX_TEXT = 200
MAX_LINES = 100          # detected lines one removal may name
MAX_STROKES = 300
MAX_STROKE_POINTS = 4000
MAX_BRUSH = 1000
MIN_SIDE = 4.0           # px: a box narrower or lower than this cannot hold legible text
ALIGNS = ("left", "center", "right")
REMOVE_MODES = ("all", "lines", "region")
REMOVAL_METHODS = tuple(ml_text.REMOVAL_METHODS)   # default (ours), lama (with its weights), telea, ns (OpenCV)
MODIFY_METHODS = ("default", "lama")                # the old line's fill where the new text does not cover it
_HEX = re.compile(r"^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
EDGE_TOLERANCE = 0.5     # px a point may lie past the edge (rounding on the page)

MIN_SCORE = gettext_lazy("The confidence threshold must be between 0 and 1.")
ONE_PICTURE = gettext_lazy("Generate with text makes one picture per job.")
BOXES_HELP = ('"quad": [[x, y] x4] clockwise from the text\'s top-left (or "box": [left, top, right, bottom]), '
              '"text": "天路", "font": "sans", "color": "#rrggbb" or null for automatic contrast, '
              '"align": "left|center|right", "vertical": false, "outline": false, "shadow": false')


class _JsonListField(serializers.JSONField):
    """A JSON list, or its text (a form's hidden field, or a string in a JSON body); none is empty."""

    default_error_messages = {"invalid": gettext_lazy("This must be a JSON list.")}

    def __init__(self, **kwargs):
        super().__init__(default=list, **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, str):
            try:
                data = json.loads(data) if data.strip() else None
            except ValueError:
                self.fail("invalid")
        if data is None:
            return []
        if not isinstance(data, list):
            self.fail("invalid")
        return data


def _lower(value) -> str:
    return str(value).strip().lower()


def _method_field(choices, **kwargs) -> NormalizedChoiceField:
    return NormalizedChoiceField(choices=choices, default="default", normalize=_lower,
                                 error_messages={"invalid_choice": gettext_lazy("Unknown fill method.")}, **kwargs)


def _number(value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError
    number = float(value)
    if not math.isfinite(number):
        raise ValueError
    return number


def _flag(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in TRUE_WORDS
    return bool(value)


def quad_clean(value, *, label: str) -> list[list[float]]:
    """4 points [[x, y] x4] clockwise from the text's top-left, or {"box": [x0, y0, x1, y1]}."""
    error = ValidationError(
        _("%(label)s needs four corner points [[x, y], …] or a box [left, top, right, bottom].") % {"label": label},
        code="bad_box",
    )
    try:
        if isinstance(value, dict):
            value = value.get("quad") if value.get("quad") is not None else value.get("box")
        if isinstance(value, (list, tuple)) and len(value) == 4 and all(not isinstance(v, (list, tuple)) for v in value):
            x0, y0, x1, y1 = (_number(v) for v in value)
            x0, x1 = sorted((x0, x1))
            y0, y1 = sorted((y0, y1))
            value = [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]
        if not isinstance(value, (list, tuple)) or len(value) != 4:
            raise error
        points = []
        for point in value:
            if not isinstance(point, (list, tuple)) or len(point) != 2:
                raise error
            points.append([round(_number(point[0]), 1), round(_number(point[1]), 1)])
    except ValueError:
        raise error from None
    (ax, ay), (bx, by), (cx, cy), (dx, dy) = points
    top, bottom = math.dist((ax, ay), (bx, by)), math.dist((dx, dy), (cx, cy))
    left, right = math.dist((ax, ay), (dx, dy)), math.dist((bx, by), (cx, cy))
    area = 0.5 * abs(sum(points[i][0] * points[(i + 1) % 4][1] - points[(i + 1) % 4][0] * points[i][1] for i in range(4)))
    crosses = [
        (points[(i + 1) % 4][0] - points[i][0]) * (points[(i + 2) % 4][1] - points[(i + 1) % 4][1])
        - (points[(i + 1) % 4][1] - points[i][1]) * (points[(i + 2) % 4][0] - points[(i + 1) % 4][0])
        for i in range(4)
    ]
    if not (all(c > 0 for c in crosses) or all(c < 0 for c in crosses)):
        raise ValidationError(
            _("%(label)s: its corners cross or fold in; give them in order around the box.") % {"label": label},
            code="bad_box",
        )
    if min(top, bottom, left, right) < MIN_SIDE or area < MIN_SIDE * MIN_SIDE * 2:
        raise ValidationError(_("%(label)s is too small to hold text.") % {"label": label}, code="bad_box")
    return points


def _text(value, *, label: str) -> str:
    text = value if isinstance(value, str) else ("" if value is None else str(value))
    text = text.replace("\r\n", "\n").strip()
    if not text:
        raise ValidationError(_("%(label)s has no text. Type what should be written there.") % {"label": label},
                              code="empty_text")
    if len(text) > MAX_TEXT:
        raise ValidationError(_("%(label)s: at most %(n)d characters.") % {"label": label, "n": MAX_TEXT},
                              code="too_long")
    return text


def colour_clean(value, *, label: str) -> str | None:
    """None for automatic (contrast with the background, or the old line's colour), else "#rrggbb"."""
    if value is None or (isinstance(value, str) and value.strip().lower() in ("", "auto", "automatic")):
        return None
    match = _HEX.match(str(value).strip())
    if not match:
        raise ValidationError(_("%(label)s: the colour must be “auto” or a hex colour like #1a2b3c.") % {"label": label},
                              code="bad_color")
    digits = match.group(1).lower()
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return f"#{digits}"


def _font(value, *, label: str, allow_auto: bool = False) -> str | None:
    name = str(value or "").strip() or (None if allow_auto else "sans")
    if name in (None, "auto") and allow_auto:
        return None
    if name not in font_names():
        raise ValidationError(_("%(label)s: unknown font “%(font)s”.") % {"label": label, "font": name}, code="bad_font")
    return name


def _choice(value, choices, default, *, label: str, field: str) -> str:
    value = str(value or default).strip().lower()
    if value not in choices:
        raise ValidationError(
            _("%(label)s: %(field)s must be one of %(choices)s.") % {"label": label, "field": field, "choices": ", ".join(choices)},
            code="bad_option",
        )
    return value


def _count(items: list, *, empty: str, most: int, too_many: str) -> None:
    if not items:
        raise ValidationError(empty, code="no_boxes")
    if len(items) > most:
        raise ValidationError(too_many % {"n": most}, code="too_many_boxes")


def _object(raw, *, label: str) -> dict:
    if not isinstance(raw, dict):
        raise ValidationError(_("%(label)s must be an object with a quad and a text.") % {"label": label}, code="bad_box")
    return raw


def _box_clean(raw, *, label: str) -> dict:
    raw = _object(raw, label=label)
    max_size = raw.get("max_size")
    if max_size not in (None, ""):
        try:
            max_size = int(max_size)
        except (TypeError, ValueError):
            raise ValidationError(_("%(label)s: the largest size must be a whole number of pixels.") % {"label": label},
                                  code="bad_option") from None
        if not 8 <= max_size <= 2000:
            raise ValidationError(_("%(label)s: the largest size must be between 8 and 2000 pixels.") % {"label": label},
                                  code="bad_option")
    else:
        max_size = None
    return {
        "quad": quad_clean(raw, label=label),
        "text": _text(raw.get("text"), label=label),
        "font": _font(raw.get("font"), label=label),
        "color": colour_clean(raw.get("color"), label=label),
        "align": _choice(raw.get("align"), ALIGNS, "center", label=label, field=_("alignment")),
        "vertical": _flag(raw.get("vertical")),
        "outline": _flag(raw.get("outline")),
        "shadow": _flag(raw.get("shadow")),
        "max_size": max_size,
    }


def boxes_clean(boxes: list, *, first_number: int = 1) -> list[dict]:
    """The boxes of "Add text" (and of "Generate with text"); `first_number`: how the first is named
    in messages (a preview of box 3 alone says "Box 3")."""
    _count(boxes, empty=_("Draw at least one box and type its text."), most=MAX_BOXES,
           too_many=_("At most %(n)d boxes at once."))
    return [_box_clean(raw, label=_("Box %(n)d") % {"n": number}) for number, raw in enumerate(boxes, start=first_number)]


def _edit_clean(raw, *, label: str) -> dict:
    old = _object(raw, label=label).get("old")
    return {
        "quad": quad_clean(raw, label=label),
        "text": _text(raw.get("text"), label=label),
        "old": str(old)[:MAX_TEXT] if old not in (None, "") else "",
        "font": _font(raw.get("font"), label=label, allow_auto=True),
        "color": colour_clean(raw.get("color"), label=label),
    }


def _stroke_clean(raw, *, number: int) -> dict:
    label = _("Stroke %(n)d") % {"n": number}
    error = ValidationError(_("%(label)s needs points [[x, y], …] and a brush size in pixels.") % {"label": label},
                            code="bad_stroke")
    if not isinstance(raw, dict) or not isinstance(raw.get("points"), list):
        raise error
    points = raw["points"]
    if not 1 <= len(points) <= MAX_STROKE_POINTS:
        raise ValidationError(_("%(label)s: between 1 and %(n)d points.") % {"label": label, "n": MAX_STROKE_POINTS},
                              code="bad_stroke")
    try:
        size = _number(raw.get("size"))
        cleaned = []
        for point in points:
            if not isinstance(point, (list, tuple)) or len(point) != 2:
                raise error
            cleaned.append([round(_number(point[0]), 1), round(_number(point[1]), 1)])
    except ValueError:
        raise error from None
    if not 1 <= size <= MAX_BRUSH:
        raise ValidationError(_("%(label)s: the brush size must be between 1 and %(n)d pixels.") % {"label": label, "n": MAX_BRUSH},
                              code="bad_stroke")
    return {"points": cleaned, "size": round(size, 1)}


def _removed_line_clean(raw, *, number: int) -> dict:
    text = raw.get("text", "") if isinstance(raw, dict) else ""
    return {"quad": quad_clean(raw, label=_("Line %(n)d") % {"n": number}), "text": str(text or "")[:MAX_TEXT]}


class TextLinesParams(Contract):
    """Find the lines of text (OCR), for modify and remove to show."""

    min_score = serializers.FloatField(default=None, allow_null=True, min_value=0, max_value=1,
                                       error_messages={"invalid": gettext_lazy("Enter a number."),
                                                       "min_value": MIN_SCORE, "max_value": MIN_SCORE},
                                       help_text="Default: the OCR engine's.")


class TextAddParams(OutputParams):
    """The context's `first_number` names the first box in messages (a preview of one box)."""

    boxes = _JsonListField(help_text=f"1-{MAX_BOXES} boxes: [{{{BOXES_HELP}}}]")

    def validate(self, attrs):
        return {**attrs, "boxes": boxes_clean(attrs["boxes"], first_number=self.context.get("first_number", 1))}


class TextModifyParams(OutputParams):
    edits = _JsonListField(help_text=(
        f'1-{MAX_BOXES} lines to rewrite: [{{"quad": the line\'s quad (from a lines job), "text": "new text", '
        '"font": null (match the old line) or a font name, "color": null (sampled from the old glyphs) or "#rrggbb"}]'))
    method = _method_field(MODIFY_METHODS, help_text=(
        "How the old line is filled where the new text does not cover it: default (ours) or lama (the LaMa "
        "network, when its weights are installed: see GET editing/text/methods/)."))

    def validate(self, attrs):
        edits = attrs["edits"]
        _count(edits, empty=_("Click a line of text and type what it should say."), most=MAX_BOXES,
               too_many=_("At most %(n)d lines at once."))
        return {**attrs, "edits": [_edit_clean(raw, label=_("Line %(n)d") % {"n": number})
                                   for number, raw in enumerate(edits, start=1)]}


class TextRemoveParams(OutputParams):
    target = NormalizedChoiceField(
        choices=REMOVE_MODES, default="all", normalize=_lower,
        error_messages={"invalid_choice": gettext_lazy("Choose what to remove: all, lines or region.")},
        help_text="all: every line OCR finds; lines: the `lines` given; region: the `strokes` painted.")
    method = _method_field(REMOVAL_METHODS, help_text=(
        "default: membrane fill plus texture from the edges (ours); lama: the LaMa network, when its weights are "
        "installed (otherwise 400, code model_missing); telea, ns: OpenCV's baselines."))
    lines = _JsonListField(help_text='With target lines: [{"quad": [[x, y] x4], "text": "old text (optional)"}]')
    strokes = _JsonListField(help_text='With target region: [{"points": [[x, y], ...], "size": brush diameter in pixels}]')

    def validate(self, attrs):
        lines, strokes = [], []  # only those of the target are kept
        if attrs["target"] == "lines":
            _count(attrs["lines"], empty=_("Click at least one line of text to remove."), most=MAX_LINES,
                   too_many=_("At most %(n)d lines at once."))
            lines = [_removed_line_clean(raw, number=n) for n, raw in enumerate(attrs["lines"], start=1)]
        elif attrs["target"] == "region":
            if not attrs["strokes"]:
                raise ValidationError(_("Paint over the area to remove."), code="no_region")
            if len(attrs["strokes"]) > MAX_STROKES:
                raise ValidationError(_("At most %(n)d strokes.") % {"n": MAX_STROKES}, code="too_many_strokes")
            strokes = [_stroke_clean(raw, number=n) for n, raw in enumerate(attrs["strokes"], start=1)]
        return {**attrs, "lines": lines, "strokes": strokes}


def points_inside_check(params: dict, size: tuple[int, int]) -> None:
    """Every quad and brush point lies inside a width x height image (with half a pixel to spare)."""
    width, height = size

    def inside(points) -> bool:
        return all(-EDGE_TOLERANCE <= x <= width + EDGE_TOLERANCE and -EDGE_TOLERANCE <= y <= height + EDGE_TOLERANCE
                   for x, y in points)

    groups = (("boxes", _("Box %(n)d")), ("edits", _("Line %(n)d")), ("lines", _("Line %(n)d")))
    for key, label in groups:
        for number, entry in enumerate(params.get(key) or [], start=1):
            if not inside(entry["quad"]):
                raise ValidationError(
                    _("%(label)s lies outside the image (%(w)d × %(h)d pixels).")
                    % {"label": label % {"n": number}, "w": width, "h": height},
                    code="box_outside",
                )
    for number, stroke in enumerate(params.get("strokes") or [], start=1):
        if not inside(stroke["points"]):
            raise ValidationError(
                _("Stroke %(n)d lies outside the image (%(w)d × %(h)d pixels).") % {"n": number, "w": width, "h": height},
                code="box_outside",
            )


# --- Generate with text: a prompt plus boxes; the picture's parameters go through generation.params (the
# same rules per model), the boxes through the rules of "Add text", checked against the chosen size ---

# Where a box sits, in the words the prompt uses (thirds of the picture).
_ROWS = ("上方", "中部", "下方")
_COLUMNS = ("左侧", "中间", "右侧")


def model_draws_text_offered(spec) -> bool:
    """Models that can write legible text themselves (Qwen-Image renders Chinese and English)."""
    return spec is not None and spec.family == "qwen"


def _where(quad, width: int, height: int) -> str:
    cx = sum(p[0] for p in quad) / 4 / width
    cy = sum(p[1] for p in quad) / 4 / height
    row, column = _ROWS[min(2, int(cy * 3))], _COLUMNS[min(2, int(cx * 3))]
    return "画面正中" if (row, column) == ("中部", "中间") else f"画面{row}{column}"


def text_prompt(prompt: str, boxes: list[dict], width: int, height: int) -> str:
    """The prompt with the text lines quoted and their rough positions, for a model that draws text:
    e.g. 青铜神鸟鼠标垫。画面中清晰地写着文字：“天路”（画面上方中间）。"""
    parts = []
    for box in boxes:
        text = box["text"].replace("\n", " ")
        layout = "，竖排" if box.get("vertical") else ""
        parts.append(f"“{text}”（{_where(box['quad'], width, height)}{layout}）")
    return f"{prompt.rstrip('。.')}。画面中清晰地写着文字：{'；'.join(parts)}。"


class TextGenerationParams(GenerationParams):
    """"Generate with text": the picture's parameters with the rules of Text to image (one picture),
    the boxes with those of "Add text", checked against the chosen size. `validate` returns the
    generation params, the cleaned boxes, `model_draws_text` and `generation_prompt` (what is sent:
    the prompt, plus the quoted lines when the model draws them)."""

    n = serializers.IntegerField(required=False, min_value=1, max_value=1, help_text="One picture per job.",
                                 error_messages={k: ONE_PICTURE for k in ("invalid", "min_value", "max_value")})
    boxes = _JsonListField(help_text=f"1-{MAX_BOXES} boxes inside the picture's size: [{{{BOXES_HELP}}}]")
    model_draws_text = FormBooleanField(default=False, help_text=(
        "Qwen-Image models only: put the lines (quoted, with rough positions) in the prompt and let the model "
        "draw them; nothing is placed, the read-back shows how well it did."))

    def validate(self, attrs):
        params = super().validate({**attrs, "n": 1})  # one base picture per job: the text is placed on it
        boxes = boxes_clean(attrs["boxes"])
        points_inside_check({"boxes": boxes}, (params["width"], params["height"]))
        spec = backends.spec_get(params["model"])
        draws = attrs["model_draws_text"]
        if draws and not model_draws_text_offered(spec):
            raise serializers.ValidationError({"model_draws_text": _(
                "Only Qwen-Image models can draw the text themselves; choose one, or let the studio place the text.")},
                code="invalid")
        generation_prompt = params["prompt"]
        if draws:
            generation_prompt = text_prompt(params["prompt"], boxes, params["width"], params["height"])
            problems = catalog.validate(spec, request_from_params({**params, "prompt": generation_prompt}))
            if problems:
                raise serializers.ValidationError({"prompt": [ErrorDetail(
                    _("With the text lines added to it: %(problem)s") % {"problem": backends.problem_message(p)},
                    code=p.code) for p in problems]})
        return {**params, "boxes": boxes, "model_draws_text": draws, "generation_prompt": generation_prompt}
