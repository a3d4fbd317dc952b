"""Whether a removal left traces of the text: OCR cannot read half a letter, so reading the area
back says nothing of the tops and bottoms of letters that a painted band ran through the middle of,
or of strokes a mask missed.

The area is what was filled (a painted band, a line's glyph mask). The text's colours are the
dominant colours of the original's pixels that the fill changed, kept when they are much commoner in
the area than in the surroundings (ml.text.mask's rule: a photo's own colours run on beyond the
text). The text's pixels are the original's pixels of such a colour in the area, and those of that
colour just outside it that join them: a stroke the area's edge cuts runs on outside it, unchanged.
A piece that runs on further than that ring is the photo's (hay, a flag, a shirt: a cut letter ends
near the area), and the ring is allowed as many pixels of the text's colours as the surroundings
have anyway (fur round yellow letters). The measure is the share of the text's pixels left outside
the area. What the fill itself leaves inside the area is OCR's to read there."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

from ml.text.mask import COLOUR_TOL, HIGH_MIN, expand_quad, palette

TRACES = 0.15      # traces remain when at least this share of the text's pixels is left outside the area
RIM_RATIO = 2.5    # a text colour is this many times more common in the area than in the surroundings
RING = 0.75        # cut strokes are followed this many times the area's thickness out of it
MIN_PIXELS = 16    # an area or a text with fewer pixels than this is not judged


@dataclass(frozen=True)
class Traces:
    share: float       # of the text's pixels, those left outside the area (beyond the surroundings' own)
    text_pixels: int   # the text's pixels found (inside the area and joining it from outside)

    @property
    def left(self) -> bool:
        return self.text_pixels >= MIN_PIXELS and self.share >= TRACES


NONE = Traces(0.0, 0)


def _rgb(image) -> np.ndarray:
    if isinstance(image, Image.Image):
        return np.asarray(image.convert("RGB"))
    return np.asarray(image)


def text_traces(original, result, area, *, filled=None) -> Traces:
    """How much of the text in `area` is still there in `result`. original, result: PIL images or
    HxWx3 arrays of the same size; area: bool HxW (or an "L" image, >127) of the filled pixels this
    check is about; filled: every pixel filled (other lines removed at the same time; default:
    area), left out of the ring and the surroundings."""
    import cv2

    area = np.asarray(area.convert("L")) > 127 if isinstance(area, Image.Image) else np.asarray(area, bool)
    filled = area if filled is None else (np.asarray(filled, bool) | area)
    if area.sum() < MIN_PIXELS:
        return NONE
    o, r = _rgb(original), _rgb(result)
    # the ring's width from the thickness of what was filled (a band's width, a glyph mask's
    # stroke width); the surroundings lie one to three widths out
    depth = cv2.distanceTransform(area.astype(np.uint8), cv2.DIST_L2, 3)
    width = max(3, int(np.ceil(2 * RING * np.percentile(depth[area], 95))))
    ys, xs = np.nonzero(area)
    h, w = area.shape
    pad = 3 * width + 2
    y0, y1, x0, x1 = max(0, ys.min() - pad), min(h, ys.max() + pad + 1), max(0, xs.min() - pad), min(w, xs.max() + pad + 1)
    a, f = area[y0:y1, x0:x1], filled[y0:y1, x0:x1]
    o, r = o[y0:y1, x0:x1].astype(np.float32), r[y0:y1, x0:x1].astype(np.float32)
    away = cv2.distanceTransform((~a).astype(np.uint8), cv2.DIST_L2, 3)
    near = (away <= width) & ~f
    far = (away > width) & (away <= 3 * width) & ~f
    changed = a & (np.abs(o - r).max(axis=2) > HIGH_MIN)
    if changed.sum() < MIN_PIXELS or not far.any():
        return NONE
    colours = []
    text_o = np.zeros(a.shape, bool)
    for colour in palette(o[changed].astype(np.float64), 4):
        close = np.abs(o - np.float32(colour)).max(axis=2) < COLOUR_TOL
        if close[a].mean() > RIM_RATIO * close[far].mean() + 0.01:
            colours.append(colour)
            text_o |= close
    if not colours:
        return NONE
    # the text's pixels: text-coloured pieces of the original (within the area and the ring) that
    # reach into the area and end inside the ring; a piece wholly outside is something else
    reach = text_o & (a | near)
    count, labels = cv2.connectedComponents(reach.astype(np.uint8), connectivity=8)
    touching = np.zeros(count, bool)
    touching[np.unique(labels[reach & a])] = True
    touching[np.unique(labels[reach & (away > width - 1.5)])] = False
    touching[0] = False
    text = touching[labels]
    # what the area cut off lies outside it, unchanged, less what the ring would hold of those
    # colours anyway, at the surroundings' rate
    base = float(text_o[far].mean())
    inside = int((text & a).sum())
    left = max(0.0, float((text & near).sum()) - base * float(near.sum()))
    if inside + left < MIN_PIXELS:
        return NONE
    return Traces(round(left / (inside + left), 4), int(inside + left))


def line_areas(mask, quads, *, grow: float = 0.25) -> list[np.ndarray]:
    """The part of a removal mask (bool HxW or "L" image) that belongs to each line quad: the mask
    within the quad enlarged by `grow` x its height (glyph masks reach a little beyond the quad)."""
    import cv2

    m = np.asarray(mask.convert("L")) > 127 if isinstance(mask, Image.Image) else np.asarray(mask, bool)
    out = []
    for quad in quads:
        outer = expand_quad(quad, grow)[0]
        region = np.zeros(m.shape, np.uint8)
        cv2.fillPoly(region, [np.round(outer).astype(np.int32)], 1)
        out.append(m & (region > 0))
    return out


def mark_traces(rows: list[dict], original, result, areas, *, filled=None) -> None:
    """Marks each removed area (`rows`: dicts with "ok", one per area in `areas`) not ok where traces
    of the text remain: row["traces"] = the share measured, row["traces_left"] = whether it counts."""
    for row, area in zip(rows, areas):
        found = text_traces(original, result, area, filled=filled)
        row["traces"] = found.share
        row["traces_left"] = found.left
        if found.left:
            row["ok"] = False
