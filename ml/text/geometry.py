"""Bounding boxes and overlaps of quads and masks, shared by the text engine and its callers."""

from __future__ import annotations

import numpy as np


def quad_bounds(points) -> tuple[float, float, float, float]:
    """(x0, y0, x1, y1) of a quad or any list of (x, y) points."""
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def mostly_inside(inner, outer) -> bool:
    """Whether more than half of `inner`'s bounding box lies in `outer`'s (both quads)."""
    x0, y0, x1, y1 = quad_bounds(outer)
    a0, b0, a1, b1 = quad_bounds(inner)
    inter = max(0.0, min(x1, a1) - max(x0, a0)) * max(0.0, min(y1, b1) - max(y0, b0))
    return inter > 0.5 * max(1.0, (a1 - a0) * (b1 - b0))


def mask_bounds(mask: np.ndarray, pad: int):
    """(y0, y1, x0, x1): the rows and columns of the set pixels of a non-empty bool mask, `pad` more
    on each side, clipped to the mask."""
    ys, xs = np.nonzero(mask)
    h, w = mask.shape
    return max(0, ys.min() - pad), min(h, ys.max() + pad + 1), max(0, xs.min() - pad), min(w, xs.max() + pad + 1)
