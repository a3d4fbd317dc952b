"""Engine + refinement + foreground colours = one cutout. The defaults here are the ones the benchmark
(bench/matting.py, bench/RESULTS-matting.md) chose; the app uses `cutout` with them."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from PIL import Image

from .base import Matter, to_rgb
from .compose import cutout as compose_cutout
from .refine import estimate_foreground, refine_alpha

# Chosen by bench/matting.py on the 27 alphamatting.com photos (see bench/RESULTS-matting.md).
DEFAULT_U2NETP_OPTIONS: dict = {"size": 320, "flip": False, "keep_aspect": False}
DEFAULT_REFINE = "guided+sharpen"
DEFAULT_DECONTAMINATE = True


@dataclass(frozen=True)
class Cutout:
    rgba: Image.Image           # cutout, same size as the input
    alpha: np.ndarray           # HxW float32 in [0, 1] after refinement
    engine: str                 # which model made the matte ("modnet", "u2netp", ...)
    refine: str
    timings: dict = field(default_factory=dict)

    def matte_image(self) -> Image.Image:
        return Image.fromarray(np.round(np.clip(self.alpha, 0, 1) * 255).astype(np.uint8), "L")


def cutout(matter: Matter, image: Image.Image, *, refine: str = DEFAULT_REFINE,
           decontaminate: bool = DEFAULT_DECONTAMINATE) -> Cutout:
    rgb = to_rgb(image)
    t0 = time.perf_counter()
    alpha = matter.predict_alpha(rgb)
    t1 = time.perf_counter()
    pixels = np.asarray(rgb)
    alpha = refine_alpha(pixels, alpha, method=refine)
    t2 = time.perf_counter()
    fg = estimate_foreground(pixels, alpha) if decontaminate else None
    rgba = compose_cutout(rgb, alpha, fg)
    t3 = time.perf_counter()
    return Cutout(rgba=rgba, alpha=alpha, engine=matter.name, refine=refine,
                  timings={"model": t1 - t0, "refine": t2 - t1, "compose": t3 - t2, "total": t3 - t0})


def cutout_from_alpha(image: Image.Image, alpha: np.ndarray, *, decontaminate: bool = DEFAULT_DECONTAMINATE
                      ) -> Image.Image:
    """A cutout from a given (e.g. hand-edited) matte."""
    rgb = to_rgb(image)
    fg = estimate_foreground(np.asarray(rgb), alpha) if decontaminate else None
    return compose_cutout(rgb, alpha.astype(np.float32), fg)
