"""`auto`: per photo. MODNet (a portrait matting network) alone where the photo is a portrait; elsewhere
the fusion of both mattes: the pixelwise maximum of U^2-Net-p's (GrabCut-refined) and MODNet's
(sharpened), so that what either network finds on the subject is kept (``fuse``); each misses different parts (U^2-Net-p the
half-transparent parts of objects, MODNet non-human parts and blurred faces), and GrabCut's nearly binary
matte adds no haze. Measured in bench/RESULTS-matting.md (matting-eval and people/).

The portrait test is one general rule, not fitted to a benchmark: a frontal face found by the LBP
frontal-face cascade that ships offline with scikit-image (OpenCV's ``lbpcascade_frontalface``; the
OpenCV 5 wheel has no cascades) on a copy whose longer side is 320 px, with the detector's usual
settings, and whose centre lies on U^2-Net-p's foreground (alpha > 0.5). A face on a poster or a
doll's face in a box of toys is not the photo's subject unless U^2-Net-p picks it out as such.
The choice and its reason come back with the matte (``Choice``) so that the app can store and show it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from PIL import Image

DETECT_SIDE = 320          # longer side of the copy the face detector looks at
MIN_FACE = 20              # px on that copy: the cascade's own window is 24 px
MIN_NEIGHBOURS = 4         # detections merged into one face, as OpenCV's examples use


@dataclass(frozen=True)
class Choice:
    chose: str             # "modnet" (a portrait), "fusion" (both mattes, maximum) or "u2netp"
    reason: str            # "face" | "no_face" | "face_not_subject" | "no_detector"
    faces: int = 0         # frontal faces found (before the subject check)

    def as_dict(self) -> dict:
        return {"chose": self.chose, "reason": self.reason, "faces": self.faces}


@lru_cache(maxsize=1)
def _cascade():
    from skimage import data
    from skimage.feature import Cascade

    return Cascade(data.lbp_frontal_face_cascade_filename())


def detect_faces(rgb: Image.Image) -> list[tuple[float, float, float]]:
    """Frontal faces as (centre x, centre y, width) in the photo's own pixels."""
    grey = rgb.convert("L")
    scale = min(1.0, DETECT_SIDE / max(grey.size))
    if scale < 1.0:
        grey = grey.resize((max(1, round(grey.width * scale)), max(1, round(grey.height * scale))), Image.BILINEAR)
    if min(grey.size) < MIN_FACE:
        return []
    side = max(grey.size)
    found = _cascade().detect_multi_scale(np.asarray(grey, np.float32) / 255.0, scale_factor=1.2, step_ratio=1,
                                          min_size=(MIN_FACE, MIN_FACE), max_size=(side, side),
                                          min_neighbor_number=MIN_NEIGHBOURS)
    return [((d["c"] + d["width"] / 2) / scale, (d["r"] + d["height"] / 2) / scale, d["width"] / scale)
            for d in found]


def choose(rgb: Image.Image, object_alpha: np.ndarray) -> Choice:
    """MODNet when a frontal face lies on U^2-Net-p's foreground, else the fusion of both."""
    try:
        faces = detect_faces(rgb)
    except (ImportError, OSError):  # scikit-image missing: say so rather than fail the cutout
        return Choice("fusion", "no_detector")
    if not faces:
        return Choice("fusion", "no_face")
    h, w = object_alpha.shape
    for x, y, _ in faces:
        if object_alpha[min(h - 1, int(y)), min(w - 1, int(x))] > 0.5:
            return Choice("modnet", "face", len(faces))
    return Choice("fusion", "face_not_subject", len(faces))


def fuse(objects: np.ndarray, portrait: np.ndarray) -> np.ndarray:
    """The pixelwise maximum of the two mattes, where MODNet may extend U^2-Net-p's subject but not add
    pieces of its own: its solid pieces (alpha > 0.5) that touch nothing U^2-Net-p holds solid are
    dropped, with their soft edges (pixels farther than 1 % of the diagonal from what is kept)."""
    import cv2

    solid = objects > 0.5
    _, labels = cv2.connectedComponents((portrait > 0.5).astype(np.uint8), connectivity=8)
    touching = np.unique(labels[solid & (labels > 0)])
    keep = (np.isin(labels, touching[touching > 0]) | solid).astype(np.uint8)
    r = max(4, int(0.01 * np.hypot(*objects.shape)))
    near = cv2.dilate(keep, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))) > 0
    return np.maximum(objects, np.where(near, portrait, 0)).astype(np.float32)


class AutoMatter:
    """Both engines behind one name; ml.matting.pipeline asks it for the refined matte and the choice."""

    name = "auto"

    def __init__(self, *, objects, portraits) -> None:
        self.objects, self.portraits = objects, portraits

    def matte(self, rgb: Image.Image, *, refine: str, portrait_refine: str):
        """(refined matte, Choice, engine label, refinement label)."""
        from .refine import refine_alpha

        pixels = np.asarray(rgb)
        raw = self.objects.predict_alpha(rgb)
        choice = choose(rgb, raw)
        portrait = refine_alpha(pixels, self.portraits.predict_alpha(rgb), method=portrait_refine)
        if choice.chose == "modnet":
            return portrait, choice, self.portraits.name, portrait_refine
        objects = refine_alpha(pixels, raw, method=refine)
        label = f"{self.objects.name}+{self.portraits.name}"
        return fuse(objects, portrait), choice, label, f"{refine} | {portrait_refine}"

    def engine_named(self, chose: str):
        return self.portraits if chose == "modnet" else self

    def predict_alpha(self, image: Image.Image) -> np.ndarray:
        from .base import to_rgb

        return self.matte(to_rgb(image), refine="none", portrait_refine="none")[0]
