"""Validation of the "Text in images" parameters (add, modify, remove, find lines, generate with text),
shared by the page and the API. Shapes are checked here; that every point lies inside the image is
checked per image by `points_inside_check` (the service runs it once the image's size is known)."""

from __future__ import annotations

import json
import math
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from gallery.images import OUTPUT_FORMATS
from generation import backends
from generation.params import generation_params_clean, request_from_params
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
FORMAT_CHOICES = ("same", *OUTPUT_FORMATS)


def _json_list(data, key: str) -> list:
    value = data.get(key)
    if isinstance(value, str):
        value = value.strip()
        if not value:
            value = None
        else:
            try:
                value = json.loads(value)
            except ValueError:
                raise ValidationError({key: _("This must be a JSON list.")}, code="invalid") from None
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValidationError({key: _("This must be a JSON list.")}, code="invalid")
    return value


def _number(value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError
    number = float(value)
    if not math.isfinite(number):
        raise ValueError
    return number


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


def _flag(value) -> bool:
    if isinstance(value, str):
        return value.lower() in ("1", "true", "on", "yes")
    return bool(value)


def _output(data) -> dict:
    """The result's format and quality, with the rules of crop and resize."""
    fmt = str(data.get("format") or "same")
    fmt = fmt if fmt == "same" else fmt.upper()
    if fmt == "JPG":
        fmt = "JPEG"
    if fmt not in FORMAT_CHOICES:
        raise ValidationError({"format": _("Choose PNG, JPEG or WebP.")}, code="invalid")
    raw = data.get("quality")
    try:
        if isinstance(raw, bool):
            raise ValueError
        quality = 92 if raw in (None, "") else int(raw)
    except (TypeError, ValueError):
        raise ValidationError({"quality": _("Enter a number.")}, code="invalid") from None
    if not 1 <= quality <= 100:
        raise ValidationError({"quality": _("Quality must be between 1 and 100.")}, code="invalid")
    return {"format": fmt, "quality": quality}


def _count(items: list, *, empty: str, most: int, too_many: str) -> None:
    if not items:
        raise ValidationError(empty, code="no_boxes")
    if len(items) > most:
        raise ValidationError(too_many % {"n": most}, code="too_many_boxes")


def text_add_params_clean(data, *, first_number: int = 1) -> dict:
    """`first_number`: how the first box is named in messages (a preview of box 3 alone says "Box 3")."""
    boxes = _json_list(data, "boxes")
    _count(boxes, empty=_("Draw at least one box and type its text."), most=MAX_BOXES,
           too_many=_("At most %(n)d boxes at once."))
    cleaned = []
    for number, raw in enumerate(boxes, start=first_number):
        label = _("Box %(n)d") % {"n": number}
        if not isinstance(raw, dict):
            raise ValidationError(_("%(label)s must be an object with a quad and a text.") % {"label": label}, code="bad_box")
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
        cleaned.append({
            "quad": quad_clean(raw, label=label),
            "text": _text(raw.get("text"), label=label),
            "font": _font(raw.get("font"), label=label),
            "color": colour_clean(raw.get("color"), label=label),
            "align": _choice(raw.get("align"), ALIGNS, "center", label=label, field=_("alignment")),
            "vertical": _flag(raw.get("vertical")),
            "outline": _flag(raw.get("outline")),
            "shadow": _flag(raw.get("shadow")),
            "max_size": max_size,
        })
    return {"boxes": cleaned, **_output(data)}


def text_modify_params_clean(data) -> dict:
    edits = _json_list(data, "edits")
    _count(edits, empty=_("Click a line of text and type what it should say."), most=MAX_BOXES,
           too_many=_("At most %(n)d lines at once."))
    cleaned = []
    for number, raw in enumerate(edits, start=1):
        label = _("Line %(n)d") % {"n": number}
        if not isinstance(raw, dict):
            raise ValidationError(_("%(label)s must be an object with a quad and a text.") % {"label": label}, code="bad_box")
        old = raw.get("old")
        cleaned.append({
            "quad": quad_clean(raw, label=label),
            "text": _text(raw.get("text"), label=label),
            "old": str(old)[:MAX_TEXT] if old not in (None, "") else "",
            "font": _font(raw.get("font"), label=label, allow_auto=True),
            "color": colour_clean(raw.get("color"), label=label),
        })
    return {"edits": cleaned, "method": _method(data, MODIFY_METHODS), **_output(data)}


def _method(data, allowed) -> str:
    method = str(data.get("method") or "default").strip().lower()
    if method not in allowed:
        raise ValidationError({"method": _("Unknown fill method.")}, code="invalid")
    return method


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


def text_remove_params_clean(data) -> dict:
    mode = str(data.get("target") or "all").strip().lower()
    if mode not in REMOVE_MODES:
        raise ValidationError({"target": _("Choose what to remove: all, lines or region.")}, code="invalid")
    method = _method(data, REMOVAL_METHODS)
    params: dict = {"target": mode, "method": method, "lines": [], "strokes": []}
    if mode == "lines":
        lines = _json_list(data, "lines")
        _count(lines, empty=_("Click at least one line of text to remove."), most=MAX_LINES,
               too_many=_("At most %(n)d lines at once."))
        for number, raw in enumerate(lines, start=1):
            label = _("Line %(n)d") % {"n": number}
            text = raw.get("text", "") if isinstance(raw, dict) else ""
            params["lines"].append({"quad": quad_clean(raw, label=label), "text": str(text or "")[:MAX_TEXT]})
    elif mode == "region":
        strokes = _json_list(data, "strokes")
        if not strokes:
            raise ValidationError(_("Paint over the area to remove."), code="no_region")
        if len(strokes) > MAX_STROKES:
            raise ValidationError(_("At most %(n)d strokes.") % {"n": MAX_STROKES}, code="too_many_strokes")
        params["strokes"] = [_stroke_clean(raw, number=n) for n, raw in enumerate(strokes, start=1)]
    return {**params, **_output(data)}


def text_lines_params_clean(data) -> dict:
    raw = data.get("min_score")
    try:
        min_score = None if raw in (None, "") else float(raw)
    except (TypeError, ValueError):
        raise ValidationError({"min_score": _("Enter a number.")}, code="invalid") from None
    if min_score is not None and not 0 <= min_score <= 1:
        raise ValidationError({"min_score": _("The confidence threshold must be between 0 and 1.")}, code="invalid")
    return {"min_score": min_score}


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


def text_generation_params_clean(data, *, key_source_default: str) -> dict:
    """Normalised params: the generation params (one image), the cleaned boxes, `model_draws_text`,
    and `generation_prompt` (what is sent: the prompt, plus the quoted lines when the model draws
    them). Raises ValidationError with translated messages; nothing has been stored or sent."""
    data = {k: data.get(k) for k in data.keys()} if hasattr(data, "keys") else dict(data)
    if data.get("n") not in (None, "", 1, "1"):
        raise ValidationError({"n": _("Generate with text makes one picture per job.")}, code="invalid")
    data["n"] = 1  # one base picture per job: the text is placed on it
    params = generation_params_clean(data, key_source_default=key_source_default)
    boxes = text_add_params_clean({"boxes": data.get("boxes")})["boxes"]
    points_inside_check({"boxes": boxes}, (params["width"], params["height"]))
    spec = backends.spec_get(params["model"])
    draws = _flag(data.get("model_draws_text"))
    if draws and not model_draws_text_offered(spec):
        raise ValidationError({"model_draws_text": _(
            "Only Qwen-Image models can draw the text themselves; choose one, or let the studio place the text.")},
            code="invalid")
    generation_prompt = params["prompt"]
    if draws:
        generation_prompt = text_prompt(params["prompt"], boxes, params["width"], params["height"])
        problems = catalog.validate(spec, request_from_params({**params, "prompt": generation_prompt}))
        if problems:
            raise ValidationError({"prompt": [ValidationError(
                _("With the text lines added to it: %(problem)s") % {"problem": backends.problem_message(p)},
                code=p.code) for p in problems]})
    return {**params, "boxes": boxes, "model_draws_text": draws, "generation_prompt": generation_prompt}
