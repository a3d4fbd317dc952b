"""Backgrounds for the synthetic text sets: crops of licensed photos (split-aware sources), plain,
gradient and paper fills, and procedural textures (fabric, stone, wood, sky, night, foliage)."""
from __future__ import annotations

import math
import os
import random
from functools import lru_cache

import cv2
import numpy as np
from PIL import Image

from textgen_colours import PALETTE, random_colour

# --------------------------------------------------------------------------- backgrounds


SHARED_DATA = os.environ.get("TEXTSETS_SHARED_DATA") or os.path.normpath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "data"))

# source prefix -> folder under SHARED_DATA (see SOURCES.md for each folder's licence)
_FOLDERS = {"people": "people", "matting-eval": os.path.join("matting-eval", "images")}


def source_path(src: str) -> str:
    prefix, name = src.split(":", 1)
    return os.path.join(SHARED_DATA, _FOLDERS[prefix], name)


def load_source_image(src: str) -> np.ndarray:
    """'skimage:NAME', 'people:FILE' or 'matting-eval:FILE' -> HxWx3 uint8 RGB."""
    if src.startswith("skimage:"):
        import skimage.data as skd

        a = getattr(skd, src.split(":", 1)[1])()
        if a.dtype != np.uint8:
            a = np.clip(a * (255.0 if a.max() <= 1.0 else 1.0), 0, 255).astype(np.uint8)
        if a.ndim == 2:
            a = np.stack([a] * 3, -1)
        if a.shape[2] == 4:
            a = a[..., :3]
        return np.ascontiguousarray(a)
    path = source_path(src)
    if not os.path.isfile(path):
        raise FileNotFoundError("background photo %s not found at %s (set TEXTSETS_SHARED_DATA)" % (src, path))
    return np.array(Image.open(path).convert("RGB"))


@lru_cache(maxsize=96)
def _cached_source(src: str) -> np.ndarray:
    a = load_source_image(src)
    # big sources are shrunk once so that every crop is cheap to resize (crops are <= 1000 px anyway)
    H, W = a.shape[:2]
    if max(H, W) > 1300:
        f = 1300.0 / max(H, W)
        a = cv2.resize(a, (int(round(W * f)), int(round(H * f))), interpolation=cv2.INTER_AREA)
    return a


def _is_grey(a: np.ndarray) -> bool:
    s = a[::8, ::8].astype(np.int16)
    return int(np.abs(s[..., 0] - s[..., 1]).max()) < 3 and int(np.abs(s[..., 1] - s[..., 2]).max()) < 3


def tone(rng: random.Random, a: np.ndarray, p_night=0.12, p_jitter=0.35, p_tint_grey=0.7):
    """Photo look variants: a night version (dark, blue, a few lights), colour / brightness jitter, and a
    tint for grey sources. Returns (image, list of applied ops)."""
    ops = []
    f = a.astype(np.float32)
    if _is_grey(a) and rng.random() < p_tint_grey:
        t = np.array([rng.uniform(0.75, 1.15) for _ in range(3)], np.float32)
        f = f * t[None, None]
        ops.append("tint")
    r = rng.random()
    if r < p_night:
        g = rng.uniform(1.6, 2.4)
        f = 255.0 * (f / 255.0) ** g * rng.uniform(0.45, 0.75)
        f *= np.array([0.75, 0.85, 1.15], np.float32)[None, None]
        ops.append("night")
    elif r < p_night + p_jitter:
        gain = rng.uniform(0.7, 1.25)
        sat = rng.uniform(0.6, 1.4)
        grey = f.mean(2, keepdims=True)
        f = (grey + (f - grey) * sat) * gain
        ops.append("jitter")
    return np.clip(f + 0.5, 0, 255).astype(np.uint8), ops


def photo_background(rng: random.Random, src: str, long_side=(640, 1000), max_upscale=1.6, toned=True):
    a = _cached_source(src)
    H, W = a.shape[:2]
    # random crop: 55-100 % of the shorter side (80-100 % for small sources), aspect 0.7-1.5
    lo = 0.55 if min(H, W) >= 700 else 0.8
    for _ in range(20):
        frac = rng.uniform(lo, 1.0)
        aspect = math.exp(rng.uniform(math.log(0.7), math.log(1.5)))  # w/h
        ch = int(min(H, W) * frac)
        cw = int(ch * aspect)
        if cw <= W and ch <= H:
            break
    else:
        ch, cw = H, W
    y0 = rng.randint(0, H - ch)
    x0 = rng.randint(0, W - cw)
    crop = a[y0:y0 + ch, x0:x0 + cw]
    if rng.random() < 0.5:
        crop = crop[:, ::-1]
    L = rng.randint(*long_side)
    scale = min(L / max(cw, ch), max_upscale)
    nw, nh = max(64, int(round(cw * scale))), max(64, int(round(ch * scale)))
    interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
    out = cv2.resize(np.ascontiguousarray(crop), (nw, nh), interpolation=interp)
    ops = []
    if toned:
        out, ops = tone(rng, out)
    return out, {"kind": "photo", "source": src, "crop": [x0, y0, cw, ch], "tone": ops}


_PLAIN_SIZES = [(800, 600), (960, 720), (720, 960), (640, 640), (960, 540), (1000, 700), (600, 800), (880, 660)]


def plain_background(rng: random.Random, size=None):
    W, H = size or rng.choice(_PLAIN_SIZES)
    c = random_colour(rng) if rng.random() < 0.6 else rng.choice(PALETTE)
    a = np.empty((H, W, 3), np.uint8)
    a[:] = c
    return a, {"kind": "plain", "colour": list(c)}


def gradient_background(rng: random.Random, size=None):
    W, H = size or rng.choice(_PLAIN_SIZES)
    c1 = np.array(random_colour(rng), np.float32)
    c2 = np.array(random_colour(rng), np.float32)
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    if rng.random() < 0.7:
        ang = rng.uniform(0, 2 * math.pi)
        t = (xx - W / 2) * math.cos(ang) + (yy - H / 2) * math.sin(ang)
        t = (t - t.min()) / max(1e-6, t.max() - t.min())
        kind = "linear"
    else:
        cx, cy = rng.uniform(0.2, 0.8) * W, rng.uniform(0.2, 0.8) * H
        t = np.sqrt((xx - cx) ** 2 + (yy - cy) ** 2)
        t = t / t.max()
        kind = "radial"
    a = c1[None, None] * (1 - t[..., None]) + c2[None, None] * t[..., None]
    return np.clip(a, 0, 255).astype(np.uint8), {"kind": "gradient-" + kind}


def paper_background(rng: random.Random, nprng: np.random.Generator, size):
    W, H = size
    base = np.array([rng.uniform(232, 250), rng.uniform(228, 246), rng.uniform(210, 238)], np.float32)
    low = nprng.normal(0, 1, (max(2, H // 64), max(2, W // 64))).astype(np.float32)
    low = cv2.resize(low, (W, H), interpolation=cv2.INTER_CUBIC)
    low = cv2.GaussianBlur(low, (0, 0), 25)
    low = low / (np.abs(low).max() + 1e-6) * rng.uniform(4, 12)
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    vign = ((xx / W - 0.5) ** 2 + (yy / H - 0.5) ** 2) * rng.uniform(-20, 0)
    fine = nprng.normal(0, rng.uniform(1.5, 3.5), (H, W)).astype(np.float32)
    a = base[None, None] + (low + vign + fine)[..., None]
    return np.clip(a, 0, 255).astype(np.uint8), {"kind": "paper"}


# ---- procedural textures: kinds of surface the photo sources lack (fabric, stone, wood, sky, night
# lights, foliage). Cheap (a few resized noise layers), licence-free, and a fresh one per image.


def _noise(nprng, H, W, octaves=5, base=3, persistence=0.55):
    """Fractal value noise in [0, 1], HxW float32."""
    acc = np.zeros((H, W), np.float32)
    amp, total = 1.0, 0.0
    for o in range(octaves):
        n = base * (2 ** o)
        g = nprng.random((max(2, n * H // max(H, W)), max(2, n * W // max(H, W)))).astype(np.float32)
        acc += amp * cv2.resize(g, (W, H), interpolation=cv2.INTER_CUBIC)
        total += amp
        amp *= persistence
    acc /= total
    lo, hi = float(acc.min()), float(acc.max())
    return (acc - lo) / max(1e-6, hi - lo)


def _two_tone(t, c1, c2):
    c1 = np.asarray(c1, np.float32)[None, None]
    c2 = np.asarray(c2, np.float32)[None, None]
    return c1 * (1 - t[..., None]) + c2 * t[..., None]


def _fabric(rng, nprng, W, H):
    p = rng.uniform(3.0, 9.0)
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    ang = math.radians(rng.uniform(-30, 30))
    u = xx * math.cos(ang) + yy * math.sin(ang)
    v = -xx * math.sin(ang) + yy * math.cos(ang)
    warp = 0.5 + 0.5 * np.sin(2 * math.pi * u / p)
    weft = 0.5 + 0.5 * np.sin(2 * math.pi * v / p)
    over = ((np.floor(u / p) + np.floor(v / p)) % 2).astype(np.float32)
    t = over * warp + (1 - over) * weft
    base = np.array(random_colour(rng), np.float32)
    c1, c2 = base * rng.uniform(0.55, 0.8), np.minimum(255, base * rng.uniform(1.0, 1.25))
    a = _two_tone(t * 0.8 + 0.2 * _noise(nprng, H, W, 3, 40), c1, c2)
    folds = _noise(nprng, H, W, 3, 2)
    return a * (0.7 + 0.5 * folds[..., None]), "fabric"


def _stone(rng, nprng, W, H):
    t = _noise(nprng, H, W, 6, rng.randint(3, 8), 0.6)
    grain = nprng.normal(0, rng.uniform(4, 12), (H, W)).astype(np.float32)
    g = rng.uniform(90, 170)
    c1 = np.array([g * rng.uniform(0.8, 1.05), g * rng.uniform(0.8, 1.0), g * rng.uniform(0.7, 0.95)])
    c2 = np.minimum(255, c1 * rng.uniform(1.2, 1.6))
    a = _two_tone(t, c1, c2) + grain[..., None]
    if rng.random() < 0.5:  # cracks / joints
        cr = _noise(nprng, H, W, 4, rng.randint(4, 10))
        a *= 1 - 0.5 * (np.abs(cr - 0.5) < 0.015)[..., None]
    return a, "stone"


def _wood(rng, nprng, W, H):
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    n = _noise(nprng, H, W, 4, 3)
    freq = rng.uniform(0.03, 0.09)
    t = 0.5 + 0.5 * np.sin((yy + 60 * n + 4 * np.sin(xx * 0.01)) * freq * 2 * math.pi / 4)
    c1 = np.array([rng.uniform(90, 150), rng.uniform(50, 90), rng.uniform(20, 50)])
    c2 = np.minimum(255, c1 * rng.uniform(1.3, 1.7))
    a = _two_tone(t ** 1.5, c1, c2) + nprng.normal(0, 4, (H, W, 1)).astype(np.float32)
    if rng.random() < 0.5:
        a = a.transpose(1, 0, 2)
        a = cv2.resize(np.ascontiguousarray(a), (W, H))
    return a, "wood"


def _sky(rng, nprng, W, H):
    yy = np.mgrid[0:H, 0:W][0].astype(np.float32) / H
    top = np.array([rng.uniform(20, 80), rng.uniform(70, 140), rng.uniform(160, 230)])
    bot = np.array([rng.uniform(170, 230), rng.uniform(200, 235), rng.uniform(225, 255)])
    if rng.random() < 0.25:  # dusk
        bot = np.array([rng.uniform(220, 255), rng.uniform(140, 200), rng.uniform(90, 150)])
    a = _two_tone(yy ** rng.uniform(0.6, 1.4), top, bot)
    cl = _noise(nprng, H, W, 6, rng.randint(2, 5), 0.6)
    cover = rng.uniform(0.35, 0.7)
    c = np.clip((cl - cover) / (1 - cover) * 2.2, 0, 1)
    return a * (1 - c[..., None]) + c[..., None] * rng.uniform(225, 252), "sky"


def _night(rng, nprng, W, H):
    yy = np.mgrid[0:H, 0:W][0].astype(np.float32) / H
    a = _two_tone(yy, [rng.uniform(0, 20), rng.uniform(0, 25), rng.uniform(15, 60)],
                  [rng.uniform(10, 50), rng.uniform(10, 40), rng.uniform(20, 60)])
    lights = np.zeros((H, W, 3), np.float32)
    warm = [(255, 200, 120), (255, 160, 60), (255, 240, 200), (120, 180, 255), (255, 90, 90), (140, 255, 200)]
    for _ in range(rng.randint(15, 70)):
        c = rng.choice(warm)
        r = int(log_uniform_(rng, 2, 35))
        x, y = rng.randrange(W), int(H * rng.uniform(0.2, 1.0))
        cv2.circle(lights, (x, y), r, tuple(float(v) * rng.uniform(0.3, 0.9) for v in c), -1, cv2.LINE_AA)
    lights = cv2.GaussianBlur(lights, (0, 0), rng.uniform(1.0, 6.0))
    if rng.random() < 0.4:  # light trails of a street at night
        for _ in range(rng.randint(2, 8)):
            y = int(H * rng.uniform(0.5, 0.95))
            c = rng.choice(warm)
            cv2.line(lights, (0, y), (W, y + rng.randint(-H // 6, H // 6)), c, rng.randint(1, 4), cv2.LINE_AA)
        lights = cv2.GaussianBlur(lights, (0, 0), 1.2)
    return a + lights, "night"


def _foliage(rng, nprng, W, H):
    a = np.empty((H, W, 3), np.float32)
    a[:] = (rng.uniform(10, 40), rng.uniform(40, 90), rng.uniform(10, 40))
    for layer in range(3):
        leaves = a.copy()
        for _ in range(int(W * H / 2500 * rng.uniform(0.6, 1.2))):
            g = rng.uniform(60, 200) * (0.6 + 0.2 * layer)
            c = (g * rng.uniform(0.3, 0.7), g, g * rng.uniform(0.15, 0.5))
            ax = (rng.randint(6, 30), rng.randint(3, 12))
            cv2.ellipse(leaves, (rng.randrange(W), rng.randrange(H)), ax, rng.uniform(0, 180), 0, 360, c, -1,
                        cv2.LINE_AA)
        if layer < 2:
            leaves = cv2.GaussianBlur(leaves, (0, 0), 3.0 - layer * 1.2)
        a = leaves
    return a * (0.7 + 0.5 * _noise(nprng, H, W, 3, 2)[..., None]), "foliage"


TEXTURES = {"fabric": _fabric, "stone": _stone, "wood": _wood, "sky": _sky, "night": _night, "foliage": _foliage}


def log_uniform_(rng, a, b):
    return math.exp(rng.uniform(math.log(a), math.log(b)))


def texture_background(rng: random.Random, nprng: np.random.Generator, size=None, kind=None):
    W, H = size or rng.choice(_PLAIN_SIZES)
    kind = kind or rng.choice(sorted(TEXTURES))
    a, label = TEXTURES[kind](rng, nprng, W, H)
    return np.clip(a + 0.5, 0, 255).astype(np.uint8), {"kind": "texture-" + label}
