"""Fitting text into a box or quad and drawing it.

For each box: the quad's rectified size is W x H (mean of opposite edges). The text is laid out in a
W x H layer at the largest font size whose ink fits inside a small margin: horizontal text wraps
greedily between words (Latin) or characters (CJK; closing punctuation stays with the character
before it, opening punctuation with the one after), vertical text fills columns top to bottom,
right to left. The layer is then pasted (axis-aligned box) or perspective-warped into the quad.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import replace

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from ml.text import fonts
from ml.text.types import ALIGNS, Placement, TextBox, TextError

MIN_SIZE = 12   # px: smaller text is not reliably legible (nor readable back by OCR)
LINE_PITCH = 1.25   # baseline-to-baseline distance, in font sizes
COLUMN_PITCH = 1.2  # vertical text: column distance
CHAR_ADVANCE = 1.04  # vertical text: character distance
MAX_BOX_FRACTION = 0.01  # a box may stick out of the image by this share of its size (rounding)

_CLOSING = set("，。、；：！？）》」』】〉”’,.;:!?)]}%…·～")
_OPENING = set("（《「『【〈“‘([{¥$")


def is_cjk(ch: str) -> bool:
    code = ord(ch)
    return (0x3000 <= code <= 0x30FF or 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF
            or 0xFF00 <= code <= 0xFFEF or 0x20000 <= code <= 0x2FA1F)


def has_cjk(text: str) -> bool:
    return any(is_cjk(ch) for ch in text)


def parse_color(color: str) -> tuple[int, int, int]:
    value = str(color).strip()
    if re.fullmatch(r"#[0-9a-fA-F]{6}", value):
        return tuple(int(value[i:i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]
    if re.fullmatch(r"#[0-9a-fA-F]{3}", value):
        return tuple(int(c * 2, 16) for c in value[1:])  # type: ignore[return-value]
    raise TextError("bad_color", f"colour {color!r} is not of the form #rrggbb", color=str(color))


def hex_color(rgb) -> str:
    return "#" + "".join(f"{int(round(c)):02x}" for c in rgb[:3])


def luminance(rgb) -> np.ndarray | float:
    """WCAG relative luminance of sRGB values 0..255 (arrays broadcast over the last axis)."""
    c = np.asarray(rgb, dtype=np.float64) / 255.0
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return lin[..., 0] * 0.2126 + lin[..., 1] * 0.7152 + lin[..., 2] * 0.0722


def contrast(l1, l2):
    hi, lo = np.maximum(l1, l2), np.minimum(l1, l2)
    return (hi + 0.05) / (lo + 0.05)


# --- geometry -----------------------------------------------------------------------------------

def _signed_area(quad) -> float:
    return 0.5 * sum(quad[i][0] * quad[(i + 1) % 4][1] - quad[(i + 1) % 4][0] * quad[i][1] for i in range(4))


def _convex(quad) -> bool:
    signs = []
    for i in range(4):
        ax, ay = quad[i]
        bx, by = quad[(i + 1) % 4]
        cx, cy = quad[(i + 2) % 4]
        signs.append((bx - ax) * (cy - by) - (by - ay) * (cx - bx))
    return all(s > 0 for s in signs) or all(s < 0 for s in signs)


def rectified_size(quad) -> tuple[int, int]:
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = quad
    width = (math.hypot(x1 - x0, y1 - y0) + math.hypot(x2 - x3, y2 - y3)) / 2
    height = (math.hypot(x3 - x0, y3 - y0) + math.hypot(x2 - x1, y2 - y1)) / 2
    return max(1, int(round(width))), max(1, int(round(height)))


def is_axis_aligned(quad, tol: float = 0.01) -> bool:
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = quad
    return (abs(y0 - y1) <= tol and abs(y2 - y3) <= tol and abs(x0 - x3) <= tol and abs(x1 - x2) <= tol
            and x1 > x0 and y3 > y0)


def check_box(quad, size: tuple[int, int], index: int = 0):
    """A clockwise, convex quad inside the image (counter-clockwise input is turned around)."""
    if _signed_area(quad) < 0:
        quad = (quad[0], quad[3], quad[2], quad[1])
    if abs(_signed_area(quad)) < 16 or not _convex(quad):
        raise TextError("bad_box", f"box {index + 1} is not a convex four-cornered shape of a few pixels or more",
                        index=index)
    width, height = size
    bw, bh = rectified_size(quad)
    tol = max(2.0, MAX_BOX_FRACTION * max(bw, bh))
    if any(x < -tol or y < -tol or x > width + tol or y > height + tol for x, y in quad):
        raise TextError("box_outside", f"box {index + 1} is not inside the image ({width}x{height})", index=index)
    return tuple((min(max(x, 0.0), float(width)), min(max(y, 0.0), float(height))) for x, y in quad)


# --- layout -------------------------------------------------------------------------------------

def tokens(text: str) -> list[str]:
    """Break opportunities: Latin words (with digits and inner punctuation) stay whole, each CJK
    character is its own token, spaces are tokens of their own; closing punctuation sticks to the
    token before, opening punctuation to the one after."""
    raw: list[str] = []
    for match in re.finditer(r"\s+|[^\s]", text):
        piece = match.group()
        if piece.isspace():
            raw.append(" ")
        elif is_cjk(piece) or not raw or raw[-1] == " " or is_cjk(raw[-1][-1]) or raw[-1][-1] in _OPENING:
            raw.append(piece)
        else:
            raw[-1] += piece
    out: list[str] = []
    pending_open = ""
    for tok in raw:
        if tok != " " and all(ch in _CLOSING for ch in tok) and out and out[-1] != " ":
            out[-1] += tok
            continue
        if tok != " " and all(ch in _OPENING for ch in tok):
            pending_open += tok
            continue
        if pending_open:
            tok, pending_open = pending_open + tok, ""
        out.append(tok)
    if pending_open:
        out.append(pending_open)
    # A Latin token directly after an opening-punctuation CJK run was merged above; CJK + Latin
    # without space (e.g. "第2展厅") stay separate tokens: a break may fall between them.
    return out


def wrap(text: str, measure, width: float) -> list[str] | None:
    """Greedy wrapping; None when one token alone is wider than `width`."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for tok in tokens(paragraph.strip()):
            if tok == " ":
                if line:
                    line += " "
                continue
            candidate = line + tok
            if measure(candidate.rstrip()) <= width or not line.strip():
                if measure(tok) > width:
                    return None
                line = candidate
            else:
                lines.append(line.rstrip())
                line = tok
        lines.append(line.rstrip())
    return lines


class _Layout:
    """Positions of every line (horizontal) or character (vertical) in the W x H layer."""

    def __init__(self, size, font, stroke, items, ink):
        self.size, self.font, self.stroke, self.items, self.ink = size, font, stroke, items, ink


def _stroke_width(size: int, outline: bool) -> int:
    return max(1, round(size * 0.06)) if outline else 0


def _horizontal(box: TextBox, font_file, size: int, width: int, height: int, margin: int):
    font = fonts.load(font_file, size)
    stroke = _stroke_width(size, box.outline)

    def measure(s: str) -> float:
        if not s:
            return 0.0
        left, _top, right, _bottom = font.getbbox(s, anchor="ls", stroke_width=stroke)
        return right - left

    avail_w, avail_h = width - 2 * margin, height - 2 * margin
    lines = wrap(box.text, measure, avail_w)
    if lines is None:
        return None
    pitch = size * LINE_PITCH
    boxes = []
    for i, line in enumerate(lines):
        if line:
            left, top, right, bottom = font.getbbox(line, anchor="ls", stroke_width=stroke)
        else:
            left = right = 0
            top, bottom = -0.8 * size, 0.1 * size
        boxes.append((left, top + i * pitch, right, bottom + i * pitch))
    top = min(b[1] for b in boxes)
    bottom = max(b[3] for b in boxes)
    if bottom - top > avail_h or max(b[2] - b[0] for b in boxes) > avail_w:
        return None
    oy = margin + (avail_h - (bottom - top)) / 2 - top
    items = []
    for i, (line, (left, _t, right, _b)) in enumerate(zip(lines, boxes)):
        ink_w = right - left
        if box.align == "left":
            ox = margin - left
        elif box.align == "right":
            ox = width - margin - ink_w - left
        else:
            ox = margin + (avail_w - ink_w) / 2 - left
        items.append((line, ox, oy + i * pitch))
    return _Layout(size, font, stroke, items, (top, bottom)), lines


def _vertical(box: TextBox, font_file, size: int, width: int, height: int, margin: int):
    font = fonts.load(font_file, size)
    stroke = _stroke_width(size, box.outline)
    avail_w, avail_h = width - 2 * margin, height - 2 * margin
    advance = size * CHAR_ADVANCE
    per_column = int((avail_h + (advance - size)) // advance)
    if per_column < 1:
        return None
    columns: list[str] = []
    for paragraph in box.text.split("\n"):
        chars = [ch for ch in paragraph if not ch.isspace()]
        if not chars:
            columns.append("")
        for start in range(0, len(chars), per_column):
            columns.append("".join(chars[start:start + per_column]))
    col_pitch = size * COLUMN_PITCH
    block_w = (len(columns) - 1) * col_pitch + size + 2 * stroke
    if block_w > avail_w:
        return None
    longest = max(len(c) for c in columns)
    block_h = (longest - 1) * advance + size
    if block_h > avail_h:
        return None
    if box.align == "left":
        right_edge = margin + block_w
    elif box.align == "right":
        right_edge = width - margin
    else:
        right_edge = margin + (avail_w + block_w) / 2
    y0 = margin + (avail_h - block_h) / 2
    items = []
    for c, column in enumerate(columns):
        cx = right_edge - stroke - size / 2 - c * col_pitch
        for r, ch in enumerate(column):
            # each character centred in its em cell
            items.append((ch, cx, y0 + r * advance + size / 2))
    return _Layout(size, font, stroke, items, None), columns


def fit(box: TextBox, font_file, width: int, height: int, *, min_size: int = MIN_SIZE, index: int = 0):
    """(layout, lines) at the largest size that fits; TextError("too_long") when even `min_size`
    does not."""
    margin = max(1, round(0.06 * min(width, height)))
    arrange = _vertical if box.vertical else _horizontal
    hi = int(min(height, width * 1.0 if box.vertical else height) * 1.2) + 1
    if box.max_size:
        hi = min(hi, int(box.max_size))
    lo = int(min_size)
    if hi < lo or arrange(box, font_file, lo, width, height, margin) is None:
        raise TextError("too_long", f"the text of box {index + 1} does not fit at the smallest legible size "
                        f"({min_size} px): make the box larger or the text shorter", index=index, min_size=min_size)
    best = lo
    while lo <= hi:  # largest size that fits (fitting is monotone up to wrapping quirks)
        mid = (lo + hi) // 2
        if arrange(box, font_file, mid, width, height, margin) is not None:
            best, lo = mid, mid + 1
        else:
            hi = mid - 1
    for size in range(best + 1, min(best + 4, int(box.max_size or 10 ** 6) + 1)):
        if arrange(box, font_file, size, width, height, margin) is not None:
            best = size
    return arrange(box, font_file, best, width, height, margin)


# --- colours ------------------------------------------------------------------------------------

def quad_mask(quad, size: tuple[int, int]) -> np.ndarray:
    mask = Image.new("L", size, 0)
    ImageDraw.Draw(mask).polygon([tuple(p) for p in quad], fill=255)
    return np.asarray(mask) > 0


def auto_color(image_rgb: np.ndarray, quad) -> tuple[tuple[int, int, int], bool]:
    """Near-black or white, whichever contrasts more with the background under the quad, and
    whether an outline is needed because part of the background is too close to that colour."""
    h, w = image_rgb.shape[:2]
    mask = quad_mask(quad, (w, h))
    pixels = image_rgb[mask] if mask.any() else image_rgb.reshape(-1, 3)
    lum = luminance(pixels)
    dark, light = (26, 26, 26), (255, 255, 255)
    l_dark, l_light = luminance(dark), luminance(light)
    med = float(np.median(lum))
    color = dark if contrast(med, l_dark) >= contrast(med, l_light) else light
    poor = float(np.mean(contrast(lum, luminance(color)) < 3.0))
    return color, poor > 0.08


def _opposite(rgb) -> tuple[int, int, int]:
    return (255, 255, 255) if luminance(rgb) < 0.35 else (20, 20, 20)


# --- drawing ------------------------------------------------------------------------------------

def _draw_layer(layout: _Layout, width: int, height: int, fill, vertical: bool, shadow: bool, stroke_colour=None):
    layer = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    stroke_fill = tuple(stroke_colour or _opposite(fill)) + (255,)

    def draw_text(draw, dx, dy, colour, with_stroke=True):
        for text, x, y in layout.items:
            if not text:
                continue
            kwargs = {"stroke_width": layout.stroke, "stroke_fill": stroke_fill} if with_stroke and layout.stroke else {}
            anchor = "mm" if vertical else "ls"
            draw.text((x + dx, y + dy), text, font=layout.font, fill=colour, anchor=anchor, **kwargs)

    if shadow:
        offset = max(1, round(layout.size * 0.06))
        shade = Image.new("RGBA", (width, height), (0, 0, 0, 0))
        tone = (0, 0, 0) if luminance(fill) > 0.2 else (255, 255, 255)
        draw_text(ImageDraw.Draw(shade), offset, offset, tone + (150,), with_stroke=True)
        shade = shade.filter(ImageFilter.GaussianBlur(max(1.0, offset * 0.6)))
        layer = Image.alpha_composite(layer, shade)
    draw_text(ImageDraw.Draw(layer), 0, 0, tuple(fill) + (255,))
    return layer


def _composite(base: Image.Image, layer: Image.Image, quad) -> Image.Image:
    width, height = layer.size
    if is_axis_aligned(quad) and abs((quad[1][0] - quad[0][0]) - width) < 1 and abs((quad[3][1] - quad[0][1]) - height) < 1:
        x0, y0 = int(round(quad[0][0])), int(round(quad[0][1]))
        base.alpha_composite(layer, (x0, y0))
        return base
    import cv2

    xs = [p[0] for p in quad]
    ys = [p[1] for p in quad]
    bx0, by0 = max(0, int(math.floor(min(xs))) - 1), max(0, int(math.floor(min(ys))) - 1)
    bx1, by1 = min(base.width, int(math.ceil(max(xs))) + 1), min(base.height, int(math.ceil(max(ys))) + 1)
    src = np.float32([[0, 0], [width, 0], [width, height], [0, height]])
    dst = np.float32([[x - bx0, y - by0] for x, y in quad])
    matrix = cv2.getPerspectiveTransform(src, dst)
    rgba = np.asarray(layer).astype(np.float32)
    alpha = rgba[..., 3:4] / 255.0
    premult = np.concatenate([rgba[..., :3] * alpha, alpha * 255.0], axis=-1)
    warped = cv2.warpPerspective(premult, matrix, (bx1 - bx0, by1 - by0), flags=cv2.INTER_LINEAR,
                                 borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    a = warped[..., 3:4] / 255.0
    region = np.asarray(base.crop((bx0, by0, bx1, by1))).astype(np.float32)
    out = region.copy()
    out[..., :3] = warped[..., :3] + region[..., :3] * (1 - a)
    out[..., 3:4] = 255.0 * (a + region[..., 3:4] / 255.0 * (1 - a))
    base.paste(Image.fromarray(np.clip(out + 0.5, 0, 255).astype(np.uint8), "RGBA"), (bx0, by0))
    return base


@functools.lru_cache(maxsize=16)
def _notdef(path: str, index: int) -> tuple:
    mask = fonts.load(fonts.FontFile("", path, index, False), 24).getmask("\U0010FFFD")
    return mask.size, bytes(mask)


def missing_chars(font_file, text: str) -> list[str]:
    """Characters of `text` the font draws as its "missing glyph" box."""
    font = fonts.load(font_file, 24)
    notdef = _notdef(font_file.path, font_file.index)
    out = []
    for ch in dict.fromkeys(text):
        if ch.isspace() or ord(ch) < 0x20 or 0x200B <= ord(ch) <= 0x200F or ch == "\ufeff":
            continue
        mask = font.getmask(ch)
        if (mask.size, bytes(mask)) == notdef:
            out.append(ch)
    return out


def _validate(box: TextBox, index: int) -> None:
    if not box.text or not box.text.strip():
        raise TextError("empty_text", f"box {index + 1} has no text", index=index)
    if box.align not in ALIGNS:
        raise TextError("bad_option", f"alignment {box.align!r} is not one of {', '.join(ALIGNS)}", index=index)
    if box.font not in fonts.FONTS:
        raise TextError("bad_option", f"unknown font {box.font!r}; choose one of {', '.join(fonts.FONTS)}",
                        index=index)
    if box.color is not None:
        parse_color(box.color)
    if box.outline_color is not None:
        parse_color(box.outline_color)


def place_text_detailed(image: Image.Image, boxes: list[TextBox], *, min_size: int = MIN_SIZE,
                        font_dirs=None) -> tuple[Image.Image, list[Placement]]:
    """Like place_text, and also how each box was filled. Every box is checked before anything
    is drawn, so an error leaves nothing half done."""
    mode = "RGBA" if image.mode in ("RGBA", "LA", "PA") else "RGB"
    base = image.convert("RGBA")
    rgb = np.asarray(image.convert("RGB"))
    plans = []
    for i, box in enumerate(boxes):
        if not isinstance(box, TextBox):
            box = TextBox.from_dict(box)
        _validate(box, i)
        quad = check_box(box.quad, base.size, i)
        face = box.font if not has_cjk(box.text) else fonts.cjk_counterpart(box.font)
        font_file = fonts.resolve(face, font_dirs)
        missing = missing_chars(font_file, box.text)
        if missing:
            raise TextError("unsupported_chars", f"the font of box {i + 1} has no glyph for: {' '.join(missing)}",
                            index=i, chars=missing)
        width, height = rectified_size(quad)
        layout, lines = fit(box, font_file, width, height, min_size=min_size, index=i)
        plans.append((box, quad, font_file, width, height, layout, lines))
    placements = []
    for box, quad, font_file, width, height, layout, lines in plans:
        if box.color is None:
            fill, needs_outline = auto_color(rgb, quad)
            if needs_outline and not box.outline:
                # automatic contrast: a busy background gets an outline too, when the text still fits
                try:
                    layout, lines = fit(replace(box, outline=True), font_file, width, height, min_size=min_size)
                except TextError:
                    pass
        else:
            fill = parse_color(box.color)
        stroke_colour = parse_color(box.outline_color) if box.outline_color else None
        layer = _draw_layer(layout, width, height, fill, box.vertical, box.shadow, stroke_colour)
        base = _composite(base, layer, quad)
        placements.append(Placement(box=box, size=layout.size, lines=list(lines), color=hex_color(fill),
                                    font_file=font_file.path, outline=layout.stroke > 0))
    return base.convert(mode), placements


def preview_box(image: Image.Image, box: TextBox | dict, *, index: int = 0, min_size: int = MIN_SIZE,
                font_dirs=None) -> tuple[Image.Image, tuple[int, int, int, int], Placement]:
    """What place_text_detailed(image, [box]) makes of the pixels round one box, computed on a crop
    of the image round that box alone (a preview has to be quick on a 12-megapixel photo): (the
    region's pixels with the text, the region (x0, y0, x1, y1) in the image, the placement). Every
    choice the renderer makes (automatic colour, added outline, size, wrapping) reads only the
    pixels under the box and its size, so the region is exactly the full render's."""
    if not isinstance(box, TextBox):
        box = TextBox.from_dict(box)
    try:
        _validate(box, index)
        quad = check_box(box.quad, image.size, index)
        xs, ys = [p[0] for p in quad], [p[1] for p in quad]
        # an even shift: round() ties to even, so the crop's roundings are the full image's
        x0 = max(0, math.floor(min(xs)) - 2)
        y0 = max(0, math.floor(min(ys)) - 2)
        x0, y0 = x0 - x0 % 2, y0 - y0 % 2
        x1 = min(image.width, math.ceil(max(xs)) + 2)
        y1 = min(image.height, math.ceil(max(ys)) + 2)
        shifted = replace(box, quad=tuple((x - x0, y - y0) for x, y in quad))
        out, placements = place_text_detailed(image.crop((x0, y0, x1, y1)), [shifted], min_size=min_size,
                                              font_dirs=font_dirs)
    except TextError as exc:
        if "index" in exc.extra:
            exc.extra["index"] = index
        raise
    return out, (x0, y0, x1, y1), replace(placements[0], box=box)


def place_text(image: Image.Image, boxes: list[TextBox], *, min_size: int = MIN_SIZE, font_dirs=None) -> Image.Image:
    """Draws every box's text into `image` (a new image is returned; the input is not changed)."""
    return place_text_detailed(image, boxes, min_size=min_size, font_dirs=font_dirs)[0]
