"""Straight structure the text crossed (a tripod's legs, a lamp post, a coat's edge, a wall's joints),
continued through the mask before the rest is filled. Segments are found by OpenCV's line segment
detector on the membrane-filled photo and followed through the mask; where the photo across the line
as it comes out matches the photo across it before the gap (LINE_MATCH, allowing LINE_MATCH_SLIDE px
of drift), a band LINE_HALF_WIDTH px either side of the line is painted by blending the two, and the
rest of the fill treats it as known."""

from __future__ import annotations

import numpy as np

from ml.text.fill.membrane import LUMA

LINE_MIN_LENGTH = 14.0  # straight structure continued through the text: segments (LSD) at least this long
LINE_OUTSIDE = 0.8      # ... lying this much outside the mask
LINE_REACH = 4          # ... that end at most this many pixels before it
LINE_MAX_GAP = 120      # ... and come out of it at most this many pixels further on
LINE_EXTEND = 3.0       # ... and at most this many times the segment's length (a short one says little of where it goes)
LINE_HALF_WIDTH = 6     # ... painted this many pixels either side of the line
LINE_CONTRAST = 25.0    # ... when the photo across the line's end varies by at least this (grey levels)
LINE_MATCH = 0.8        # ... and the profile where it comes out correlates this well with it
LINE_MATCH_DIFF = 20.0  # ... and differs from it by at most this on average
LINE_MATCH_SLIDE = 2    # ... allowing the line to drift this many pixels sideways across the gap


def _profile(image: np.ndarray, points: np.ndarray, normal: np.ndarray, offsets: np.ndarray) -> np.ndarray | None:
    """The photo across a line (RGB at `offsets` along `normal`), averaged over `points` (k x 2, x y),
    or None where a sample leaves the photo."""
    from scipy import ndimage

    xs = (points[:, 0, None] + normal[0] * offsets[None, :]).ravel()
    ys = (points[:, 1, None] + normal[1] * offsets[None, :]).ravel()
    h, w = image.shape[:2]
    if xs.min() < 0 or ys.min() < 0 or xs.max() > w - 1 or ys.max() > h - 1:
        return None
    values = np.stack([ndimage.map_coordinates(image[..., c], [ys, xs], order=1, mode="nearest")
                       for c in range(image.shape[2])], axis=-1)
    return values.reshape(len(points), len(offsets), image.shape[2]).mean(axis=0)


def _line_gap(mask: np.ndarray, end: np.ndarray, direction: np.ndarray) -> tuple[int, int] | None:
    """Steps along `direction` from a segment's `end` where the mask starts (within LINE_REACH) and
    where the line comes out of it again for good (3 clear pixels), or None."""
    h, w = mask.shape
    steps = np.arange(LINE_MAX_GAP + LINE_REACH + 4)
    xs, ys = (end[:, None] + direction[:, None] * steps).round().astype(int)
    inside = (xs >= 0) & (xs < w) & (ys >= 0) & (ys < h)
    masked = np.zeros(steps.size, bool)
    masked[inside] = mask[ys[inside], xs[inside]]
    first = np.flatnonzero(masked[:LINE_REACH + 1])
    if first.size == 0:
        return None
    entry = int(first[0])
    clear = ~masked[entry:] & inside[entry:]
    runs = np.flatnonzero(clear[:-2] & clear[1:-1] & clear[2:])   # three clear pixels in a row
    if runs.size == 0 or not inside[entry:entry + runs[0] + 3].all():
        return None
    exit_ = entry + int(runs[0])
    return (entry, exit_) if 2 <= exit_ - entry <= LINE_MAX_GAP else None


def continue_lines(src: np.ndarray, mask: np.ndarray, membrane: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Straight structure the text crossed (a tripod leg, a lamp post, a coat's edge, a joint of a
    wall): every segment the line segment detector finds on the membrane-filled photo (the letters
    gone, so their own edges are not found) that runs into the mask is followed to where it comes out;
    when the photo across the line there matches the photo across it before the gap (allowing a
    little drift), the band along the line through the mask is painted by blending the two profiles.
    Returns (the band's pixels, the photo with them painted); the fill then treats them as known, so
    the rest bends round the line instead of smearing it away."""
    import cv2

    band = np.zeros_like(mask)
    painted = src.copy()
    # the whole photo, not a crop round the text: the detector's threshold depends on the image's size
    grey = np.clip(membrane @ LUMA + 0.5, 0, 255).astype(np.uint8)
    segments = cv2.createLineSegmentDetector().detect(grey)[0]
    if segments is None:
        return band, painted
    h, w = mask.shape
    near = cv2.dilate(mask.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    reach = cv2.dilate(mask.astype(np.uint8), np.ones((2 * LINE_REACH + 3,) * 2, np.uint8)) > 0
    segments = segments.reshape(-1, 4).astype(np.float64)
    lengths = np.hypot(segments[:, 2] - segments[:, 0], segments[:, 3] - segments[:, 1])
    ends = np.clip(segments.round().astype(int), 0, [w - 1, h - 1, w - 1, h - 1])
    # only long segments with an end close to the text can run into it
    keep = (lengths >= LINE_MIN_LENGTH) & (reach[ends[:, 1], ends[:, 0]] | reach[ends[:, 3], ends[:, 2]])
    offsets = np.arange(-LINE_HALF_WIDTH, LINE_HALF_WIDTH + 1, dtype=np.float64)
    for (ax, ay, bx, by), length in zip(segments[keep], lengths[keep]):
        t = np.linspace(0, 1, int(length) + 1)
        along_x = np.clip((ax + t * (bx - ax)).round().astype(int), 0, w - 1)
        along_y = np.clip((ay + t * (by - ay)).round().astype(int), 0, h - 1)
        if near[along_y, along_x].mean() > 1 - LINE_OUTSIDE:
            continue
        for end, start in (((bx, by), (ax, ay)), ((ax, ay), (bx, by))):
            end = np.array(end)
            direction = (end - np.array(start)) / length
            gap = _line_gap(mask, end, direction)
            if gap is None or gap[1] - gap[0] > LINE_EXTEND * length:
                continue
            normal = np.array([-direction[1], direction[0]])
            p0 = end + direction * (gap[0] - 1)
            p1 = end + direction * gap[1]
            before = _profile(membrane, p0 - direction * np.arange(2, 6)[:, None], normal, offsets)
            if before is None:
                continue
            grey_before = before @ LUMA
            if np.ptp(grey_before) < LINE_CONTRAST:
                continue
            best = None
            for slide in range(-LINE_MATCH_SLIDE, LINE_MATCH_SLIDE + 1):
                after = _profile(membrane, p1 + direction * np.arange(2, 6)[:, None], normal, offsets + slide)
                if after is None:
                    continue
                grey_after = after @ LUMA
                if grey_after.std() < 1e-6:
                    continue
                match = float(np.corrcoef(grey_before, grey_after)[0, 1])
                if best is None or match > best[0]:
                    best = (match, float(np.abs(before - after).mean()), slide, after)
            if best is None or best[0] < LINE_MATCH or best[1] > LINE_MATCH_DIFF:
                continue
            _match, _diff, slide, after = best
            span = float(np.linalg.norm(p1 - p0))
            bx0, by0 = (np.minimum(p0, p1) - LINE_HALF_WIDTH - 1).astype(int).clip(0)
            bx1, by1 = np.minimum((np.maximum(p0, p1) + LINE_HALF_WIDTH + 2).astype(int), (w, h))
            yy, xx = np.mgrid[by0:by1, bx0:bx1]
            rel = np.stack([xx - p0[0], yy - p0[1]], axis=-1)
            frac = (rel @ direction) / max(span, 1e-6)
            across = rel @ normal - slide * np.clip(frac, 0, 1)
            inside = mask[by0:by1, bx0:bx1] & (frac >= 0) & (frac <= 1) & (np.abs(across) <= LINE_HALF_WIDTH)
            if not inside.any():
                continue
            f, o = frac[inside][:, None], across[inside]
            first = np.stack([np.interp(o, offsets, before[:, c]) for c in range(src.shape[2])], axis=-1)
            second = np.stack([np.interp(o, offsets, after[:, c]) for c in range(src.shape[2])], axis=-1)
            painted[yy[inside], xx[inside]] = (1 - f) * first + f * second
            band[yy[inside], xx[inside]] = True
    return band, painted
