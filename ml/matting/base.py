"""What every matting engine shares: the interface and the result types (no Django, no model at import)."""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import numpy as np
from PIL import Image


class WeightsMissingError(FileNotFoundError):
    """The engine's weights file is not where the caller said it would be."""


class ChecksumMismatchError(ValueError):
    """A weights file is present but is not the file we know (corrupted or replaced)."""


@dataclass(frozen=True)
class MatteResult:
    """alpha: HxW float32 in [0, 1], the size of the input; engine: which model made it."""

    alpha: np.ndarray
    engine: str
    seconds: float
    details: dict = field(default_factory=dict)

    def to_image(self) -> Image.Image:
        """The matte as an 8-bit greyscale image."""
        return Image.fromarray(np.round(np.clip(self.alpha, 0, 1) * 255).astype(np.uint8), "L")


def to_rgb(image: Image.Image) -> Image.Image:
    """RGB view of any PIL image; a transparent input is flattened on white as a viewer would show it."""
    if image.mode == "RGB":
        return image
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert("RGB")


class Matter(ABC):
    """One loaded matting model. Built once per worker process; `predict` is pure."""

    name: ClassVar[str]

    def __init__(self, *, weights_dir: Path | str | None = None, device: str = "cpu") -> None:
        self.weights_dir = Path(weights_dir) if weights_dir is not None else None
        self.device = device

    @abstractmethod
    def predict_alpha(self, image: Image.Image) -> np.ndarray:
        """RGB image in, HxW float32 alpha in [0, 1] out, same size as the input."""

    def predict(self, image: Image.Image) -> MatteResult:
        start = time.perf_counter()
        alpha = self.predict_alpha(to_rgb(image))
        return MatteResult(alpha=alpha, engine=self.name, seconds=time.perf_counter() - start)

    def remove_background(self, image: Image.Image) -> Image.Image:
        """RGB in, RGBA cutout out, same size (no refinement; see ml.matting.pipeline for that)."""
        from .compose import cutout

        rgb = to_rgb(image)
        return cutout(rgb, self.predict_alpha(rgb))
