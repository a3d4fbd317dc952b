#!/usr/bin/env python
"""Candidate rules for `auto`, scored on cached mattes (both networks run once per photo). Never part of
the test run. A rule is chosen on the portrait set's dev split and matting-eval only; the first held-out split was
looked at while exploring, so the chosen rule (R1, now ml.matting.auto.fuse) was scored once on the clean
split made afterwards, through the app (bench/matting.py --data bench/out/portrait-set/clean). The
person test (R5, now ml.matting.auto.person) was chosen on the same dev sets and scored once on clean2.

    .venv/bin/python bench/auto_rules.py --data bench/out/portrait-set/dev --data ../shared/data/matting-eval

Per photo it caches (bench/out/auto-cache/<set>/<stem>.npz) U^2-Net-p + the default refinement,
MODNet + sharpen and the frontal faces found, then prints SAD mean / median / over 40 per rule and set.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from matting import load_gt, modnet_matter, pairs  # noqa: E402  (bench/matting.py)
from ml.matting import auto, pipeline  # noqa: E402
from ml.matting.refine import refine_alpha  # noqa: E402
from ml.matting.u2net_engine import U2NetpMatter  # noqa: E402

CACHE = ROOT / "bench" / "out" / "auto-cache"


def cached(data: Path) -> list[dict]:
    u2 = mn = None
    rows = []
    for stem, ip, ap in pairs(data):
        f = CACHE / f"{data.parent.name}-{data.name}" / f"{stem}.npz"
        if not f.is_file():
            if u2 is None:
                u2, mn = U2NetpMatter(**pipeline.DEFAULT_U2NETP_OPTIONS), modnet_matter()
            image = Image.open(ip).convert("RGB")
            pixels = np.asarray(image)
            raw = u2.predict_alpha(image)
            faces = auto.detect_faces(image)
            f.parent.mkdir(parents=True, exist_ok=True)
            np.savez_compressed(f, raw=raw.astype(np.float16),
                                objects=refine_alpha(pixels, raw, method=pipeline.DEFAULT_REFINE).astype(np.float16),
                                portrait=refine_alpha(pixels, mn.predict_alpha(image),
                                                      method=pipeline.AUTO_PORTRAIT_REFINE).astype(np.float16),
                                faces=np.array(faces, np.float32).reshape(-1, 3))
        z = np.load(f)
        row = {"stem": stem, "gt": load_gt(ap), **{k: z[k].astype(np.float32) for k in z.files}}
        crop = f.with_suffix(".crop.npy")  # faces inside the box round MODNet's subject (added later)
        if not crop.is_file():
            box = auto.subject_box(row["portrait"])
            found = auto.detect_faces(Image.open(ip).convert("RGB"), box) if box else []
            np.save(crop, np.array(found, np.float32).reshape(-1, 3))
        row["faces_crop"] = np.load(crop)
        rows.append(row)
    return rows


def face_on_subject(r) -> bool:
    h, w = r["raw"].shape
    return any(r["raw"][min(h - 1, int(y)), min(w - 1, int(x))] > 0.5 for x, y, _ in r["faces"])


def fuse_one_sided(objects, portrait):
    """The fusion before the portrait set: only MODNet's own pieces were dropped."""
    return np.maximum(objects, keep_touching(portrait, objects))


def rule_current(r):
    return r["portrait"] if face_on_subject(r) else fuse_one_sided(r["objects"], r["portrait"])


def rule_modnet(r):
    return r["portrait"]


def rule_u2(r):
    return r["objects"]


def keep_touching(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a's solid pieces that touch b's solid region (or all of a where b has none), with their soft edges."""
    import cv2

    solid_b = b > 0.5
    if not solid_b.any():
        return a
    _, labels = cv2.connectedComponents((a > 0.5).astype(np.uint8), connectivity=8)
    touching = np.unique(labels[solid_b & (labels > 0)])
    keep = (np.isin(labels, touching[touching > 0]) | solid_b).astype(np.uint8)
    r = max(4, int(0.01 * np.hypot(*a.shape)))
    near = cv2.dilate(keep, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))) > 0
    return np.where(near, a, 0).astype(np.float32)


def fuse_symmetric(objects, portrait):
    """Neither network adds a piece the other does not touch (U^2-Net-p's pieces apart from MODNet's
    subject are dropped too, where MODNet found one). Adopted: this is ml.matting.auto.fuse."""
    return auto.fuse(objects, portrait)


def rule_symmetric(r):
    return r["portrait"] if face_on_subject(r) else fuse_symmetric(r["objects"], r["portrait"])


def face_on_modnet(r) -> bool:
    """A face found in the box round MODNet's subject, its centre on MODNet's solid matte."""
    h, w = r["portrait"].shape
    return any(r["portrait"][min(h - 1, int(y)), min(w - 1, int(x))] > 0.5 for x, y, _ in r["faces_crop"])


def rule_symmetric_always(r):
    return fuse_symmetric(r["objects"], r["portrait"])


def rule_modnet_first(r):
    """MODNet runs first; a face in the box round its subject makes a portrait (MODNet alone), else R1."""
    return r["portrait"] if face_on_modnet(r) else fuse_symmetric(r["objects"], r["portrait"])


def rule_modnet_first_plain(r):
    return r["portrait"] if face_on_modnet(r) else fuse_one_sided(r["objects"], r["portrait"])


def solid_iou(r) -> float:
    u, m = r["objects"] > 0.5, r["portrait"] > 0.5
    return float((u & m).sum() / max(1, (u | m).sum()))


def rule_agreement(r):
    """The two mattes' agreement decides: where they agree (IoU of the solid parts >= 0.5) the symmetric
    fusion, where they disagree MODNet alone if it found a subject with a face, else U^2-Net-p's."""
    if solid_iou(r) >= 0.5:
        return fuse_symmetric(r["objects"], r["portrait"])
    return r["portrait"] if face_on_modnet(r) else r["objects"]


def rule_either_face(r):
    """A face on U^2-Net-p's subject (whole photo) or in the box round MODNet's: MODNet alone; else R1."""
    if face_on_subject(r) or face_on_modnet(r):
        return r["portrait"]
    return fuse_symmetric(r["objects"], r["portrait"])


def rule_person(r):
    """R5 (adopted: ml.matting.auto.person): R1, but where no face lies on U^2-Net-p's subject, a face in the
    box round MODNet's subject on its solid matte, with MODNet sure of its matte, makes a portrait too."""
    if face_on_subject(r) or (face_on_modnet(r) and auto.modnet_is_sure(r["portrait"], sharpened=True)):
        return r["portrait"]
    return fuse_symmetric(r["objects"], r["portrait"])


RULES = {"u2netp / default": rule_u2, "modnet / sharpen": rule_modnet, "auto before (one-sided fuse)": rule_current,
         "R1 symmetric fuse": rule_symmetric, "R1 always (no face test)": rule_symmetric_always,
         "R2 MODNet first (face in MODNet's box) + R1": rule_modnet_first,
         "R2 with the one-sided fuse": rule_modnet_first_plain, "R3 agreement (IoU 0.5)": rule_agreement,
         "R4 a face on either subject + R1": rule_either_face,
         "R5 R1 + person test (face in MODNet's box, MODNet sure)": rule_person}


def report(sets: dict[str, list[dict]], rules: dict) -> None:
    print("| rule | " + " | ".join(f"{s} SAD mean / median / over 40" for s in sets) + " |")
    print("|---|" + "---:|" * len(sets))
    for name, rule in rules.items():
        cells = []
        for rows in sets.values():
            sad = [float(np.abs(rule(r) - r["gt"]).sum() / 1000) for r in rows]
            cells.append(f"{statistics.fmean(sad):.1f} / {statistics.median(sad):.1f} / {sum(s > 40 for s in sad)}")
        print(f"| {name} | " + " | ".join(cells) + " |")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, action="append", required=True)
    args = parser.parse_args(argv)
    sets = {f"{d.parent.name}/{d.name}" if d.parent.name == "portrait-set" else d.name: cached(d) for d in args.data}
    report(sets, RULES)


if __name__ == "__main__":
    main()
