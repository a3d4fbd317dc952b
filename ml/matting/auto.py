"""`auto`: per photo. MODNet (a portrait matting network) alone where the photo is a portrait; elsewhere
the fusion of both mattes (``fuse``): the pixelwise maximum of U^2-Net-p's (GrabCut-refined) and MODNet's
(sharpened), so that what either network finds on the subject is kept, but neither may add a piece the
other does not touch. Each misses different parts (U^2-Net-p the half-transparent parts of objects,
MODNet non-human parts and blurred faces), and GrabCut's nearly binary matte adds no haze. Chosen among
candidate rules on the portrait set's dev split and matting-eval, scored once on a clean held-out split
(bench/auto_rules.py, bench/RESULTS-matting.md).

The portrait test is one general rule, not fitted to a benchmark: a frontal face found by the LBP
frontal-face cascade that ships offline with scikit-image (OpenCV's ``lbpcascade_frontalface``; the
OpenCV 5 wheel has no cascades) on a copy whose longer side is 320 px, with the detector's usual
settings, and whose centre lies on U^2-Net-p's foreground (alpha > 0.5). A face on a poster or a
doll's face in a box of toys is not the photo's subject unless U^2-Net-p picks it out as such.
Where no face lies on U^2-Net-p's subject (a small person's face is under 20 px on that copy), the person
test looks again inside the box round MODNet's subject, which the cascade then sees at up to 320 px, so a
small person's face is larger to it: a face there whose centre lies on MODNet's solid matte, with MODNet
sure of its matte (its soft band under a quarter of its solid part; a hazy matte is where MODNet failed on
a person in armour), makes the photo a portrait too. Chosen on dev only (bench/auto_rules.py, R5).
The choice and its reason come back with the matte (``Choice``) so that the app can store and show it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from PIL import Image

DETECT_SIDE = 320          # longer side of the copy the face detector looks at
MIN_FACE = 20              # px on that copy: the cascade's own window is 24 px
MIN_NEIGHBOURS = 4         # detections merged into one face, as OpenCV's examples use
MAX_SOFT = 0.25            # MODNet's soft band (0.05 < alpha < 0.95, sharpened) per solid pixel: above, unsure


@dataclass(frozen=True)
class Choice:
    chose: str             # "modnet" (a portrait), "fusion" (both mattes, maximum) or "u2netp"
    reason: str            # "face" | "person" | "no_face" | "face_not_subject" | "no_detector"
    faces: int = 0         # frontal faces found (before the subject check)

    def as_dict(self) -> dict:
        return {"chose": self.chose, "reason": self.reason, "faces": self.faces}


@lru_cache(maxsize=1)
def _cascade():
    from skimage import data
    from skimage.feature import Cascade

    return Cascade(data.lbp_frontal_face_cascade_filename())


def subject_box(alpha: np.ndarray) -> tuple[int, int, int, int] | None:
    """The box round a matte's solid part (alpha > 0.5), widened by a tenth of its size on each side so
    that a face at its edge keeps some context; None when nothing is solid."""
    rows, cols = np.nonzero((alpha > 0.5).any(axis=1))[0], np.nonzero((alpha > 0.5).any(axis=0))[0]
    if not len(rows):
        return None
    h, w = alpha.shape
    top, bottom, left, right = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
    py, px = (bottom - top) // 10, (right - left) // 10
    return int(max(0, left - px)), int(max(0, top - py)), int(min(w, right + px)), int(min(h, bottom + py))


def detect_faces(rgb: Image.Image, box: tuple[int, int, int, int] | None = None) -> list[tuple[float, float, float]]:
    """Frontal faces as (centre x, centre y, width) in the photo's own pixels; with `box`, only inside it
    (the detector then sees that part at up to DETECT_SIDE px, so a small person's face is larger to it)."""
    grey = rgb.convert("L")
    x0, y0 = (box[0], box[1]) if box else (0, 0)
    if box:
        grey = grey.crop(box)
    scale = min(1.0, DETECT_SIDE / max(grey.size))
    if scale < 1.0:
        grey = grey.resize((max(1, round(grey.width * scale)), max(1, round(grey.height * scale))), Image.BILINEAR)
    if min(grey.size) < MIN_FACE:
        return []
    side = max(grey.size)
    found = _cascade().detect_multi_scale(np.asarray(grey, np.float32) / 255.0, scale_factor=1.2, step_ratio=1,
                                          min_size=(MIN_FACE, MIN_FACE), max_size=(side, side),
                                          min_neighbor_number=MIN_NEIGHBOURS)
    return [(x0 + (d["c"] + d["width"] / 2) / scale, y0 + (d["r"] + d["height"] / 2) / scale, d["width"] / scale)
            for d in found]


def choose(rgb: Image.Image, object_alpha: np.ndarray) -> Choice:
    """MODNet when a frontal face lies on U^2-Net-p's foreground, else the fusion of both (for now: `person`
    may still make it a portrait once MODNet's matte is known)."""
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


def modnet_is_sure(portrait_alpha: np.ndarray, *, sharpened: bool = False) -> bool:
    """MODNet's matte, sharpened as `auto` refines it (`sharpened`: it already is), has a soft band under
    MAX_SOFT of its solid part."""
    from .refine import sharpen

    sharp = portrait_alpha if sharpened else sharpen(portrait_alpha)
    solid = int((sharp > 0.5).sum())
    return solid > 0 and ((sharp > 0.05) & (sharp < 0.95)).sum() < MAX_SOFT * solid


def person(rgb: Image.Image, portrait_alpha: np.ndarray) -> Choice | None:
    """The person test, where the whole-photo face test found no face on U^2-Net-p's subject: a frontal
    face in the box round MODNet's subject, its centre on MODNet's solid matte, and MODNet sure of its
    matte -> a portrait (reason "person"); None otherwise (the first choice stands)."""
    box = subject_box(portrait_alpha)
    if box is None or not modnet_is_sure(portrait_alpha):
        return None
    try:
        faces = detect_faces(rgb, box)
    except (ImportError, OSError):
        return None
    h, w = portrait_alpha.shape
    if any(portrait_alpha[min(h - 1, int(y)), min(w - 1, int(x))] > 0.5 for x, y, _ in faces):
        return Choice("modnet", "person", len(faces))
    return None


def _touching(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """`a` less its solid pieces (alpha > 0.5) that touch nothing `b` holds solid, and less their soft edges
    (pixels farther than 1 % of the diagonal from what is kept). All of `a` where `b` holds nothing solid or
    where no piece of `a` touches `b`: the two networks then disagree on what the subject is, and dropping
    both would leave nothing."""
    import cv2

    solid_b = b > 0.5
    if not solid_b.any():
        return a
    _, labels = cv2.connectedComponents((a > 0.5).astype(np.uint8), connectivity=8)
    touching = np.unique(labels[solid_b & (labels > 0)])
    if not (touching > 0).any():
        return a
    keep = (np.isin(labels, touching[touching > 0]) | solid_b).astype(np.uint8)
    r = max(4, int(0.01 * np.hypot(*a.shape)))
    near = cv2.dilate(keep, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))) > 0
    return np.where(near, a, 0)


def fuse(objects: np.ndarray, portrait: np.ndarray) -> np.ndarray:
    """The pixelwise maximum of the two mattes, where each network may extend the subject the other holds
    but neither adds a piece of its own: a solid piece of one that touches nothing the other holds solid is
    dropped. Symmetric since the portrait set (bench/RESULTS-matting.md): where the face test misses a small
    face, U^2-Net-p's pieces of background (a sign, a cup beside the person) were kept by the one-sided rule."""
    return np.maximum(_touching(objects, portrait), _touching(portrait, objects)).astype(np.float32)


class AutoMatter:
    """Both engines behind one name; ml.matting.pipeline asks it for the refined matte and the choice."""

    name = "auto"

    def __init__(self, *, objects, portraits) -> None:
        self.objects, self.portraits = objects, portraits

    def matte(self, rgb: Image.Image, *, refine: str, portrait_refine: str, timings: dict | None = None):
        """(refined matte, Choice, engine label, refinement label); `timings` gets each stage's seconds."""
        import time

        from .refine import refine_alpha

        t = timings if timings is not None else {}
        clock = time.perf_counter()

        def lap(stage: str) -> None:
            nonlocal clock
            now = time.perf_counter()
            t[stage] = t.get(stage, 0.0) + now - clock
            clock = now

        pixels = np.asarray(rgb)
        raw = self.objects.predict_alpha(rgb)
        lap("u2netp")
        choice = choose(rgb, raw)
        lap("faces")
        portrait = self.portraits.predict_alpha(rgb)
        lap("modnet")
        if choice.reason in ("no_face", "face_not_subject"):
            choice = person(rgb, portrait) or choice
            lap("person")
        portrait = refine_alpha(pixels, portrait, method=portrait_refine)
        lap("refine")
        if choice.chose == "modnet":
            return portrait, choice, self.portraits.name, portrait_refine
        objects = refine_alpha(pixels, raw, method=refine)
        lap("refine")
        fused = fuse(objects, portrait)
        lap("fuse")
        label = f"{self.objects.name}+{self.portraits.name}"
        return fused, choice, label, f"{refine} | {portrait_refine}"

    def engine_named(self, chose: str):
        return self.portraits if chose == "modnet" else self

    def predict_alpha(self, image: Image.Image) -> np.ndarray:
        from .base import to_rgb

        return self.matte(to_rgb(image), refine="none", portrait_refine="none")[0]
