"""Replacing one line of text in a matching style.

estimate_style looks at the glyph pixels of the line (ml.text.inpaint.glyph_mask): their colour
(median of the stroke cores), the background around them, the font size that gives their ink
height, the weight (stroke thickness relative to size) and the slant of the quad. modify_text removes
the old glyphs (their mask, filled as remove_text does) and draws the new text into the same quad
with that colour, at most that size, bold when the old line was bold; the perspective warp into the
quad keeps the slant. Under the new letters the fill is the smooth membrane (texture or copied pieces
of the photo would compete with the strokes); where the old line was longer, it is the full fill.
"""

from __future__ import annotations

import math

import numpy as np
from PIL import Image

from ml.text.inpaint import COLOUR_TOL, _palette, fill_layers, glyph_mask_colours, membrane_fill
from ml.text.readback import rectify
from ml.text.render import MIN_SIZE, contrast, hex_color, luminance, parse_color, place_text
from ml.text.types import TextBox, TextError, TextStyle, quad_from

INK_TO_SIZE = 0.88   # ink height of a typical line / font size (Noto CJK and DejaVu)
NEW_TEXT_CLEAR = 3   # the fill under the new letters and this many pixels round them is the membrane's alone
SAME_STYLE_GROW = 3  # pixels of the old line's colours elsewhere, grown by this, are never copied into the fill
BOLD_RATIO = 0.13    # stroke width (less 1 px of anti-aliasing) / font size above which a line is bold


def _ink_height(profile: np.ndarray) -> int:
    """Height of the run of inked rows around the line's middle (ink of neighbouring lines that
    reaches into a loose OCR box is left out)."""
    if profile.max() <= 0:
        return 0
    inked = profile > 0.12 * profile.max()
    rows = np.flatnonzero(inked)
    mid = len(profile) // 2
    centre = rows[np.argmin(np.abs(rows - mid))]
    top = bottom = centre
    gap = max(2, len(profile) // 12)
    while top > 0 and inked[max(0, top - gap):top].any():
        top -= 1
    while bottom < len(profile) - 1 and inked[bottom + 1:bottom + 1 + gap].any():
        bottom += 1
    return int(bottom - top + 1)


def estimate_style(image: Image.Image, quad) -> TextStyle:
    return _estimate(image, quad)[0]


def _estimate(image: Image.Image, quad) -> tuple[TextStyle, np.ndarray]:
    """(the style, the glyph mask it was read from: modify_text removes those pixels)."""
    from scipy import ndimage

    quad = quad_from(quad)
    rgb = np.asarray(image.convert("RGB"))
    glyphs, colours = glyph_mask_colours(rgb, quad)
    (x0, y0), (x1, y1) = quad[0], quad[1]
    angle = math.degrees(math.atan2(y1 - y0, x1 - x0))
    if glyphs.sum() < 8:
        raise TextError("empty_mask", "no text was found in that line", quad=[list(p) for p in quad])
    # everything but the size is read in a box around the glyphs (a whole photo is slow to scan)
    ys, xs = np.nonzero(glyphs)
    box = (slice(max(0, ys.min() - 6), ys.max() + 7), slice(max(0, xs.min() - 6), xs.max() + 7))
    inked, crop = glyphs[box], rgb[box]
    pixels = crop.astype(np.float64)
    # candidate colours: those the mask found, and the dominant colours of the glyph pixels (a
    # neighbouring line of the same colour can hide the text colour from the mask's rim test)
    colours = list(colours) + _palette(crop[inked].astype(np.float64), 3)
    depth = ndimage.distance_transform_edt(inked)
    color, outline, best_depth = None, None, -1.0
    # of the glyph colours, the fill is the one deepest inside the strokes; another is an outline
    for colour in colours:
        close = inked & (np.abs(pixels - colour).max(axis=2) < 40)
        if close.sum() < 8:
            continue
        d = float(np.median(depth[close]))
        if d > best_depth:
            if color is not None:
                outline = color
            color, best_depth = np.median(crop[close], axis=0), d
        elif outline is None:
            outline = np.median(crop[close], axis=0)
    if outline is not None and color is not None:
        # an outline is a distinct colour (not an anti-aliased edge or a shadow's blur) on a good share
        # of the glyph pixels
        close = inked & (np.abs(pixels - outline).max(axis=2) < 40)
        ratio = float(contrast(luminance(color), luminance(outline)))
        if ratio < 2.5 or close.sum() < 0.2 * inked.sum():
            outline = None
    if color is None:
        core = ndimage.binary_erosion(inked)
        color = np.median(crop[core] if core.sum() >= 8 else crop[inked], axis=0)
    ring = ndimage.binary_dilation(inked, iterations=4) & ~ndimage.binary_dilation(inked, iterations=2)
    background = np.median(crop[ring], axis=0) if ring.any() else 255 - color
    # size from the ink height in the line's own (rectified) frame
    flat = rectify(glyphs.astype(np.uint8)[..., None].repeat(3, axis=2) * 255, quad)[..., 0] > 127
    profile = flat.mean(axis=1)
    ink_h = _ink_height(profile) or flat.shape[0] * 0.6
    size = max(6, int(round(ink_h / INK_TO_SIZE)))
    distance = ndimage.distance_transform_edt(flat)
    skeleton = distance[(distance >= ndimage.maximum_filter(distance, size=3)) & (distance > 0)]
    stroke = 2 * float(np.median(skeleton)) if skeleton.size else 1.0
    return TextStyle(color=hex_color(color), background=hex_color(background), size=size,
                     bold=(stroke - 1) / size > BOLD_RATIO, angle=round(angle, 2),
                     outline=hex_color(outline) if outline is not None else None), glyphs


def _same_style(rgb: np.ndarray, style: TextStyle, mask: np.ndarray) -> np.ndarray:
    """Pixels outside `mask` in the old line's text or outline colour, grown a little: the other
    lines of a sign, which the fill must not copy (a copied piece of the line above put its last
    character back into the replaced one)."""
    import cv2

    colours = [style.color] + ([style.outline] if style.outline else [])
    near = np.zeros(mask.shape, bool)
    for colour in colours:
        near |= (np.abs(rgb.astype(np.int16) - np.int16(parse_color(colour))).max(axis=2) <= COLOUR_TOL)
    side = 2 * SAME_STYLE_GROW + 1
    return (cv2.dilate(near.astype(np.uint8), np.ones((side, side), np.uint8)) > 0) & ~mask


def modify_text(image: Image.Image, line_quad, new_text: str, *, font: str | None = None,
                color: str | None = None, font_dirs=None, style: TextStyle | None = None,
                learned=None) -> Image.Image:
    """The image with the line inside `line_quad` replaced by `new_text` (a new image). `learned`: a
    network that fills the old line where the new one does not cover it (ml.text.lama)."""
    if not new_text or not new_text.strip():
        raise TextError("empty_text", "the new text is empty")
    quad = quad_from(line_quad)
    import cv2

    if style is None:
        style, glyphs = _estimate(image, quad)
    else:
        glyphs = glyph_mask_colours(np.asarray(image.convert("RGB")), quad)[0]
    glyphs = glyphs.astype(np.uint8) * 255
    mask = cv2.dilate(glyphs, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (7, 7))) > 127
    rgb = np.asarray(image.convert("RGB"))
    if not mask.any():
        textured = smooth = rgb
    elif learned is not None:
        textured = learned.fill(rgb, mask)
        smooth = np.clip(membrane_fill(rgb, mask) + 0.5, 0, 255).astype(np.uint8)
    else:
        textured, smooth = fill_layers(rgb, mask, avoid=_same_style(rgb, style, mask))
    face = font or ("sans-bold" if style.bold else "sans")
    box = TextBox(quad=quad, text=new_text, font=face, color=color or style.color, align="center",
                  max_size=style.size, outline=style.outline is not None, outline_color=style.outline)
    drawn = np.asarray(place_text(Image.fromarray(smooth), [box], min_size=max(6, min(MIN_SIZE, int(style.size * 0.6))),
                                  font_dirs=font_dirs))
    # the new letters and a few pixels round them sit on the membrane's smooth fill: texture or a
    # copied piece of the photo there competes with the strokes (a lock of hair copied under "店" hid
    # it from OCR); where the old line was longer than the new one, the full fill stays
    letters = cv2.dilate((drawn != smooth).any(axis=2).astype(np.uint8), np.ones((2 * NEW_TEXT_CLEAR + 1,) * 2, np.uint8))
    return Image.fromarray(np.ascontiguousarray(np.where(letters[..., None] > 0, drawn, textured)), "RGB")
