#!/usr/bin/env python
"""A portrait matting set with ground truth, made by compositing cut-out people (RGBA, their alpha known)
over new busy backgrounds at three scales. Never part of the test run.

    .venv/bin/python bench/portrait_set.py                       # -> bench/out/portrait-set/{dev,heldout}
    .venv/bin/python bench/matting.py --data bench/out/portrait-set/dev --only default,modnet,auto
    .venv/bin/python bench/portrait_set.py --extract /work/.mirror  # re-make bench/data/portraits/cutouts

Sources and licences: bench/data/portraits/SOURCES.md. The people are LayerDiffuse generations (Stable
Diffusion with a transparency decoder): each file's alpha is part of the image itself, so for a composite
I = a*F + (1 - a)*B the alpha a is its exact ground truth (unlike a matting model's estimate for a real
photo, which is not). Backgrounds come from ../shared/data (scikit-image photos with our rendered
lettering, ICDAR scene photos cropped to exclude people) and from the same repositories as the people.

Split by identity and by background: the dev people and backgrounds never appear in the held-out split,
so a rule tuned on dev is scored on people and scenes it has not seen. Each split: every person at
three scales (person height 0.9, 0.6 and 0.35 of the photo) on two backgrounds each, 24 photos, the
longer side 800 px (as matting-eval). Deterministic (fixed seed); images are JPEG quality 92 like a
camera's, alphas 8-bit PNG. Exits 0 with a message when ../shared/data or the cut-outs are missing.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bench" / "data" / "portraits"
SHARED = next((d / "shared" / "data" for d in ROOT.parents if (d / "shared" / "data").is_dir()),
              ROOT.parent / "shared" / "data")
LONG_SIDE = 800
SCALES = (0.9, 0.6, 0.35)
SEED = 16

# name: (split, file under cutouts/)
PEOPLE = {
    "group": ("dev", "hs_group.png"),
    "grandmother": ("dev", "hs_grandmother.png"),
    "curly": ("dev", "ld_curly.png"),
    "armour": ("dev", "dl_armour.png"),
    "dancer": ("heldout", "hs_dancer.png"),
    "baby": ("heldout", "ld_baby.png"),
    "bench": ("heldout", "dl_bench.png"),
    "posed": ("heldout", "dl_posed.png"),
    # the clean held-out split (made after the rule was chosen): two people never seen before ...
    "suit": ("clean", "jn_suit.png"),
    "sitting": ("clean", "jv_sitting.png"),
}
# ... and the held-out people of the first split, in new photos: new backgrounds, scales, mirrored, in pairs
CLEAN_PEOPLE = ("suit", "sitting", "dancer", "baby", "bench", "posed")
CLEAN_SCALES = (0.75, 0.45, 0.25)
CLEAN_PAIRS = (("suit", "dancer"), ("sitting", "bench"), ("baby", "posed"), ("suit", "sitting"))
CLEAN_PAIR_SCALE = 0.5
# name: (split, where, file, crop box or None); where = "shared" (../shared/data) or "repo" (bench/data/portraits)
BACKGROUNDS = {
    "coffee": ("dev", "shared", "text_removal/tr_001_texted.jpg", None),
    "rocket": ("dev", "shared", "text_removal/tr_003_texted.jpg", None),
    "grass": ("dev", "shared", "text_removal/tr_006_texted.jpg", None),
    "sign": ("dev", "shared", "scenetext/images/img_1.jpg", None),
    "room": ("dev", "repo", "backgrounds/hs_room.jpg", None),
    "street": ("dev", "repo", "backgrounds/dl_street.jpg", None),
    "forest": ("dev", "repo", "backgrounds/hs_forest.jpg", None),
    "cat": ("heldout", "shared", "text_removal/tr_002_texted.jpg", None),
    "brick": ("heldout", "shared", "text_removal/tr_005_texted.jpg", None),
    "clock": ("heldout", "shared", "text_removal/tr_007_texted.jpg", None),
    "alarm": ("heldout", "shared", "scenetext/images/img_4.jpg", (0, 0, 1100, 720)),
    "corridor": ("heldout", "shared", "scenetext/images/img_2.jpg", (0, 0, 620, 720)),
    "sofa": ("heldout", "repo", "backgrounds/hs_sofa.jpg", None),
    "park": ("heldout", "repo", "backgrounds/dl_park.jpg", None),
    "office": ("clean", "repo", "backgrounds/jv_office.jpg", None),
    "benchpark": ("clean", "repo", "backgrounds/jv_bench.jpg", None),
    "road": ("clean", "repo", "backgrounds/jv_road.jpg", None),
    "walkway": ("clean", "shared", "scenetext/images/img_9.jpg", (0, 0, 740, 720)),  # people at x > 760
    "gravel": ("clean", "skimage", "gravel.png", None),
    # the second clean split (made after the person test was chosen on dev): backgrounds used nowhere before
    "tower": ("clean2", "shared", "text_removal/tr_018_texted.jpg", None),
    "platform": ("clean2", "shared", "scenetext/images/img_5.jpg", (560, 0, 1280, 720)),  # people at x < 420
    "window": ("clean2", "shared", "scenetext/images/img_8.jpg", (0, 0, 540, 720)),  # a poster with a figure at x > 550
    "stars": ("clean2", "skimage", "hubble_deep_field.jpg", None),
}
SPLITS = ("dev", "heldout", "clean", "clean2")
# the second clean split: the same held-out people at scales and on backgrounds not used before, new seed
CLEAN2_SCALES = (0.8, 0.5, 0.3)
CLEAN2_PAIR_SCALE = 0.4

# --extract: (repository snapshot folder under the mirror root, commit, path, output name, crop box or None)
EXTRACT = [
    ("canvascomputing+human-segmentation", "4a72112ee28b1a0e9d22146fc15befb7d249ce97", "humans/example01.png",
     "cutouts/hs_group.png", None),
    ("canvascomputing+human-segmentation", "4a72112ee28b1a0e9d22146fc15befb7d249ce97", "humans/example02.png",
     "cutouts/hs_dancer.png", None),
    ("canvascomputing+human-segmentation", "4a72112ee28b1a0e9d22146fc15befb7d249ce97", "humans/example03.png",
     "cutouts/hs_grandmother.png", None),
    ("lllyasviel+LayerDiffuse_DiffusersCLI", "3061d9aed52a6c52a13fcf2b196c0fef4d727824",
     "imgs/outputs/i2i_0_transparent.png", "cutouts/ld_curly.png", None),
    ("lllyasviel+LayerDiffuse_DiffusersCLI", "3061d9aed52a6c52a13fcf2b196c0fef4d727824", "imgs/inputs/pad_ip.png",
     "cutouts/ld_baby.png", None),
    ("rootonchair+diffuser_layerdiffuse", "b4150c1ee8e48c2f9dbf1d1083b19a0c5aa83d9d", "assets/dreamshaper_sd.png",
     "cutouts/dl_armour.png", None),
    ("rootonchair+diffuser_layerdiffuse", "b4150c1ee8e48c2f9dbf1d1083b19a0c5aa83d9d",
     "assets/sdxl_bgble2fg_default_scheduler.png", "cutouts/dl_bench.png", None),
    ("rootonchair+diffuser_layerdiffuse", "b4150c1ee8e48c2f9dbf1d1083b19a0c5aa83d9d", "assets/controlnet_output.png",
     "cutouts/dl_posed.png", (0, 0, 512, 512)),  # the left half; the right half is the pose skeleton
    ("canvascomputing+human-segmentation", "4a72112ee28b1a0e9d22146fc15befb7d249ce97", "backgrounds/background01.png",
     "backgrounds/hs_room.jpg", None),
    ("canvascomputing+human-segmentation", "4a72112ee28b1a0e9d22146fc15befb7d249ce97", "backgrounds/background02.png",
     "backgrounds/hs_sofa.jpg", None),
    ("canvascomputing+human-segmentation", "4a72112ee28b1a0e9d22146fc15befb7d249ce97", "backgrounds/background03.png",
     "backgrounds/hs_forest.jpg", None),
    ("rootonchair+diffuser_layerdiffuse", "b4150c1ee8e48c2f9dbf1d1083b19a0c5aa83d9d", "assets/bg_cond.png",
     "backgrounds/dl_street.jpg", None),
    ("rootonchair+diffuser_layerdiffuse", "b4150c1ee8e48c2f9dbf1d1083b19a0c5aa83d9d", "assets/bg_cond_forge_sanity.png",
     "backgrounds/dl_park.jpg", None),
    ("jnkl314+diffusers_LayerDiffuse", "9c5a1132ce8d959dec4d5f53cb1ea84ceddfaa2c", "examples/sdxl_layerdiffuse_00.png",
     "cutouts/jn_suit.png", None),
    ("JvJvless+LayerDiffuse_DiffusersCLI_Unofficial", "d0d4e26d0ba3c6b4b7de848473a9e75a13275fdd",
     "images/joint_sd15_0_transparent.png", "cutouts/jv_sitting.png", None),
    ("JvJvless+LayerDiffuse_DiffusersCLI_Unofficial", "d0d4e26d0ba3c6b4b7de848473a9e75a13275fdd",
     "images/joint_sd15_1_transparent.png", "backgrounds/jv_office.jpg", None),  # the joint run's background layer
    ("JvJvless+LayerDiffuse_DiffusersCLI_Unofficial", "d0d4e26d0ba3c6b4b7de848473a9e75a13275fdd", "images/bg1.png",
     "backgrounds/jv_bench.jpg", None),
    ("JvJvless+LayerDiffuse_DiffusersCLI_Unofficial", "d0d4e26d0ba3c6b4b7de848473a9e75a13275fdd", "images/bg2.png",
     "backgrounds/jv_road.jpg", None),
]
CUTOUT_SIDE = 800  # longer side the cut-outs are kept at: the photos are 800 px, a person at most 0.9 of that


def extract(mirrors: Path) -> None:
    """Re-make bench/data/portraits from the repositories' snapshots (each at its recorded commit)."""
    import io
    import subprocess

    for repo, commit, path, out, box in EXTRACT:
        git = mirrors / repo / "repo"
        if not git.is_dir():
            print(f"{out}: kept as committed ({repo.replace('+', '/')} is not under {mirrors})")
            continue
        data = subprocess.run(["git", "-C", str(git), "show", f"{commit}:{path}"], check=True,
                              capture_output=True).stdout
        image = Image.open(io.BytesIO(data))
        if box:
            image = image.crop(box)
        target = DATA / out
        target.parent.mkdir(parents=True, exist_ok=True)
        if out.startswith("cutouts/"):
            image = image.convert("RGBA")
            image = image.crop(image.getchannel("A").point(lambda v: 255 if v > 2 else 0).getbbox())
            image = _resize_rgba(image, min(1.0, CUTOUT_SIDE / max(image.size)))
            image.save(target, optimize=True)
        else:
            image = image.convert("RGB")
            image.thumbnail((LONG_SIDE, LONG_SIDE), Image.LANCZOS)
            image.save(target, quality=90)
        print(f"{out}: {image.size[0]}x{image.size[1]} from {repo.replace('+', '/')}@{commit[:7]}:{path}")


def _resize_rgba(image: Image.Image, scale: float) -> Image.Image:
    """Resized with premultiplied colour, so that no dark or light fringe comes from the hidden colours."""
    if scale == 1.0:
        return image
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    return image.convert("RGBa").resize(size, Image.LANCZOS).convert("RGBA")


def _premultiplied(image: Image.Image, size: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    a = np.asarray(image.getchannel("A"), np.float32) / 255.0
    rgb = np.asarray(image.convert("RGB"), np.float32) / 255.0
    pm = Image.fromarray(np.uint8(np.clip(rgb * a[..., None] * 255 + 0.5, 0, 255)))
    pm = np.asarray(pm.resize(size, Image.LANCZOS), np.float32) / 255.0
    alpha = np.clip(np.asarray(image.getchannel("A").resize(size, Image.LANCZOS), np.float32) / 255.0, 0, 1)
    return np.minimum(pm, alpha[..., None]), alpha


def _where(where: str) -> Path:
    if where == "skimage":  # scikit-image's bundled photos (gravel: CC0)
        import skimage.data

        return Path(skimage.data.__file__).parent
    return SHARED if where == "shared" else DATA


def background(name: str) -> Image.Image:
    _, where, file, box = BACKGROUNDS[name]
    image = Image.open(_where(where) / file).convert("RGB")
    if box:
        image = image.crop(box)
    scale = LONG_SIDE / max(image.size)
    return image.resize((round(image.width * scale), round(image.height * scale)), Image.LANCZOS)


def composite(person: Image.Image, bg: Image.Image, scale: float, rng: random.Random,
              x_range: tuple[float, float] = (0.0, 1.0)) -> tuple[Image.Image, np.ndarray]:
    """The person at `scale` of the photo's height (narrower than 95 % of its width), on `bg`. A cut-out
    that ends at its bottom edge (a half-length portrait) stands on the photo's bottom edge; a whole
    figure stands somewhere in the lower part of the photo. `x_range`: the part of the width (fractions)
    the person is placed in (a pair: one in each half)."""
    W, H = bg.size
    lo, hi = round(x_range[0] * W), round(x_range[1] * W)
    s = min(scale * H / person.height, 0.95 * (hi - lo) / person.width)
    w, h = max(1, round(person.width * s)), max(1, round(person.height * s))
    fg, a = _premultiplied(person, (w, h))
    cut_at_bottom = float((np.asarray(person.getchannel("A"))[-1] > 128).mean()) > 0.02
    x = rng.randint(lo, hi - w)
    y = H - h if cut_at_bottom else rng.randint(max(0, H - h - int(0.15 * H)), H - h)
    alpha = np.zeros((H, W), np.float32)
    alpha[y:y + h, x:x + w] = a
    front = np.zeros((H, W, 3), np.float32)
    front[y:y + h, x:x + w] = fg
    b = np.asarray(bg, np.float32) / 255.0
    out = front + (1.0 - alpha[..., None]) * b  # I = a*F + (1 - a)*B, with a*F premultiplied
    return Image.fromarray(np.uint8(np.clip(out * 255 + 0.5, 0, 255))), alpha


def _person(name: str, mirrored: bool = False) -> Image.Image:
    image = Image.open(DATA / "cutouts" / PEOPLE[name][1]).convert("RGBA")
    return image.transpose(Image.FLIP_LEFT_RIGHT) if mirrored else image


def _save(out: Path, split: str, stem: str, image: Image.Image, alpha: np.ndarray) -> None:
    image.save(out / split / "images" / f"{stem}.jpg", quality=92)
    Image.fromarray(np.uint8(np.clip(alpha * 255 + 0.5, 0, 255))).save(out / split / "alphas" / f"{stem}.png")


def build_clean(out: Path, manifest: dict, split: str = "clean", scales=CLEAN_SCALES,
                pair_scale: float = CLEAN_PAIR_SCALE) -> None:
    """A clean held-out split: made after `auto`'s rule was chosen on dev, scored once. Each person at
    three new scales on two of the new backgrounds (mirrored on the second), and four pairs side by side;
    the matte of a pair is the union of the two (I = a2*F2 + (1 - a2)*(a1*F1 + (1 - a1)*B)). "clean" for
    the symmetric fusion (R1), "clean2" for the person test (R5)."""
    rng = random.Random(f"{SEED}-{split}")
    bgs = [b for b, (sp, *_) in BACKGROUNDS.items() if sp == split]
    (out / split / "images").mkdir(parents=True, exist_ok=True)
    (out / split / "alphas").mkdir(parents=True, exist_ok=True)
    turn = 0
    for name in CLEAN_PEOPLE:
        for scale in scales:
            for mirrored in (False, True):
                bg_name = bgs[turn % len(bgs)]
                turn += 1
                image, alpha = composite(_person(name, mirrored), background(bg_name), scale, rng)
                stem = f"{name}-{int(scale * 100):02d}-{bg_name}{'-m' if mirrored else ''}"
                _save(out, split, stem, image, alpha)
                manifest[f"{split}/{stem}"] = {"person": name, "scale": scale, "background": bg_name,
                                               "mirrored": mirrored, "size": list(image.size)}
    for left, right in CLEAN_PAIRS:
        for _ in range(2):
            bg_name = bgs[turn % len(bgs)]
            turn += 1
            first, a1 = composite(_person(left), background(bg_name), pair_scale, rng, (0.0, 0.5))
            image, a2 = composite(_person(right), first, pair_scale, rng, (0.5, 1.0))
            alpha = 1.0 - (1.0 - a1) * (1.0 - a2)
            stem = f"{left}+{right}-{int(pair_scale * 100):02d}-{bg_name}"
            _save(out, split, stem, image, alpha)
            manifest[f"{split}/{stem}"] = {"person": f"{left}+{right}", "scale": pair_scale,
                                           "background": bg_name, "size": list(image.size)}
    print(f"{split}: {sum(k.startswith(split + '/') for k in manifest)} photos, people {', '.join(CLEAN_PEOPLE)} "
          f"(new in clean: suit, sitting); backgrounds {', '.join(bgs)}")


def missing() -> str:
    need = [DATA / "cutouts" / f for _, f in PEOPLE.values()] + [
        _where(where) / file for _, where, file, _ in BACKGROUNDS.values()]
    gone = [str(p) for p in need if not p.is_file()]
    return ", ".join(gone[:3]) + (f" and {len(gone) - 3} more" if len(gone) > 3 else "")


def build(out: Path) -> dict:
    manifest = {}
    for split in ("dev", "heldout"):
        rng = random.Random(f"{SEED}-{split}")
        people = [p for p, (sp, _) in PEOPLE.items() if sp == split]
        bgs = [b for b, (sp, *_) in BACKGROUNDS.items() if sp == split]
        (out / split / "images").mkdir(parents=True, exist_ok=True)
        (out / split / "alphas").mkdir(parents=True, exist_ok=True)
        turn = 0
        for name in people:
            person = _person(name)
            for scale in SCALES:
                for _ in range(2):  # two backgrounds each, in turn through the split's list
                    bg_name = bgs[turn % len(bgs)]
                    turn += 1
                    image, alpha = composite(person, background(bg_name), scale, rng)
                    stem = f"{name}-{int(scale * 100):02d}-{bg_name}"
                    _save(out, split, stem, image, alpha)
                    manifest[f"{split}/{stem}"] = {"person": name, "scale": scale, "background": bg_name,
                                                   "size": list(image.size)}
        print(f"{split}: {sum(k.startswith(split + '/') for k in manifest)} photos, people {', '.join(people)}; "
              f"backgrounds {', '.join(bgs)}")
    build_clean(out, manifest)
    build_clean(out, manifest, "clean2", CLEAN2_SCALES, CLEAN2_PAIR_SCALE)
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return manifest


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "portrait-set")
    parser.add_argument("--extract", type=Path, metavar="MIRRORS",
                        help="re-make bench/data/portraits from the fetched repository snapshots under MIRRORS")
    args = parser.parse_args(argv)
    if args.extract:
        extract(args.extract)
        return 0
    gone = missing()
    if gone:
        print(f"portrait set skipped: missing {gone} (the backgrounds need ../shared/data; the cut-outs are in "
              f"bench/data/portraits, see SOURCES.md)")
        return 0
    build(args.out)
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
