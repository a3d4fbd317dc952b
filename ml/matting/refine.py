"""Matte refinement and foreground colour estimation (numpy + OpenCV box filters, no model).

- `guided_filter`: the fast guided filter (He, Sun & Tang, "Guided Image Filtering", TPAMI 2013; He & Sun,
  "Fast Guided Filter", 2015) with the colour image as guide: snaps a coarse matte's edges to the image's
  edges, computed at a subsampled resolution and applied at full resolution.
- `grabcut`: GrabCut (Rother, Kolmogorov & Blake, SIGGRAPH 2004; OpenCV's implementation) seeded with
  a trimap read from the network's matte: colour models of the photo itself decide the uncertain band,
  which recovers parts a salient-object network leaves half transparent or drops next to parts it found.
- `sharpen`: a linear contrast stretch of the alpha that turns near-0 / near-1 values into exact 0 / 1
  (low-resolution networks leave a faint haze over the background and a slightly transparent core).
- `estimate_foreground`: blur-fusion foreground colour estimation (Forte & Pitié, "Approximate Fast
  Foreground Colour Estimation", ICIP 2021): the colours of the semi-transparent edge pixels with the old
  background removed, so the cutout on a new background shows no halo.
"""

from __future__ import annotations

import cv2
import numpy as np


def _box(x: np.ndarray, r: int) -> np.ndarray:
    """Mean over a (2r+1)^2 window, edges handled by reflection; float32 in, float32 out."""
    return cv2.blur(x, (2 * r + 1, 2 * r + 1), borderType=cv2.BORDER_REFLECT)


def guided_filter(guide: np.ndarray, src: np.ndarray, radius: int = 8, eps: float = 1e-3,
                  subsample: int = 4) -> np.ndarray:
    """Colour guided filter of ``src`` (HxW float in [0, 1]) with ``guide`` (HxWx3 float in [0, 1]).

    ``radius`` is in full-resolution pixels; ``subsample`` > 1 computes the linear coefficients on a
    smaller copy (the fast guided filter) and upsamples them bilinearly.
    """
    h, w = src.shape
    s = max(1, int(subsample))
    if s > 1:
        size = (max(1, w // s), max(1, h // s))
        g = cv2.resize(guide, size, interpolation=cv2.INTER_AREA)
        p = cv2.resize(src, size, interpolation=cv2.INTER_AREA)
        r = max(1, radius // s)
    else:
        g, p, r = guide, src, radius
    g = g.astype(np.float32)
    p = p.astype(np.float32)
    mean_i = _box(g, r)
    mean_p = _box(p, r)
    mean_ip = _box(g * p[..., None], r)
    cov_ip = mean_ip - mean_i * mean_p[..., None]
    # 3x3 covariance of the guide per pixel
    var = np.empty(g.shape[:2] + (3, 3), np.float32)
    for i in range(3):
        for j in range(i, 3):
            v = _box(g[..., i] * g[..., j], r) - mean_i[..., i] * mean_i[..., j]
            var[..., i, j] = var[..., j, i] = v
    var += eps * np.eye(3, dtype=np.float32)
    a = np.linalg.solve(var, cov_ip[..., None])[..., 0]  # HxWx3
    b = mean_p - np.einsum("hwc,hwc->hw", a, mean_i)
    mean_a = _box(a, r)
    mean_b = _box(b, r)
    if s > 1:
        mean_a = cv2.resize(mean_a, (w, h), interpolation=cv2.INTER_LINEAR)
        mean_b = cv2.resize(mean_b, (w, h), interpolation=cv2.INTER_LINEAR)
    q = np.einsum("hwc,hwc->hw", mean_a, guide.astype(np.float32)) + mean_b
    return np.clip(q, 0, 1).astype(np.float32)


def sharpen(alpha: np.ndarray, low: float = 0.05, high: float = 0.95) -> np.ndarray:
    """Maps [low, high] linearly onto [0, 1] and clips."""
    return np.clip((alpha - low) / max(high - low, 1e-6), 0, 1).astype(np.float32)


# GrabCut seeding, in fractions of the matte's range and of the object's size (so the trimap does not
# depend on resolution). Chosen by bench/matting.py --grid with leave-one-out (bench/RESULTS-matting.md).
GRABCUT_DEFAULTS: dict = {
    "max_side": 320,      # GrabCut runs on a copy this large: its cost grows with pixels, its gain does not
    "iterations": 2,      # level with 3 on the grid (29.3 / 7.1 / 4 over 40 against 29.2), a third cheaper
    "fg": 0.9,            # alpha above this, eroded, is sure foreground
    "bg": 0.1,            # alpha below this, further than `far` from the object, is sure background
    "erode": 0.02,        # erosion of the sure foreground, fraction of the object's size
    "far": 0.05,          # distance from the object before background is sure, fraction of its size
    "mid": 0.3,           # between the sure regions, alpha above this starts as probable foreground
    "fill_holes": False,  # holes the object encloses start as probable foreground
    "keep": 0.0,          # drop pieces smaller than this fraction of the largest (0: keep all)
    "min_kept": 0.8,      # below this share of the network's confident foreground kept, trust the network
}
# After GrabCut the matte is binary; a wider window and a smaller eps let the guided filter rebuild soft
# edges (hair, fur) from the photo instead of keeping the staircase.
GRABCUT_GUIDED = {"radius_frac": 1 / 60, "eps": 1e-4}
GUIDED = {"radius_frac": 1 / 100, "eps": 1e-3}
STEPS = ("none", "grabcut", "guided", "sharpen")


def _odd(n: float) -> int:
    return max(1, int(round(n)) // 2 * 2 + 1)


def _holes(mask: np.ndarray) -> np.ndarray:
    """Pixels outside ``mask`` that cannot reach the image border without crossing it."""
    outside = (~mask).astype(np.uint8)
    n, labels = cv2.connectedComponents(outside, connectivity=4)
    border = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    return (labels > 0) & ~np.isin(labels, border)


def grabcut_trimap(alpha: np.ndarray, *, fg: float, bg: float, erode: float, far: float, mid: float = 0.5,
                   fill_holes: bool = False) -> np.ndarray:
    """GrabCut's initial mask (uint8 GC_* labels) from a soft matte, widths relative to the object's size
    (square root of its area) so a small object keeps a core and a large one gets a wide enough band."""
    obj = alpha > 0.5
    size = float(np.sqrt(max(int(obj.sum()), 1)))
    probable = alpha > mid
    if fill_holes:
        probable |= _holes(probable)
    mask = np.where(probable, cv2.GC_PR_FGD, cv2.GC_PR_BGD).astype(np.uint8)
    sure_fg = (alpha > fg).astype(np.uint8)
    k = _odd(2 * erode * size)
    if k > 1:
        sure_fg = cv2.erode(sure_fg, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    mask[sure_fg > 0] = cv2.GC_FGD
    # distance of every pixel to the nearest pixel the network gave any weight (alpha >= bg)
    dist = cv2.distanceTransform((alpha < bg).astype(np.uint8), cv2.DIST_L2, 3)
    mask[dist > far * size] = cv2.GC_BGD
    return mask


def grabcut(image: np.ndarray, alpha: np.ndarray, **options) -> np.ndarray:
    """A binary-ish matte (HxW float32 in [0, 1], soft only from upsampling) from GrabCut seeded with
    ``alpha``'s trimap, run on a copy whose longer side is ``max_side``; ``options`` override
    GRABCUT_DEFAULTS. Returns ``alpha`` unchanged when the trimap has no foreground or no background to
    learn colours from, or when GrabCut throws away more of what the network was sure of than
    ``min_kept`` allows."""
    out = _grabcut(image, alpha, **{**GRABCUT_DEFAULTS, **options})
    return alpha.astype(np.float32) if out is None else out


def _grabcut(image, alpha, *, max_side, iterations, fg, bg, erode, far, mid, fill_holes, keep, min_kept):
    """`grabcut`'s work; None where it declines."""
    h, w = alpha.shape
    rgb = image if image.dtype == np.uint8 else np.clip(image * 255 + 0.5, 0, 255).astype(np.uint8)
    scale = min(1.0, max_side / max(h, w))
    if scale < 1:
        size = (max(1, round(w * scale)), max(1, round(h * scale)))
        small_rgb = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)
        small_a = cv2.resize(alpha.astype(np.float32), size, interpolation=cv2.INTER_AREA)
    else:
        small_rgb, small_a = rgb, alpha.astype(np.float32)
    mask = grabcut_trimap(small_a, fg=fg, bg=bg, erode=erode, far=far, mid=mid, fill_holes=fill_holes)
    is_fg = (mask == cv2.GC_FGD) | (mask == cv2.GC_PR_FGD)
    if is_fg.all() or not is_fg.any():
        return None
    bgd, fgd = np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64)
    # GrabCut seeds its colour models with k-means on OpenCV's global RNG: a fixed seed makes the same
    # photo give the same matte every time (the benchmark and the app agree).
    cv2.setRNGSeed(0)
    # OpenCV's GrabCut takes BGR; the channel order only matters for its colour models' consistency.
    cv2.grabCut(np.ascontiguousarray(small_rgb[..., ::-1]), mask, None, bgd, fgd, int(iterations),
                cv2.GC_INIT_WITH_MASK)
    out = ((mask == cv2.GC_FGD) | (mask == cv2.GC_PR_FGD)).astype(np.uint8)
    # GrabCut only models colours: where person and background share them (a grey sweater before a grey
    # wall, a black-and-white photo) it can cut away a whole body the network was sure of. A refinement
    # must not do that; the network's own matte is the better answer then.
    confident = small_a > 0.5
    if confident.any() and out[confident].mean() < min_kept:
        return None
    if keep > 0:
        n, labels, stats, _ = cv2.connectedComponentsWithStats(out, connectivity=8)
        if n > 2:
            areas = stats[1:, cv2.CC_STAT_AREA]
            small = np.flatnonzero(areas < keep * areas.max()) + 1
            out[np.isin(labels, small)] = 0
    out = out.astype(np.float32)
    if scale < 1:
        out = cv2.resize(out, (w, h), interpolation=cv2.INTER_LINEAR)
    return out


def refine_alpha(image: np.ndarray, alpha: np.ndarray, *, method: str = "guided", radius: int | None = None,
                 eps: float | None = None, low: float = 0.05, high: float = 0.95,
                 grabcut_options: dict | None = None) -> np.ndarray:
    """One entry point for the refinements: ``none`` or steps joined by ``+`` and run left to right from
    ``grabcut``, ``guided`` and ``sharpen`` (e.g. ``guided+sharpen``, ``grabcut+guided+sharpen``).

    ``image``: HxWx3 uint8 or float in [0, 1]; ``alpha``: HxW float in [0, 1]. The guided-filter radius
    defaults to a fraction of the image diagonal (1/100, or 1/60 after GrabCut; at least 4 px) so
    results do not depend on resolution.
    """
    steps = method.split("+")
    for step in steps:
        if step not in STEPS or (step == "none" and len(steps) > 1):
            raise ValueError(f"unknown refinement step {step!r}; use none or steps joined by '+' from "
                             "grabcut, guided, sharpen (e.g. grabcut+guided+sharpen)")
    if method == "none":
        return alpha.astype(np.float32)
    guide = None
    out = alpha.astype(np.float32)
    after_grabcut = False
    for step in steps:
        if step == "grabcut":
            options = {**GRABCUT_DEFAULTS, **(grabcut_options or {})}
            cut = _grabcut(image, out, **options)
            if cut is not None:
                out, after_grabcut = cut, True
        elif step == "guided":
            if guide is None:
                guide = image.astype(np.float32) / 255.0 if image.dtype == np.uint8 else image.astype(np.float32)
            defaults = GRABCUT_GUIDED if after_grabcut else GUIDED
            r = radius or max(4, int(round(np.hypot(*alpha.shape) * defaults["radius_frac"])))
            # coefficients on a copy shrunk by r/2 (the fast guided filter); same SAD as r/4, 3x cheaper
            out = guided_filter(guide, out, radius=r, eps=defaults["eps"] if eps is None else eps,
                                subsample=max(1, r // 2))
        else:  # sharpen
            out = sharpen(out, low, high)
    return out


def _upsample_crop(small: np.ndarray, full: tuple[int, int], box: tuple[int, int, int, int]) -> np.ndarray:
    """cv2.resize(small, full size, INTER_LINEAR)[y0:y1, x0:x1], computed for the crop only."""
    w, h = full
    y0, y1, x0, x1 = box
    sx, sy = small.shape[1] / w, small.shape[0] / h
    # resize's own sampling grid: source = (destination + 0.5) * scale - 0.5
    matrix = np.float32([[sx, 0, (x0 + 0.5) * sx - 0.5], [0, sy, (y0 + 0.5) * sy - 0.5]])
    return cv2.warpAffine(small, matrix, (x1 - x0, y1 - y0), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                          borderMode=cv2.BORDER_REPLICATE)


def estimate_foreground(image: np.ndarray, alpha: np.ndarray, *, large: int = 90, small: int = 6) -> np.ndarray:
    """Foreground colours (HxWx3 float32 in [0, 1]) by two passes of blur fusion (large then small window).

    The paper's window sizes (90 and 6 px) are kept for images up to 1 MP and grow with larger ones. The
    large-window pass only yields very smooth local means, so it is computed on a copy shrunk by about
    1/15 of the window (same result within a few 1/1000, several times faster); the small pass runs at
    full resolution. Where alpha is exactly 1 blur fusion returns the photo's own colour, and where it is
    0 the colour is never seen, so the per-pixel work is done on the soft band only and the photo's
    colours are kept elsewhere (a sharpened matte is 0 or 1 on most pixels); the full-resolution
    work is done on the band's bounding box, widened by the small window (where the small pass reads),
    and the band's pixels are addressed by index rather than by a mask over the whole image.
    """
    img = image.astype(np.float32) / 255.0 if image.dtype == np.uint8 else image.astype(np.float32)
    a = np.clip(alpha.astype(np.float32), 0, 1)
    h, w = a.shape
    fg = img.copy()
    band = (a > 0) & (a < 1)
    ys, xs = np.nonzero(band)
    if ys.size == 0:
        return fg
    scale = max(1.0, np.sqrt(h * w / 1e6))
    big, little = max(3, int(large * scale)), max(3, int(small * scale))
    f = max(1, min(big // 15, h // 8, w // 8))
    if f > 1:
        size = (max(1, w // f), max(1, h // f))
        img_s = cv2.resize(img, size, interpolation=cv2.INTER_AREA)
        a_s = cv2.resize(a, size, interpolation=cv2.INTER_AREA)
    else:
        img_s, a_s = img, a
    k = (max(3, round(big / f)),) * 2
    blurred_a = cv2.blur(a_s, k)[..., None]
    blurred_f = cv2.blur(img_s * a_s[..., None], k) / (blurred_a + 1e-5)
    blurred_b = cv2.blur(img_s * (1 - a_s[..., None]), k) / ((1 - blurred_a) + 1e-5)
    pad = little + 1
    box = (max(0, ys.min() - pad), min(h, ys.max() + pad + 1), max(0, xs.min() - pad), min(w, xs.max() + pad + 1))
    y0, y1, x0, x1 = box
    if f > 1:
        blurred_f = _upsample_crop(blurred_f, (w, h), box)
        blurred_b = _upsample_crop(blurred_b, (w, h), box)
    else:
        blurred_f, blurred_b = blurred_f[y0:y1, x0:x1], blurred_b[y0:y1, x0:x1]
    # contiguous copies: the band's pixels are written through flat views of the crop
    ca, cf = np.ascontiguousarray(a[y0:y1, x0:x1]), fg[y0:y1, x0:x1].copy()
    idx = (ys - y0) * (x1 - x0) + (xs - x0)
    flat = lambda x: x.reshape(-1, x.shape[-1]) if x.ndim == 3 else x.reshape(-1)  # noqa: E731
    ab = a[ys, xs][:, None]
    ib = img[ys, xs]
    # first pass, on the band (elsewhere fg * a is img * a already, since a is 0 or 1 there)
    bf = flat(blurred_f)[idx]
    flat(cf)[idx] = np.clip(bf + ab * (ib - ab * bf - (1 - ab) * flat(blurred_b)[idx]), 0, 1)
    # second pass with the small window, its sums taken over the first pass's result
    kk = (little, little)
    a3 = ca[..., None]
    blurred_a2 = flat(cv2.blur(ca, kk))[idx][:, None]
    blurred_f2 = flat(cv2.blur(cf * a3, kk))[idx] / (blurred_a2 + 1e-5)
    blurred_b2 = flat(cv2.blur(blurred_b * (1 - a3), kk))[idx] / ((1 - blurred_a2) + 1e-5)
    flat(cf)[idx] = np.clip(blurred_f2 + ab * (ib - ab * blurred_f2 - (1 - ab) * blurred_b2), 0, 1)
    fg[y0:y1, x0:x1] = cf
    return fg
