"""Text removal: find the text's pixels (ml.text.mask), then fill them (ml.text.fill). The public
names of both, and remove_lines, which does the two in turn."""

from __future__ import annotations

from PIL import Image

from ml.text.fill import METHODS, fill_layers, membrane_fill, remove_text
from ml.text.mask import glyph_mask, glyph_mask_colours, text_mask

__all__ = ["METHODS", "fill_layers", "glyph_mask", "glyph_mask_colours", "membrane_fill", "remove_lines",
           "remove_text", "text_mask"]


def remove_lines(image: Image.Image, quads, *, method: str = "default", dilate: int = 2, learned=None) -> Image.Image:
    """text_mask + remove_text."""
    return remove_text(image, text_mask(image, quads, dilate=dilate), method=method, learned=learned)
