"""Replacing one line of text in a matching style."""

from __future__ import annotations

from PIL import Image

from ml.text.types import TextStyle


def estimate_style(image: Image.Image, quad) -> TextStyle:
    raise NotImplementedError


def modify_text(image: Image.Image, line_quad, new_text: str, *, font: str | None = None,
                color: str | None = None, font_dirs=None) -> Image.Image:
    raise NotImplementedError
