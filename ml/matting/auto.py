"""`auto`: one engine per photo. MODNet (a portrait matting network) where the photo is a portrait,
U^2-Net-p (salient objects) otherwise.

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
    chose: str             # "modnet" or "u2netp"
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
    """MODNet when a frontal face lies on U^2-Net-p's foreground, else U^2-Net-p."""
    try:
        faces = detect_faces(rgb)
    except (ImportError, OSError):  # scikit-image missing: say so rather than fail the cutout
        return Choice("u2netp", "no_detector")
    if not faces:
        return Choice("u2netp", "no_face")
    h, w = object_alpha.shape
    for x, y, _ in faces:
        if object_alpha[min(h - 1, int(y)), min(w - 1, int(x))] > 0.5:
            return Choice("modnet", "face", len(faces))
    return Choice("u2netp", "face_not_subject", len(faces))


class AutoMatter:
    """Both engines behind one name; ml.matting.pipeline asks it for the choice, then the chosen matte."""

    name = "auto"

    def __init__(self, *, objects, portraits) -> None:
        self.objects, self.portraits = objects, portraits

    def choose(self, rgb: Image.Image) -> tuple[Choice, np.ndarray]:
        """The choice, and the matte of the chosen engine (unrefined)."""
        alpha = self.objects.predict_alpha(rgb)
        choice = choose(rgb, alpha)
        if choice.chose == "modnet":
            alpha = self.portraits.predict_alpha(rgb)
        return choice, alpha

    def engine(self, choice: Choice):
        return self.engine_named(choice.chose)

    def engine_named(self, chose: str):
        return self.portraits if chose == "modnet" else self.objects

    def predict_alpha(self, image: Image.Image) -> np.ndarray:
        from .base import to_rgb

        return self.choose(to_rgb(image))[1]
