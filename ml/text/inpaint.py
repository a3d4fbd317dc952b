"""Text masks and removal (filling masked pixels from their surroundings)."""

from __future__ import annotations

from PIL import Image

METHODS = ("default", "telea", "ns")


def text_mask(image: Image.Image, quads, *, dilate: int = 3) -> Image.Image:
    raise NotImplementedError


def remove_text(image: Image.Image, mask: Image.Image, *, method: str = "default") -> Image.Image:
    raise NotImplementedError


def remove_lines(image: Image.Image, quads, *, method: str = "default") -> Image.Image:
    return remove_text(image, text_mask(image, quads), method=method)
