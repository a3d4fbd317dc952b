"""The interface every OCR engine implements, and the steps shared by all of them: image preparation
(RGB, upscaling of small images), the confidence threshold, fragment merging, reading order and
paragraphs. An engine only implements `_recognize` (RGB array in, raw lines out)."""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import numpy as np
from PIL import Image

from ml.ocr import layout
from ml.ocr.text import normalize
from ml.ocr.types import OcrLine, OcrResult, quad_from


class OcrError(Exception):
    """An expected failure a user can act on (for example missing weights); `code` is stable."""

    def __init__(self, message: str, *, code: str = "ocr_error", extra: dict | None = None):
        super().__init__(message)
        self.message, self.code, self.extra = message, code, extra or {}


class MissingWeightsError(OcrError):
    def __init__(self, message: str, *, languages: list[str], command: str):
        super().__init__(message, code="model_missing", extra={"languages": languages, "command": command})
        self.languages, self.command = languages, command


@dataclass(frozen=True)
class ReadOptions:
    languages: tuple[str, ...] = ("ch_sim", "en")
    min_score: float = 0.5          # lines below this confidence are dropped
    upscale: bool = True            # enlarge small images before detection
    rotated: bool = True            # use the angle classifier (text turned upside down)
    paragraphs: bool = False        # group lines into paragraphs
    merge_fragments: bool = True    # join pieces of one visual line


# Images whose longer side is under this are enlarged (at most UPSCALE_MAX times) before detection:
# detectors miss or merge small glyphs, recognisers see them better enlarged.
UPSCALE_BELOW = 320
UPSCALE_TARGET = 640
UPSCALE_MAX = 4.0


def to_rgb_array(image) -> np.ndarray:
    if isinstance(image, (str, Path)):
        with Image.open(image) as img:
            return np.asarray(img.convert("RGB"))
    if isinstance(image, Image.Image):
        return np.asarray(image.convert("RGB"))
    array = np.asarray(image)
    if array.ndim == 2:
        array = np.stack([array] * 3, axis=-1)
    if array.shape[-1] == 4:
        array = array[..., :3]
    return np.ascontiguousarray(array.astype(np.uint8))


def upscale_factor(width: int, height: int) -> float:
    longest = max(width, height)
    if longest >= UPSCALE_BELOW or longest == 0:
        return 1.0
    return round(min(UPSCALE_MAX, UPSCALE_TARGET / longest), 3)


class OcrEngine(ABC):
    name: ClassVar[str]
    #: languages this engine may read, in EasyOCR's codes ("en", "ch_sim", ...)
    supported: ClassVar[tuple[str, ...]] = ()
    #: whether ReadOptions.merge_fragments applies: engines whose detector returns word pieces
    joins_fragments: ClassVar[bool] = True

    @classmethod
    def availability(cls, **config) -> tuple[bool, str]:
        """(usable, reason when not): packages importable and weights present."""
        return True, ""

    @classmethod
    def languages_present(cls, **config) -> dict[str, bool]:
        """Each supported language and whether its weights are present."""
        return {lang: True for lang in cls.supported}

    @property
    def model_name(self) -> str:
        return self.name

    def model_for(self, languages: tuple[str, ...]) -> str:
        return self.model_name

    @abstractmethod
    def _recognize(self, image: np.ndarray, options: ReadOptions) -> list[OcrLine]:
        """RGB uint8 array in, raw lines (any order, quads in this array's pixels) out."""

    def read(self, image, options: ReadOptions | None = None, **overrides) -> OcrResult:
        options = options or ReadOptions()
        if overrides:
            options = ReadOptions(**{**options.__dict__, **overrides})
        started = time.perf_counter()
        array = to_rgb_array(image)
        height, width = array.shape[:2]
        factor = upscale_factor(width, height) if options.upscale else 1.0
        work = array
        if factor != 1.0:
            work = np.asarray(
                Image.fromarray(array).resize((round(width * factor), round(height * factor)), Image.LANCZOS)
            )
        lines = []
        for line in self._recognize(work, options):
            text = normalize(" ".join(line.text.split()))
            if not text or line.score < options.min_score:
                continue
            quad = line.quad if factor == 1.0 else quad_from([(x / factor, y / factor) for x, y in line.quad])
            lines.append(OcrLine(text=text, score=float(line.score), quad=quad))
        if options.merge_fragments and self.joins_fragments:
            lines = layout.merge_fragments(lines)
        lines = layout.reading_order(lines)
        groups = layout.paragraphs(lines) if options.paragraphs else []
        return OcrResult(
            lines=lines, engine=self.name, model=self.model_for(options.languages), width=width, height=height,
            languages=tuple(options.languages), paragraphs=groups, seconds=time.perf_counter() - started,
            upscaled=factor,
        )
