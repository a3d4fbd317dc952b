"""Replacing one line of text in a matching style.

estimate_style looks at the glyph pixels of the line (ml.text.inpaint.glyph_mask): their colour
(median of the stroke cores), the background around them, the font size that gives their ink
height, the weight (stroke thickness relative to size) and the slant of the quad. modify_text removes
the old glyphs (text_mask + remove_text) and draws the new text into the same quad with that colour,
at most that size, bold when the old line was bold; the perspective warp into the quad keeps the slant.
"""

from __future__ import annotations

import math

import numpy as np
from PIL import Image

from ml.text.inpaint import glyph_mask, remove_text
from ml.text.readback import rectify
from ml.text.render import MIN_SIZE, hex_color, place_text
from ml.text.types import TextBox, TextError, TextStyle, quad_from

INK_TO_SIZE = 0.88   # ink height of a typical line / font size (Noto CJK and DejaVu)
BOLD_RATIO = 0.085   # stroke width / font size above which a line counts as bold


def estimate_style(image: Image.Image, quad) -> TextStyle:
    from scipy import ndimage

    quad = quad_from(quad)
    rgb = np.asarray(image.convert("RGB"))
    glyphs = glyph_mask(rgb, quad)
    (x0, y0), (x1, y1) = quad[0], quad[1]
    angle = math.degrees(math.atan2(y1 - y0, x1 - x0))
    if glyphs.sum() < 8:
        raise TextError("empty_mask", "no text was found in that line", quad=[list(p) for p in quad])
    core = ndimage.binary_erosion(glyphs)
    pixels = rgb[core] if core.sum() >= 8 else rgb[glyphs]
    color = np.median(pixels, axis=0)
    ring = ndimage.binary_dilation(glyphs, iterations=4) & ~ndimage.binary_dilation(glyphs, iterations=2)
    background = np.median(rgb[ring], axis=0) if ring.any() else 255 - color
    # size from the ink height in the line's own (rectified) frame
    flat = rectify(glyphs.astype(np.uint8)[..., None].repeat(3, axis=2) * 255, quad)[..., 0] > 127
    rows = np.flatnonzero(flat.mean(axis=1) > 0.01)
    ink_h = (rows[-1] - rows[0] + 1) if rows.size else flat.shape[0] * 0.6
    size = max(6, int(round(ink_h / INK_TO_SIZE)))
    distance = ndimage.distance_transform_edt(flat)
    skeleton = distance[(distance >= ndimage.maximum_filter(distance, size=3)) & (distance > 0)]
    stroke = 2 * float(np.median(skeleton)) if skeleton.size else 1.0
    return TextStyle(color=hex_color(color), background=hex_color(background), size=size,
                     bold=stroke / size > BOLD_RATIO, angle=round(angle, 2))


def modify_text(image: Image.Image, line_quad, new_text: str, *, font: str | None = None,
                color: str | None = None, font_dirs=None, style: TextStyle | None = None) -> Image.Image:
    """The image with the line inside `line_quad` replaced by `new_text` (a new image)."""
    if not new_text or not new_text.strip():
        raise TextError("empty_text", "the new text is empty")
    quad = quad_from(line_quad)
    style = style or estimate_style(image, quad)
    import cv2

    rgb = np.asarray(image.convert("RGB"))
    glyphs = glyph_mask(rgb, quad).astype(np.uint8) * 255
    mask = cv2.dilate(glyphs, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (7, 7)))
    cleaned = remove_text(image, Image.fromarray(mask, "L"))
    face = font or ("sans-bold" if style.bold else "sans")
    box = TextBox(quad=quad, text=new_text, font=face, color=color or style.color, align="center",
                  max_size=style.size)
    return place_text(cleaned, [box], min_size=max(6, min(MIN_SIZE, int(style.size * 0.6))), font_dirs=font_dirs)
