"""Reading placed text back with OCR, box by box."""

from __future__ import annotations

from PIL import Image

from ml.text.types import ReadBack


def read_back(image: Image.Image, boxes, reader=None) -> list[ReadBack]:
    """boxes: TextBox objects, or (quad, expected_text) pairs."""
    raise NotImplementedError
