"""Texture that repeats nearby (bricks, stripes, lines): glyph by glyph, where a shifted copy of the
neighbourhood predicts the rim round the glyph well, that copy is blended in seamlessly (copy plus
the membrane fill of the rim difference, as in Poisson cloning). The shift is searched on a grid
centred on no shift, then refined to the pixel (a joint lines up only at its own offset). Where no
single shift fits a glyph group (letters run together across joints spaced unevenly), each piece of
it along the line gets its own, from farther out but only from straight across the line (what lies
above and below a piece is all its rim shows). Pieces that still fit no shift are judged for
synthesis (ml.text.fill.synthesis)."""

from __future__ import annotations

import numpy as np

from ml.text.fill.membrane import harmonic_fill
from ml.text.fill.synthesis import textured_rim

SHIFT_TAU = 0.35    # copy shifted texture where it predicts the rim this much better than its variance
SHIFT_ASIDE = 0.25     # ... for a piece of a glyph group, shifts at most this share of the reach off straight across the line
SHIFT_PIECE_REACH = 64  # ... for a piece of a glyph group (below), shifts up to this far
TEXTURE_PIECE_MIN = 32  # glyph groups no shift fits: judged and filled in pieces along the line about as long as they are thick, at least this


def _pieces_along(comp: np.ndarray) -> list[np.ndarray]:
    """A glyph group cut across its longer side into pieces about as long as it is thick: a group
    of several letters crosses several backgrounds (knit, then a smooth face, then a blurred
    railing), and each piece is judged on the rim round it."""
    ys, xs = np.nonzero(comp)
    along = xs if np.ptp(xs) >= np.ptp(ys) else ys
    length = max(TEXTURE_PIECE_MIN, min(np.ptp(xs), np.ptp(ys)) + 1)
    count = max(1, int(round((np.ptp(along) + 1) / length)))
    edges = np.linspace(along.min(), along.max() + 1, count + 1)
    pieces = []
    for a, b in zip(edges[:-1], edges[1:]):
        piece = np.zeros_like(comp)
        inside = (along >= a) & (along < b)
        piece[ys[inside], xs[inside]] = True
        if piece.any():
            pieces.append(piece)
    return pieces


def _best_shift(src: np.ndarray, mask: np.ndarray, region: np.ndarray, y0: int, x0: int, reach: int,
                across: int | None = None):
    """(dy, dx) whose copy of the photo best matches the rim of unmasked pixels round `region` (bool,
    placed at y0, x0), when it matches well next to the rim's own variation; "smooth" when the rim
    is smooth (the membrane is right); None when no shift fits. `across` (0: rows, 1: columns): only
    shifts mostly along that axis, at most SHIFT_ASIDE of the reach off it."""
    from scipy import ndimage

    h, w = mask.shape
    rh, rw = region.shape
    ring = ndimage.binary_dilation(region, iterations=3) & ~mask[y0:y0 + rh, x0:x0 + rw]
    cy, cx = np.nonzero(region)
    ry, rx = np.nonzero(ring)
    if ry.size < 8:
        return None
    ring_vals = src[y0 + ry, x0 + rx]
    variance = float(ring_vals.var(axis=0).sum())
    if variance < 20.0:
        return "smooth"

    def cost_of(dy: int, dx: int) -> float | None:
        """How far the rim shifted by (dy, dx) is from the rim; None where the copy would take
        masked or outside pixels."""
        if abs(dy) < 2 and abs(dx) < 2:
            return None
        if across is not None and abs((dx, dy)[across]) > SHIFT_ASIDE * reach:
            return None
        sy, sx = y0 + cy + dy, x0 + cx + dx
        if sy.min() < 0 or sx.min() < 0 or sy.max() >= h or sx.max() >= w:
            return None
        if mask[sy, sx].any():
            return None
        qy, qx = y0 + ry + dy, x0 + rx + dx
        ok = (qy >= 0) & (qx >= 0) & (qy < h) & (qx < w)
        if ok.mean() < 0.8:
            return None
        ok &= ~mask[np.clip(qy, 0, h - 1), np.clip(qx, 0, w - 1)]
        if ok.mean() < 0.8:
            return None
        diff = src[qy[ok], qx[ok]] - ring_vals[ok]
        return float((diff ** 2).sum(axis=1).mean()) + 0.5 * (dy * dy + dx * dx) / reach

    step = max(2, reach // 4)
    best, best_cost = None, None
    # centred on no shift: straight up, down or across are on the grid whatever the reach
    steps = range(-(reach // step) * step, reach + 1, step)
    grid = [(dy, dx) for dy in steps for dx in steps]
    while grid:
        for dy, dx in grid:
            cost = cost_of(dy, dx)
            if cost is not None and (best_cost is None or cost < best_cost):
                best, best_cost = (dy, dx), cost
        # the grid is a few pixels apart: a mortar joint or a stripe lines up only at its own
        # offset, found by halving the step round the best so far
        step //= 2
        grid = [] if best is None or step < 1 else [
            (best[0] + dy, best[1] + dx) for dy in (-step, 0, step) for dx in (-step, 0, step) if dy or dx]
    if best is None or best_cost > SHIFT_TAU * 2 * variance:
        return None
    return best


def _paste_shifted(src: np.ndarray, out: np.ndarray, region: np.ndarray, y0: int, x0: int, shift) -> None:
    """`region` (placed at y0, x0) gets the photo shifted by `shift` plus the membrane fill of the
    difference on its rim (seamless, as in Poisson cloning)."""
    h, w = src.shape[:2]
    dy, dx = shift
    rh, rw = region.shape
    yy, xx = np.mgrid[y0:y0 + rh, x0:x0 + rw]
    shifted = src[np.clip(yy + dy, 0, h - 1), np.clip(xx + dx, 0, w - 1)]
    residual = harmonic_fill(out[y0:y0 + rh, x0:x0 + rw] - shifted, region)
    patch = out[y0:y0 + rh, x0:x0 + rw]
    patch[region] = shifted[region] + residual[region]


def shift_fill(src: np.ndarray, mask: np.ndarray, out: np.ndarray, blocked: np.ndarray | None = None) -> np.ndarray:
    """Where the surroundings of a glyph are a texture that repeats nearby (bricks, stripes, lines),
    the glyph is filled with a shifted copy of its neighbourhood, blended seamlessly (_best_shift,
    _paste_shifted). A glyph group that no single shift fits (several letters across mortar joints
    spaced unevenly) is tried again piece by piece along the line; where even that fails (unpredictable
    texture, smooth areas), the membrane fill stays. Returns a uint8 map of the pieces left, judged on
    the rim round each (textured_rim): 1 where it is a texture (knit, grass, hair), 2 where it is
    coarser structure (a blurred railing), 0 elsewhere; the caller synthesises texture there
    (synthesise). `blocked` (a superset of `mask`): pixels neither copied nor read as rim."""
    from scipy import ndimage

    blocked = mask if blocked is None else blocked
    h, w = mask.shape
    texture = np.zeros(mask.shape, np.uint8)
    labels, _count = ndimage.label(mask)
    for k, sl in enumerate(ndimage.find_objects(labels), start=1):
        if sl is None:
            continue
        ch, cw = sl[0].stop - sl[0].start, sl[1].stop - sl[1].start
        reach = int(min(32, max(6, max(ch, cw) // 2 + 4)))
        y0, y1 = max(0, sl[0].start - 3), min(h, sl[0].stop + 3)
        x0, x1 = max(0, sl[1].start - 3), min(w, sl[1].stop + 3)
        comp = labels[y0:y1, x0:x1] == k
        if comp.sum() < 6:
            continue
        shift = _best_shift(src, blocked, comp, y0, x0, reach)
        if shift == "smooth":
            continue
        if shift is not None:
            _paste_shifted(src, out, comp, y0, x0, shift)
            continue
        pieces = _pieces_along(comp)
        gy, gx = np.nonzero(comp)
        across = 0 if np.ptp(gx) >= np.ptp(gy) else 1   # the pieces are cut along the longer side
        for piece in pieces:
            if len(pieces) > 1:
                ys, xs = np.nonzero(piece)
                # a piece is cut out of a wider group: its source may lie beyond the group, farther out
                # ... and only from straight across the line: the rim of a piece is what lies above
                # and below it (its neighbours are masked), and a copy from aside matched on that
                # alone put a piece of a white shirt into a black coat
                piece_reach = int(min(SHIFT_PIECE_REACH, max(6, max(np.ptp(ys), np.ptp(xs)) + 8)))
                shift = _best_shift(src, blocked, piece, y0, x0, piece_reach, across=across)
                if shift == "smooth":
                    continue
                if shift is not None:
                    _paste_shifted(src, out, piece, y0, x0, shift)
                    continue
            piece_ring = ndimage.binary_dilation(piece, iterations=3) & ~blocked[y0:y1, x0:x1]
            if piece_ring.sum() >= 8:
                kind = textured_rim(src, blocked, piece_ring, y0, x0)
                if kind:
                    texture[y0:y1, x0:x1][piece] = kind
    return texture
