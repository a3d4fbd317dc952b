"""Fitting text into a box or quad and drawing it."""

from __future__ import annotations

from PIL import Image

from ml.text.types import Placement, TextBox

MIN_SIZE = 12   # px: below this a line is not reliably legible (nor readable back by OCR)


def place_text_detailed(image: Image.Image, boxes: list[TextBox], *, min_size: int = MIN_SIZE,
                        font_dirs=None) -> tuple[Image.Image, list[Placement]]:
    raise NotImplementedError


def place_text(image: Image.Image, boxes: list[TextBox], *, min_size: int = MIN_SIZE, font_dirs=None) -> Image.Image:
    return place_text_detailed(image, boxes, min_size=min_size, font_dirs=font_dirs)[0]
