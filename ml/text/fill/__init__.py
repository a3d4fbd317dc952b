"""Filling the masked pixels of a photo from their surroundings (text removal's second half; the
mask is ml.text.mask's). remove_text dispatches on the method:

- "default", ours (fill_layers): straight structure the text crossed continued first (lines.py),
  then a membrane fill (membrane.py), then, glyph by glyph, a shifted copy of texture that repeats
  (shift.py) or texture synthesised where it does not (synthesis.py), its detail only laid on the
  membrane fill;
- "lama": a learned fill passed in (ml/text/lama.py), when its weights are here;
- "telea" and "ns": OpenCV's, the baselines."""

from __future__ import annotations

import numpy as np
from PIL import Image

from ml.text.fill.lines import continue_lines
from ml.text.fill.membrane import CHROMA_CLEAR, chroma_from_afar, membrane_fill, membranes
from ml.text.fill.shift import shift_fill
from ml.text.fill.synthesis import SYNTH_DETAIL, SYNTH_STRUCTURE, keep_detail, synthesise
from ml.text.types import TextError

METHODS = ("default", "lama", "telea", "ns")   # "lama" only with its weights (ml/text/lama.py)

__all__ = ["METHODS", "fill_layers", "membrane_fill", "remove_text"]


def fill_layers(rgb: np.ndarray, mask: np.ndarray, avoid: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(the default fill, the membrane fill alone), uint8 HxWx3 each. The default: straight structure
    continued through the mask first (continue_lines), the membrane fill round it, then shifted
    texture where the surroundings repeat (shift_fill), and synthesised texture where they are
    textured but do not repeat (synthesise): its detail on the membrane fill (keep_detail). New text
    drawn over a fill reads better on the smooth one (modify_text). `avoid`: pixels never copied into
    the fill (other lines of text beside the one being replaced)."""
    src = rgb.astype(np.float64)
    out = membranes(src, mask)
    band, painted = continue_lines(src, mask, out)
    if band.any():
        src, mask = painted, mask & ~band
        out = membranes(src, mask, previous=out, touched=band)
    if CHROMA_CLEAR and mask.any():
        chroma_from_afar(src, mask, out)
    membrane = out.copy()
    blocked = mask if avoid is None else mask | avoid
    texture = shift_fill(src, mask, out, blocked)
    if texture.any():
        shifted = out.copy()
        synthesise(src, blocked, texture > 0, out)
        for kind, sigma in ((1, SYNTH_DETAIL), (2, SYNTH_STRUCTURE)):
            if (texture == kind).any():
                keep_detail(shifted, out, texture == kind, sigma)
    return np.clip(out + 0.5, 0, 255).astype(np.uint8), np.clip(membrane + 0.5, 0, 255).astype(np.uint8)


def remove_text(image: Image.Image, mask: Image.Image, *, method: str = "default", learned=None) -> Image.Image:
    """Fills the pixels where `mask` (L, >127 = text) is set. Returns a new image, same mode.
    `learned`: for method "lama", the loaded network (ml.text.lama.LamaInpainter, or anything with
    its `fill(rgb, mask) -> rgb`)."""
    import cv2

    if method not in METHODS:
        raise TextError("bad_option", f"removal method {method!r} is not one of {', '.join(METHODS)}")
    if method == "lama" and learned is None:
        raise TextError("model_missing", "the lama method needs its network (ml.text.lama.LamaInpainter)")
    mode = image.mode
    rgb = np.asarray(image.convert("RGB"))
    m = np.asarray(mask.convert("L").resize(image.size) if mask.size != image.size else mask.convert("L")) > 127
    if not m.any():
        return image.copy()
    if method == "telea":
        out = cv2.inpaint(rgb, m.astype(np.uint8) * 255, 3, cv2.INPAINT_TELEA)
    elif method == "ns":
        out = cv2.inpaint(rgb, m.astype(np.uint8) * 255, 3, cv2.INPAINT_NS)
    elif method == "lama":
        out = learned.fill(rgb, m)
    else:
        out = fill_layers(rgb, m)[0]
    result = Image.fromarray(out, "RGB")
    if mode == "RGBA":
        result.putalpha(image.getchannel("A"))
    elif mode in ("L", "LA"):
        result = result.convert(mode) if mode == "L" else Image.merge("LA", (result.convert("L"), image.getchannel("A")))
    return result
