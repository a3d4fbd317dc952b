"""A deterministic stand-in for fast unit tests of the Django side: no weights, no model. An image
of one flat colour has no text; any other image "reads" one line naming its size."""

from __future__ import annotations

import numpy as np

from ml.ocr.base import OcrEngine, ReadOptions
from ml.ocr.types import OcrLine, quad_from


class FakeOcrEngine(OcrEngine):
    name = "fake"
    supported = ("ch_sim", "en")

    def __init__(self, **_config) -> None:
        pass

    @property
    def model_name(self) -> str:
        return "fake"

    def _recognize(self, image: np.ndarray, options: ReadOptions) -> list[OcrLine]:
        if (image == image[:1, :1]).all():
            return []
        h, w = image.shape[:2]
        quad = quad_from([(w * 0.1, h * 0.4), (w * 0.9, h * 0.4), (w * 0.9, h * 0.6), (w * 0.1, h * 0.6)])
        return [OcrLine(text=f"fake text {w}x{h}", score=0.99, quad=quad)]
