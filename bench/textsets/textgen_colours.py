"""Colours for the synthetic text sets: WCAG contrast, a palette, random colours with enough contrast."""
from __future__ import annotations

import random

import numpy as np

# --------------------------------------------------------------------------- colour


def _lin(c):
    c = np.asarray(c, dtype=np.float64) / 255.0
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def rel_lum(rgb) -> float:
    r, g, b = _lin(rgb)
    return float(0.2126 * r + 0.7152 * g + 0.0722 * b)


def contrast(c1, c2) -> float:
    a, b = rel_lum(c1), rel_lum(c2)
    if a < b:
        a, b = b, a
    return (a + 0.05) / (b + 0.05)


PALETTE = [
    (0, 0, 0), (20, 20, 20), (45, 45, 45), (255, 255, 255), (250, 250, 245),
    (30, 40, 100), (120, 20, 25), (20, 80, 45), (95, 55, 20), (70, 30, 90),
    (255, 215, 0), (250, 235, 190), (255, 225, 120), (200, 230, 255), (255, 205, 205),
    (220, 40, 40), (235, 120, 0), (0, 110, 200), (0, 150, 80), (150, 0, 150), (200, 0, 90),
]


def random_colour(rng: random.Random):
    h = rng.random()
    s = rng.uniform(0.3, 1.0)
    v = rng.uniform(0.1, 1.0)
    i = int(h * 6) % 6
    f = h * 6 - int(h * 6)
    p, q, t = v * (1 - s), v * (1 - f * s), v * (1 - (1 - f) * s)
    r, g, b = [(v, t, p), (q, v, p), (p, v, t), (p, q, v), (t, p, v), (v, p, q)][i]
    return (int(r * 255), int(g * 255), int(b * 255))


def pick_text_colour(rng: random.Random, bg_rgb, min_contrast=3.0):
    """A colour with WCAG contrast >= min_contrast against bg_rgb (not always black/white)."""
    cands = list(PALETTE) + [random_colour(rng) for _ in range(6)]
    rng.shuffle(cands)
    ok = [c for c in cands if contrast(c, bg_rgb) >= min_contrast]
    if ok:
        # prefer non-pure black/white 60% of the time when available
        coloured = [c for c in ok if c not in ((0, 0, 0), (255, 255, 255))]
        if coloured and rng.random() < 0.6:
            return coloured[0]
        return ok[0]
    return (0, 0, 0) if contrast((0, 0, 0), bg_rgb) > contrast((255, 255, 255), bg_rgb) else (255, 255, 255)


def opposite_bw(c):
    return (0, 0, 0) if rel_lum(c) > 0.3 else (255, 255, 255)
