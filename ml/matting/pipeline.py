"""Engine + refinement + foreground colours = one cutout. The defaults here are the ones the benchmark
(bench/matting.py, bench/RESULTS-matting.md) chose; the app uses `cutout` with them."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from PIL import Image

from .base import Matter, to_rgb
from .compose import cutout as compose_cutout
from .compose import unit_to_u8
from .refine import estimate_foreground, refine_alpha

# Chosen by bench/matting.py on the 27 alphamatting.com photos (see bench/RESULTS-matting.md).
DEFAULT_U2NETP_OPTIONS: dict = {"size": 320, "flip": False, "keep_aspect": False}
DEFAULT_REFINE = "grabcut+guided+sharpen"
DEFAULT_DECONTAMINATE = True
# What `auto` applies to MODNet's matte in place of DEFAULT_REFINE: chosen leave-one-out on people/ (no
# ground truth: fewest stray islands, then least haze; sharpen 15 of 16 times) and also the best of MODNet's
# refinements on matting-eval by SAD (bench/RESULTS-matting.md).
AUTO_PORTRAIT_REFINE = "sharpen"


@dataclass(frozen=True)
class Cutout:
    rgba: Image.Image           # cutout, same size as the input
    alpha: np.ndarray           # HxW float32 in [0, 1] after refinement
    engine: str                 # which model made the matte ("modnet", "u2netp", ...)
    refine: str
    timings: dict = field(default_factory=dict)
    auto: dict | None = None    # engine `auto`: {"chose", "reason", "faces"} (ml.matting.auto.Choice)

    def matte_image(self) -> Image.Image:
        return Image.fromarray(unit_to_u8(self.alpha), "L")


def engines(name: str) -> tuple[type, ...]:
    """The engine classes behind the name `name`, in the order make_matter tries them: the first whose
    `availability()` says it can run here is the one that runs."""
    from .modnet_engine import ModnetMatter, ModnetOnnxMatter, ShippedModnetMatter
    from .u2net_engine import U2NetpMatter

    choices = {"u2netp": (U2NetpMatter,), "modnet": (ModnetMatter, ShippedModnetMatter), "modnet-onnx": (ModnetOnnxMatter,)}
    if name not in choices:
        raise ValueError(f"unknown matting engine {name!r}; use auto, {', '.join(choices)}")
    return choices[name]


def engine_for(name: str, weights_dir=None) -> tuple[type | None, str]:
    """(the engine class that `name` runs here, "") or (None, why none can)."""
    reason = ""
    for cls in engines(name):
        ok, reason = cls.availability(weights_dir=weights_dir)
        if ok:
            return cls, ""
    return None, reason


def make_matter(name: str = "auto", *, weights_dir=None, device: str = "cpu") -> Matter:
    """``modnet``: the official photographic checkpoint when it is in ``weights_dir`` (PyTorch), else the
    MODNet ONNX file that ships with the studio (sha256 checked). ``auto``: per photo (ml.matting.auto),
    MODNet (as ``modnet`` builds it) where a frontal face lies on U^2-Net-p's foreground, else U^2-Net-p;
    plain U^2-Net-p when no MODNet can run here (shipped file missing or failing its check, no checkpoint).
    ``modnet-onnx``: an own export ``weights_dir/modnet.onnx`` when there, else the shipped file;
    ``u2netp`` picks U^2-Net-p. The result's ``engine`` says which ran. (The app builds engines through
    ml.registry; this is the same rule for scripts and tests.)"""
    if name == "auto":
        from .auto import AutoMatter

        objects = make_matter("u2netp", weights_dir=weights_dir, device=device)
        if engine_for("modnet", weights_dir)[0] is None:
            return objects
        return AutoMatter(objects=objects, portraits=make_matter("modnet", weights_dir=weights_dir, device=device))
    choices = engines(name)
    # when none can run, the last one is built anyway: its error names the missing or damaged file
    cls = engine_for(name, weights_dir)[0] or choices[-1]
    if name == "u2netp":
        return cls(weights_dir=weights_dir, device=device, **DEFAULT_U2NETP_OPTIONS)
    if name == "modnet-onnx":
        return cls(path=cls.model_file(weights_dir), device=device)
    return cls(weights_dir=weights_dir, device=device)


def matte(matter: Matter, image: Image.Image, *, refine: str = DEFAULT_REFINE) -> np.ndarray:
    """The refined matte alone (HxW float32 in [0, 1]), exactly as `cutout` computes it: what the
    benchmark scores, without the cost of foreground colours and compositing."""
    return _matte(matter, to_rgb(image), refine)[0]


def portrait_refine(refine: str) -> str:
    """The refinement `auto` applies to MODNet's matte when the default was asked for (measured on
    people/, bench/RESULTS-matting.md); an explicit choice is applied as asked."""
    return AUTO_PORTRAIT_REFINE if refine == DEFAULT_REFINE else refine


def _matte(matter, rgb: Image.Image, refine: str) -> tuple[np.ndarray, np.ndarray, dict, str, dict]:
    from .auto import AutoMatter

    t0 = time.perf_counter()
    pixels = np.asarray(rgb)
    if isinstance(matter, AutoMatter):  # chooses, runs and refines per photo; "model": all but the refinement
        stages: dict = {}
        alpha, choice, engine, refine = matter.matte(rgb, refine=refine, portrait_refine=portrait_refine(refine),
                                                     timings=stages)
        total = time.perf_counter() - t0
        timings = {"model": total - stages.get("refine", 0.0), "refine": stages.get("refine", 0.0),
                   **{f"auto_{k}": v for k, v in stages.items() if k != "refine"}}
        return alpha, pixels, timings, refine, {"engine": engine, "auto": choice.as_dict()}
    alpha = matter.predict_alpha(rgb)
    t1 = time.perf_counter()
    alpha = refine_alpha(pixels, alpha, method=refine)
    t2 = time.perf_counter()
    return alpha, pixels, {"model": t1 - t0, "refine": t2 - t1}, refine, {"engine": matter.name, "auto": None}


def cutout(matter: Matter, image: Image.Image, *, refine: str = DEFAULT_REFINE,
           decontaminate: bool = DEFAULT_DECONTAMINATE) -> Cutout:
    rgb = to_rgb(image)
    t0 = time.perf_counter()
    alpha, pixels, timings, refine, info = _matte(matter, rgb, refine)
    t2 = time.perf_counter()
    fg = estimate_foreground(pixels, alpha) if decontaminate else None
    rgba = compose_cutout(rgb, alpha, fg)
    t3 = time.perf_counter()
    return Cutout(rgba=rgba, alpha=alpha, engine=info["engine"], refine=refine,
                  timings={**timings, "compose": t3 - t2, "total": t3 - t0}, auto=info["auto"])


def cutout_from_alpha(image: Image.Image, alpha: np.ndarray, *, decontaminate: bool = DEFAULT_DECONTAMINATE
                      ) -> Image.Image:
    """A cutout from a given (e.g. hand-edited) matte."""
    rgb = to_rgb(image)
    fg = estimate_foreground(np.asarray(rgb), alpha) if decontaminate else None
    return compose_cutout(rgb, alpha.astype(np.float32), fg)
