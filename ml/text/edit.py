"""Replacing one line of text in a matching style.

estimate_style looks at the glyph pixels of the line (ml.text.mask.glyph_mask): their colour
(median of the stroke cores), the background around them, the ink height, the weight (stroke
width relative to ink height) and the slant of the quad. Nothing is compared with fixed thresholds:
the line's own text is drawn in each face the studio ships for its script, and the face whose
drawing looks most like the line gives the family (serif or sans) and the lean; within that family,
regular or bold is the one whose stroke weight, measured the same way, is nearer; the size is the
one at which that face draws the text with the line's ink height. modify_text removes the old
glyphs (their mask, filled as remove_text does) and draws the new text into the same quad with that
colour, at most that size, in that face; the perspective warp into the quad keeps the slant. Under
the new letters the fill is the smooth membrane (texture or copied pieces of the photo would compete
with the strokes); where the old line was longer, it is the full fill.
"""

from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageDraw

from ml.text.fill import fill_layers, membrane_fill
from ml.text.mask import COLOUR_TOL, glyph_mask_colours, palette
from ml.text.readback import rectify
from ml.text import fonts
from ml.text.render import MIN_SIZE, contrast, has_cjk, hex_color, luminance, parse_color, place_text
from ml.text.types import TextBox, TextError, TextStyle, quad_from, quad_from_rect

INK_TO_SIZE = 0.88   # first guess of ink height / font size (a CJK line); the face then gives the true one
NEW_TEXT_CLEAR = 3   # the fill under the new letters and this many pixels round them is the membrane's alone
SAME_STYLE_GROW = 3  # pixels of the old line's colours elsewhere, grown by this, are never copied into the fill
SLANTS = np.linspace(-0.5, 0.5, 41)  # leans tried (tan of the angle from vertical): up to about 27°
SAMPLE_TEXT = "Hamburgefonstiv"     # the text to compare faces with when the line's own is not known


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


def _slant(flat: np.ndarray) -> float:
    """The lean of the strokes: the shear that makes the column profile of the glyphs sharpest
    (upright strokes pile up in few columns). Positive: the tops lean right, as in italics."""
    ys, xs = np.nonzero(flat)
    if len(ys) < 8:
        return 0.0
    dy = ys - ys.mean()
    scores = []
    for t in SLANTS:
        columns = np.round(xs + t * dy).astype(np.int64)
        counts = np.bincount(columns - columns.min())
        scores.append(float(np.dot(counts, counts)))
    return float(SLANTS[int(np.argmax(scores))])


def _measure(flat: np.ndarray) -> tuple[float, float, float]:
    """(stroke width / ink height, lean, ink height) of a line's glyph mask in its own upright frame."""
    ink_h = _ink_height(flat.mean(axis=1)) or flat.shape[0] * 0.6
    return _weight(flat, ink_h), _slant(flat), float(ink_h)


def _weight(flat: np.ndarray, ink_h: float | None = None) -> float:
    """Stroke width / ink height of an upright glyph mask."""
    from scipy import ndimage

    ink_h = ink_h or _ink_height(flat.mean(axis=1)) or flat.shape[0] * 0.6
    # the mean stroke width is the ink's area over the length of its strokes, and a stroke's outline
    # runs along both its sides: width = 2 x area / outline (continuous, unlike a distance map's
    # steps of whole and diagonal pixels)
    edge = flat & ~ndimage.binary_erosion(flat)
    stroke = 2.0 * float(flat.sum()) / max(1.0, float(edge.sum()))
    return stroke / ink_h


def _flat_glyphs(rgb: np.ndarray, quad) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """The glyph mask of the line in `quad` (image frame), its upright copy, and the colours found."""
    glyphs, colours = glyph_mask_colours(rgb, quad)
    flat = rectify(glyphs.astype(np.uint8)[..., None].repeat(3, axis=2) * 255, quad)[..., 0] > 127
    return glyphs, flat, colours


SHAPE_HEIGHT = 32  # rows the line and each face's drawing are scaled to before their shapes are compared


def _draw_flat(text: str, face: str, ink_h: float, font_dirs) -> np.ndarray:
    """The ink of `text` drawn in `face` at the line's ink height (the drawing's own coverage, half
    covered or more: the line's glyph mask holds its anti-aliased edge about that far)."""
    size = max(8, int(round(ink_h / INK_TO_SIZE)))
    font = fonts.load(fonts.resolve(face, font_dirs), size)
    left, top, right, bottom = font.getbbox(text)
    canvas = Image.new("L", (int(right - left) + 4, int(bottom - top) + 4), 0)
    ImageDraw.Draw(canvas).text((2 - left, 2 - top), text, font=font, fill=255)
    return np.asarray(canvas) > 127


def _shape(flat: np.ndarray, width: int | None = None) -> np.ndarray:
    """The ink of a glyph mask cropped to its box, scaled to SHAPE_HEIGHT rows (and `width` columns
    when given) and softened, zero mean and unit norm: what two drawings of one text are compared by."""
    import cv2

    ys, xs = np.nonzero(flat)
    if len(ys) == 0:
        return np.zeros((SHAPE_HEIGHT, width or SHAPE_HEIGHT))
    crop = flat[ys.min():ys.max() + 1, xs.min():xs.max() + 1].astype(np.float32)
    if width is None:
        width = max(1, int(round(crop.shape[1] * SHAPE_HEIGHT / crop.shape[0])))
    scaled = cv2.resize(crop, (width, SHAPE_HEIGHT), interpolation=cv2.INTER_AREA)
    scaled = cv2.GaussianBlur(scaled, (3, 3), 0).astype(np.float64)
    scaled -= scaled.mean()
    return scaled / (np.linalg.norm(scaled) or 1.0)


def _faces_for(text: str) -> list[str]:
    """The faces a line in `text`'s script may be in: every face of the families for that script."""
    names = ("sans", "serif") if has_cjk(text) else ("latin-sans", "latin-serif")
    return [face for name in names for face in fonts.FAMILIES[name].values()]


def _reference_weight(text: str, face: str, ink_h: float, color, background, font_dirs) -> float:
    """Stroke width / ink height of `text` drawn in `face` at the line's ink height, in its colours,
    with its glyph mask found and measured exactly as the line's was (at small sizes the mask's edge
    decides the weight, so the drawing's own coverage would not do)."""
    size = max(8, int(round(ink_h / INK_TO_SIZE)))
    font = fonts.load(fonts.resolve(face, font_dirs), size)
    left, top, right, bottom = font.getbbox(text)
    pad = max(8, size // 2)
    width, height = int(right - left) + 2 * pad, int(bottom - top) + 2 * pad
    canvas = Image.new("RGB", (width, height), tuple(int(c) for c in background))
    ImageDraw.Draw(canvas).text((pad - left, pad - top), text, font=font, fill=tuple(int(c) for c in color))
    margin = pad * 0.6
    quad = quad_from_rect(pad - margin, pad - margin, width - pad + margin, height - pad + margin)
    return _weight(_flat_glyphs(np.asarray(canvas), quad)[1])


def _match_face(text: str, flat: np.ndarray, weight: float, ink_h: float, color, background,
                font_dirs) -> tuple[str, bool, bool, int]:
    """(face, bold, italic, size) of the faces shipped for `text`'s script. The family and the lean
    are those of the face whose drawing of the same text looks most like the line; regular or bold is
    the one of that family and lean whose stroke weight, measured as the line's, is nearer; the size
    is the one at which that face draws the text with the line's ink height (a Latin face's capitals
    fill less of its size than a CJK face's characters)."""
    line = _shape(flat)
    drawn: dict[str, np.ndarray] = {}
    for face in _faces_for(text):
        try:
            drawn[face] = _draw_flat(text, face, ink_h, font_dirs)
        except TextError:  # a face that is not installed (an oblique without fonts-dejavu-extra)
            continue
    trial = max(8, int(round(ink_h / INK_TO_SIZE)))
    if not drawn:
        return ("sans" if has_cjk(text) else "latin-sans"), False, False, max(6, trial)
    best = max(drawn, key=lambda face: float((line * _shape(drawn[face], line.shape[1])).sum()))
    family = next(f for f in fonts.FAMILIES.values() if best in f.values())
    italic = "oblique" in best
    faces = {bold: family[(bold, italic)] for bold in (False, True) if family.get((bold, italic)) in drawn}
    if len(faces) == 2:
        regular, heavy = (_reference_weight(text, faces[b], ink_h, color, background, font_dirs) for b in (False, True))
        best = faces[abs(weight - heavy) < abs(weight - regular)]
    drawn_ink = _ink_height(drawn[best].mean(axis=1))
    size = max(6, int(round(trial * ink_h / drawn_ink))) if drawn_ink else max(6, trial)
    return best, "bold" in best, italic, size


def estimate_style(image: Image.Image, quad, text: str | None = None, *, font_dirs=None) -> TextStyle:
    """`text`: what the line says (from OCR), to compare faces with; without it, a Latin sample."""
    return _estimate(image, quad, text=text, font_dirs=font_dirs)[0]


def _estimate(image: Image.Image, quad, *, text: str | None = None, font_dirs=None) -> tuple[TextStyle, np.ndarray]:
    """(the style, the glyph mask it was read from: modify_text removes those pixels)."""
    from scipy import ndimage

    quad = quad_from(quad)
    rgb = np.asarray(image.convert("RGB"))
    glyphs, flat, colours = _flat_glyphs(rgb, quad)
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
    colours = list(colours) + palette(crop[inked].astype(np.float64), 3)
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
    # size, weight and lean from the glyphs in the line's own (rectified) frame
    weight, slant, ink_h = _measure(flat)
    sample = (text or "").strip() or SAMPLE_TEXT
    face, bold, italic, size = _match_face(sample, flat, weight, ink_h, color, background, font_dirs)
    return TextStyle(color=hex_color(color), background=hex_color(background), size=size,
                     bold=bold, angle=round(angle, 2),
                     outline=hex_color(outline) if outline is not None else None, italic=italic,
                     weight=round(weight, 4), slant=round(slant, 3), font=face), glyphs


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
                learned=None, old_text: str | None = None) -> Image.Image:
    """The image with the line inside `line_quad` replaced by `new_text` (a new image). `learned`: a
    network that fills the old line where the new one does not cover it (ml.text.lama). `old_text`:
    what the line says (from OCR), the text the faces are compared with (else the new text)."""
    if not new_text or not new_text.strip():
        raise TextError("empty_text", "the new text is empty")
    quad = quad_from(line_quad)
    import cv2

    if style is None:
        style, glyphs = _estimate(image, quad, text=old_text or new_text, font_dirs=font_dirs)
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
    # (new text with Chinese in it gets the CJK counterpart of a Latin face: ml.text.render)
    face = font or style.font or ("sans-bold" if style.bold else "sans")
    box = TextBox(quad=quad, text=new_text, font=face, color=color or style.color, align="center",
                  max_size=style.size, outline=style.outline is not None, outline_color=style.outline)
    drawn = np.asarray(place_text(Image.fromarray(smooth), [box], min_size=max(6, min(MIN_SIZE, int(style.size * 0.6))),
                                  font_dirs=font_dirs))
    # the new letters and a few pixels round them sit on the membrane's smooth fill: texture or a
    # copied piece of the photo there competes with the strokes (a lock of hair copied under "店" hid
    # it from OCR); where the old line was longer than the new one, the full fill stays
    letters = cv2.dilate((drawn != smooth).any(axis=2).astype(np.uint8), np.ones((2 * NEW_TEXT_CLEAR + 1,) * 2, np.uint8))
    return Image.fromarray(np.ascontiguousarray(np.where(letters[..., None] > 0, drawn, textured)), "RGB")
