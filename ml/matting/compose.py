"""Cutouts and new backgrounds from an image and its alpha matte (Pillow + numpy, no model)."""

from __future__ import annotations

from typing import Literal

import numpy as np
from PIL import Image, ImageFilter

from .base import to_rgb


def unit_to_u8(values: np.ndarray) -> np.ndarray:
    """[0, 1] floats to 0-255, rounded and clipped: what np.round(np.clip(v, 0, 1) * 255) gives, in one
    OpenCV pass instead of four numpy passes over the whole photo (a third of the time at 1 MP)."""
    import cv2

    values = np.asarray(values, np.float32)
    return cv2.convertScaleAbs(cv2.threshold(values, 0, 0, cv2.THRESH_TOZERO)[1], alpha=255.0)


def _check(image: Image.Image, alpha: np.ndarray) -> None:
    if alpha.shape != (image.height, image.width):
        raise ValueError(f"matte is {alpha.shape[1]}x{alpha.shape[0]}, image is {image.width}x{image.height}")


def cutout(image: Image.Image, alpha: np.ndarray, foreground: np.ndarray | None = None) -> Image.Image:
    """RGBA of the same size: colours from ``foreground`` (HxWx3 float in [0, 1], e.g. from
    `refine.estimate_foreground`) when given, else the image's own; alpha from the matte."""
    image = to_rgb(image)
    _check(image, alpha)
    rgb = np.asarray(image) if foreground is None else unit_to_u8(foreground)
    return Image.fromarray(np.dstack([rgb, unit_to_u8(alpha)]), "RGBA")


def _over(rgba: Image.Image, background: Image.Image) -> Image.Image:
    """Alpha-composites (float, not premultiplied rounding games) a cutout over an RGB background."""
    fg = np.asarray(rgba, np.float32)
    bg = np.asarray(background.convert("RGB"), np.float32)
    a = fg[..., 3:4] / 255.0
    out = fg[..., :3] * a + bg * (1 - a)
    return Image.fromarray(np.round(out).clip(0, 255).astype(np.uint8), "RGB")


def parse_color(color) -> tuple[int, int, int]:
    """``(r, g, b)`` or ``"#rrggbb"`` / ``"#rgb"``."""
    if isinstance(color, str):
        c = color.strip().lstrip("#")
        if len(c) == 3:
            c = "".join(ch * 2 for ch in c)
        if len(c) != 6 or any(ch not in "0123456789abcdefABCDEF" for ch in c):
            raise ValueError(f"not a colour: {color!r}")
        return tuple(int(c[i:i + 2], 16) for i in (0, 2, 4))
    r, g, b = (int(v) for v in color)
    if not all(0 <= v <= 255 for v in (r, g, b)):
        raise ValueError(f"not a colour: {color!r}")
    return r, g, b


def on_color(rgba: Image.Image, color="#ffffff") -> Image.Image:
    return _over(rgba, Image.new("RGB", rgba.size, parse_color(color)))


def fit_background(background: Image.Image, size: tuple[int, int], mode: Literal["fill", "fit"] = "fill",
                   pad_color="#000000") -> Image.Image:
    """``fill``: scale to cover and centre-crop; ``fit``: scale to fit inside, pad with ``pad_color``."""
    bg = to_rgb(background)
    w, h = size
    if mode == "fill":
        scale = max(w / bg.width, h / bg.height)
    elif mode == "fit":
        scale = min(w / bg.width, h / bg.height)
    else:
        raise ValueError(f"mode must be 'fill' or 'fit', not {mode!r}")
    nw, nh = max(1, round(bg.width * scale)), max(1, round(bg.height * scale))
    scaled = bg.resize((nw, nh), Image.LANCZOS)
    canvas = Image.new("RGB", (w, h), parse_color(pad_color))
    canvas.paste(scaled, ((w - nw) // 2, (h - nh) // 2))
    return canvas


def on_image(rgba: Image.Image, background: Image.Image, mode: Literal["fill", "fit"] = "fill",
             pad_color="#000000") -> Image.Image:
    return _over(rgba, fit_background(background, rgba.size, mode, pad_color))


def on_blurred(rgba: Image.Image, original: Image.Image, radius: float | None = None) -> Image.Image:
    """The subject over a Gaussian-blurred copy of the original photo (radius ~2% of the diagonal)."""
    original = to_rgb(original)
    if radius is None:
        radius = max(2.0, 0.02 * float(np.hypot(*original.size)))
    return _over(rgba, original.filter(ImageFilter.GaussianBlur(radius)))


def checkerboard(size: tuple[int, int], cell: int = 16) -> Image.Image:
    w, h = size
    yy, xx = np.mgrid[0:h, 0:w]
    board = np.where(((yy // cell) + (xx // cell)) % 2 == 0, 255, 204).astype(np.uint8)
    return Image.fromarray(board, "L").convert("RGB")
