#!/usr/bin/env python
"""Matting quality and speed: every engine configuration x refinement on a folder of photos with
ground-truth alpha mattes. Never part of the test run.

    .venv/bin/python bench/matting.py --data ../shared/data/matting-eval --json bench/out/matting.json
    .venv/bin/python bench/matting.py --data DIR --only default            # just what the app uses
    .venv/bin/python bench/matting.py --people ../shared/data/people --sheet bench/out/people.png
    .venv/bin/python bench/matting.py --timing                               # seconds per 1 MP / 4 MP
    .venv/bin/python bench/matting.py --data DIR --grid                      # GrabCut parameters, held out
    .venv/bin/python bench/matting.py --data DIR --fusion                    # how auto combines the mattes

DIR holds images/ and alphas/ with the same stems (any of png/jpg/jpeg/bmp/webp). Metrics on alpha in
[0, 1] over the whole image, as the matting literature computes them: SAD = sum |a - gt| / 1000, MSE =
mean (a - gt)^2; over_40 counts the images with SAD > 40; seconds = model + refinement per image.
Key "default" is the app's default (ml.matting.pipeline.matte, exactly what the app computes). `--grid`
scores GrabCut parameter sets with leave-one-out: for each photo the set with the best mean SAD on the
other photos is chosen and scored on the held-out photo, so the reported figure is not fitted to the
images it is measured on. MODNet runs from the shipped `ml/models/modnet.onnx` (key "modnet"); --modnet
CKPT scores an official checkpoint instead. Key "auto" is the app's `auto` engine (per photo: MODNet
where a frontal face lies on U^2-Net-p's foreground, else the maximum of both mattes; ml.matting.auto).

--people DIR has no ground truth; per photo and engine it counts stray islands (pieces of alpha > 0.5
not attached to the largest piece, each at least 0.05 % of the photo) and haze (per mille of the photo
with 0.05 < alpha < 0.95 farther than max(4 px, 1 % of the diagonal) from the edge of alpha > 0.5),
and draws a contact sheet: original, then each engine's cutout on flat green.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ml.matting import pipeline  # noqa: E402
from ml.matting.refine import refine_alpha  # noqa: E402
from ml.matting.u2net_engine import U2NetpMatter  # noqa: E402

EXTS = (".png", ".jpg", ".jpeg", ".bmp", ".webp")
ENGINES = {
    "u2netp-rembg": dict(rembg_resize=True),                       # the peer baseline, as rembg runs it
    "u2netp": dict(),
    "u2netp-flip": dict(flip=True),
    "u2netp-448": dict(size=448),
    "u2netp-448-flip": dict(size=448, flip=True),
    "u2netp-aspect448-flip": dict(size=448, flip=True, keep_aspect=True),
}
REFINES = ("none", "sharpen", "guided", "guided+sharpen", "grabcut", "grabcut+guided", "grabcut+guided+sharpen")
# --grid: GrabCut's working size, iterations and trimap (see ml.matting.refine.GRABCUT_DEFAULTS)
GRID = {"max_side": (256, 320), "iterations": (2, 3), "mid": (0.5, 0.3), "far": (0.05, 0.1)}


def pairs(data: Path) -> list[tuple[str, Path, Path]]:
    alphas = {p.stem: p for p in (data / "alphas").iterdir() if p.suffix.lower() in EXTS}
    out = [(p.stem, p, alphas[p.stem]) for p in sorted((data / "images").iterdir())
           if p.suffix.lower() in EXTS and p.stem in alphas]
    if not out:
        raise SystemExit(f"no image/alpha pairs under {data}")
    return out


def load_gt(path: Path) -> np.ndarray:
    return np.asarray(Image.open(path).convert("L"), np.float32) / 255.0


def gradient_error(a: np.ndarray, gt: np.ndarray, sigma: float = 1.4) -> float:
    """Rhemann et al.'s gradient error: sum of (|grad a| - |grad gt|)^2 on Gaussian-derivative gradients
    (sigma 1.4), / 1000 like SAD."""
    from scipy.ndimage import gaussian_gradient_magnitude

    ga = gaussian_gradient_magnitude(a.astype(np.float64), sigma)
    gg = gaussian_gradient_magnitude(gt.astype(np.float64), sigma)
    return float(((ga - gg) ** 2).sum() / 1000)


def metrics(a: np.ndarray, gt: np.ndarray, secs: float) -> tuple[float, float, float, float]:
    """(SAD, MSE, seconds, gradient error) of one matte."""
    return float(np.abs(a - gt).sum() / 1000), float(((a - gt) ** 2).mean()), secs, gradient_error(a, gt)


def score(results: dict[str, list[tuple[float, float, float, float]]]) -> dict:
    table = {}
    for key, rows in results.items():
        sad = [r[0] for r in rows]
        table[key] = {"sad_mean": round(statistics.fmean(sad), 2), "sad_median": round(statistics.median(sad), 2),
                      "mse_mean": round(statistics.fmean(r[1] for r in rows), 4),
                      "grad_mean": round(statistics.fmean(r[3] for r in rows), 2),
                      "over_40": sum(s > 40 for s in sad),
                      "seconds_median": round(statistics.median(r[2] for r in rows), 3)}
    return table


def modnet_matter(ckpt: Path | None = None):
    from ml.matting.modnet_engine import ModnetMatter, ModnetOnnxMatter

    if ckpt is not None:
        return ModnetMatter(weights_dir=ckpt.parent, filename=ckpt.name)
    return ModnetOnnxMatter(name="modnet")  # the shipped file, sha256 checked


def auto_matter():
    from ml.matting.auto import AutoMatter

    return AutoMatter(objects=U2NetpMatter(**pipeline.DEFAULT_U2NETP_OPTIONS), portraits=modnet_matter())


def run_quality(data: Path, engines: dict, refines, include_default: bool, verbose: bool,
                modnet: Path | None = None, include_modnet: bool = True) -> dict:
    items = pairs(data)
    images = {stem: Image.open(ip).convert("RGB") for stem, ip, _ in items}
    gts = {stem: load_gt(ap) for stem, _, ap in items}
    configs = dict(engines)
    if include_default:
        configs["default"] = dict(pipeline.DEFAULT_U2NETP_OPTIONS)
    results: dict[str, list] = {}
    per_image: dict[str, dict[str, float]] = {}
    choices: dict[str, str] = {}
    if include_modnet or modnet is not None:
        configs["modnet"] = None
    if include_default:
        configs["auto"] = "auto"
    for name, options in configs.items():
        if options is None:
            matter = modnet_matter(modnet)
        elif options == "auto":
            matter = auto_matter()
        else:
            matter = U2NetpMatter(**options)
        refs = (pipeline.DEFAULT_REFINE,) if name in ("default", "auto") else refines
        for stem in images:
            image, gt = images[stem], gts[stem]
            if name in ("default", "auto"):  # the app's own function, end to end
                t0 = time.perf_counter()
                a = pipeline.matte(matter, image)
                secs = time.perf_counter() - t0
                row = metrics(a, gt, secs)
                sad = row[0]
                results.setdefault(name, []).append(row)
                per_image.setdefault(name, {})[stem] = round(sad, 2)
                if verbose:  # the app's final choice (after the person test), so `auto` runs once more
                    refine = pipeline.DEFAULT_REFINE
                    chose = (f" chose {matter.matte(image, refine=refine, portrait_refine=pipeline.portrait_refine(refine))[1]}"
                             if name == "auto" else "")
                    print(f"{name:40s} {stem:12s} SAD {sad:7.2f}{chose}", file=sys.stderr)
                    if name == "auto":
                        choices[stem] = chose.strip()
                continue
            t0 = time.perf_counter()
            alpha = matter.predict_alpha(image)
            model_s = time.perf_counter() - t0
            pixels = np.asarray(image)
            for ref in refs:
                t1 = time.perf_counter()
                a = refine_alpha(pixels, alpha, method=ref)
                secs = model_s + time.perf_counter() - t1
                key = "default" if name == "default" else f"{name} / {ref}"
                row = metrics(a, gt, secs)
                sad = row[0]
                results.setdefault(key, []).append(row)
                per_image.setdefault(key, {})[stem] = round(sad, 2)
                if verbose:
                    print(f"{key:40s} {stem:12s} SAD {sad:7.2f}", file=sys.stderr)
    table = score(results)
    for key in table:
        table[key]["per_image"] = per_image[key]
    if choices:
        table["auto"]["chose"] = choices
    return table


def run_grid(data: Path, verbose: bool) -> dict:
    """Leave-one-out choice of the GrabCut parameters for the default engine and refinement."""
    import itertools

    items = pairs(data)
    matter = U2NetpMatter(**pipeline.DEFAULT_U2NETP_OPTIONS)
    keys = list(GRID)
    combos = [dict(zip(keys, values)) for values in itertools.product(*(GRID[k] for k in keys))]
    sad = np.zeros((len(combos), len(items)))
    mse = np.zeros_like(sad)
    for j, (stem, ip, ap) in enumerate(items):
        image, gt = Image.open(ip).convert("RGB"), load_gt(ap)
        alpha, pixels = matter.predict_alpha(image), np.asarray(image)
        for i, combo in enumerate(combos):
            a = refine_alpha(pixels, alpha, method=pipeline.DEFAULT_REFINE, grabcut_options=combo)
            sad[i, j], mse[i, j] = np.abs(a - gt).sum() / 1000, ((a - gt) ** 2).mean()
        if verbose:
            print(f"grid {stem}: best {sad[:, j].min():.1f} worst {sad[:, j].max():.1f}", file=sys.stderr)
    held, held_mse, chosen = [], [], []
    for j in range(len(items)):
        others = np.delete(sad, j, axis=1).mean(axis=1)
        i = int(others.argmin())
        held.append(sad[i, j]); held_mse.append(mse[i, j]); chosen.append(i)
    best_all = int(sad.mean(axis=1).argmin())
    label = lambda i: ", ".join(f"{k}={v}" for k, v in combos[i].items())  # noqa: E731
    print(f"{len(combos)} GrabCut parameter sets x {len(items)} photos")
    print("| parameter set | SAD mean | SAD median | MSE | over 40 |")
    print("|---|---:|---:|---:|---:|")
    order = np.argsort(sad.mean(axis=1))
    for i in order[:5]:
        print(f"| {label(i)} | {sad[i].mean():.1f} | {np.median(sad[i]):.1f} | {mse[i].mean():.4f} | "
              f"{int((sad[i] > 40).sum())} |")
    print(f"| **held out** (leave-one-out choice) | **{np.mean(held):.1f}** | **{np.median(held):.1f}** | "
          f"**{np.mean(held_mse):.4f}** | **{sum(h > 40 for h in held)}** |")
    counts = {label(i): chosen.count(i) for i in sorted(set(chosen))}
    print("chosen when held out: " + "; ".join(f"{k} ({n}x)" for k, n in counts.items()))
    print(f"best on all photos: {label(best_all)}")
    return {"held_out": {"sad_mean": round(float(np.mean(held)), 2), "sad_median": round(float(np.median(held)), 2),
                         "mse_mean": round(float(np.mean(held_mse)), 4), "over_40": int(sum(h > 40 for h in held))},
            "chosen": counts, "best_on_all": combos[best_all]}


def run_fusion(data: Path, verbose: bool) -> dict:
    """How to combine the two mattes (U^2-Net-p + the default refinement, MODNet + sharpen): each alone,
    their mean, maximum and minimum; then the rule chosen leave-one-out (best mean SAD on the other
    photos) scored on the held-out photo."""
    u2, mn = U2NetpMatter(**pipeline.DEFAULT_U2NETP_OPTIONS), modnet_matter()
    rules = {"u2netp / default": lambda a, b: a, "modnet / sharpen": lambda a, b: b, "mean": lambda a, b: (a + b) / 2,
             "max": np.maximum, "min": np.minimum}
    items = pairs(data)
    sad = np.zeros((len(rules), len(items)))
    for j, (stem, ip, ap) in enumerate(items):
        image, gt = Image.open(ip).convert("RGB"), load_gt(ap)
        pixels = np.asarray(image)
        a = refine_alpha(pixels, u2.predict_alpha(image), method=pipeline.DEFAULT_REFINE)
        b = refine_alpha(pixels, mn.predict_alpha(image), method="sharpen")
        for i, rule in enumerate(rules.values()):
            sad[i, j] = np.abs(rule(a, b) - gt).sum() / 1000
        if verbose:
            print(f"fusion {stem}: " + " ".join(f"{k} {sad[i, j]:.1f}" for i, k in enumerate(rules)), file=sys.stderr)
    names = list(rules)
    print("| matte | SAD mean | SAD median | over 40 |\n|---|---:|---:|---:|")
    for i, k in enumerate(names):
        print(f"| {k} | {sad[i].mean():.1f} | {np.median(sad[i]):.1f} | {int((sad[i] > 40).sum())} |")
    held, chosen = [], []
    for j in range(len(items)):
        i = int(np.delete(sad, j, axis=1).mean(axis=1).argmin())
        held.append(sad[i, j]); chosen.append(names[i])
    print(f"| **held out** (leave-one-out choice) | **{np.mean(held):.1f}** | **{np.median(held):.1f}** | "
          f"**{sum(h > 40 for h in held)}** |")
    print("chosen when held out: " + "; ".join(f"{k} ({chosen.count(k)}x)" for k in sorted(set(chosen))))
    return {"rules": {k: round(float(sad[i].mean()), 2) for i, k in enumerate(names)},
            "held_out": round(float(np.mean(held)), 2), "chosen": {k: chosen.count(k) for k in set(chosen)}}


def print_table(table: dict) -> None:
    print(f"| engine / refinement | SAD mean | SAD median | MSE | gradient | over 40 | s median |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for key, r in table.items():
        print(f"| {key} | {r['sad_mean']:.1f} | {r['sad_median']:.1f} | {r['mse_mean']:.4f} | {r['grad_mean']:.1f} | {r['over_40']} | "
              f"{r['seconds_median']:.3f} |")


def stray_and_haze(alpha: np.ndarray) -> tuple[int, float]:
    """No-ground-truth check: (stray islands, haze per mille); see the module docstring."""
    import cv2

    solid = (alpha > 0.5).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(solid, connectivity=8)
    areas = stats[1:, cv2.CC_STAT_AREA]
    islands = 0
    if len(areas) > 1:
        min_area = 0.0005 * alpha.size
        islands = int(sum(a >= min_area for a in np.sort(areas)[:-1]))
    # distance of every pixel to the edge of the solid region (inside or outside)
    edge = cv2.morphologyEx(solid, cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8))
    dist = cv2.distanceTransform((1 - edge).astype(np.uint8), cv2.DIST_L2, 3)
    far = max(4.0, 0.01 * float(np.hypot(*alpha.shape)))
    haze = (alpha > 0.05) & (alpha < 0.95) & (dist > far)
    return islands, round(1000 * float(haze.mean()), 2)


PEOPLE_CONFIGS = (  # (label, engine, refinement); auto = the app's engine with the default refinement
    ("u2netp / default", "u2netp", pipeline.DEFAULT_REFINE),
    ("modnet / none", "modnet", "none"),
    ("modnet / sharpen", "modnet", "sharpen"),
    ("modnet / guided+sharpen", "modnet", "guided+sharpen"),
    ("modnet / grabcut+guided+sharpen", "modnet", "grabcut+guided+sharpen"),
    ("auto", "auto", pipeline.DEFAULT_REFINE),
)


def people_check(people: Path, out: Path, color=(40, 160, 90), thumb: int = 220, json_out: Path | None = None) -> dict:
    from ml.matting.auto import AutoMatter

    u2 = U2NetpMatter(**pipeline.DEFAULT_U2NETP_OPTIONS)
    mn = modnet_matter()
    auto = AutoMatter(objects=u2, portraits=mn)
    files = sorted(p for p in people.iterdir() if p.suffix.lower() in EXTS)
    rows, tiles = {}, []
    for path in files:
        image = Image.open(path).convert("RGB")
        pixels = np.asarray(image)
        raw = {"u2netp": u2.predict_alpha(image), "modnet": mn.predict_alpha(image)}
        cells = [image]
        for label, engine, ref in PEOPLE_CONFIGS:
            if engine == "auto":
                result = pipeline.cutout(auto, image)
                a, note = result.alpha, f"{result.auto['chose']} ({result.auto['reason']})"
            else:
                a, note = refine_alpha(pixels, raw[engine], method=ref), ""
            islands, haze = stray_and_haze(a)
            rows.setdefault(path.stem, {})[label] = {"islands": islands, "haze": haze, **({"auto": note} if note else {})}
            fg = __import__("ml.matting.refine", fromlist=["x"]).estimate_foreground(pixels, a)
            from ml.matting.compose import cutout as compose

            rgba = compose(image, a, fg)
            flat = Image.new("RGB", image.size, color)
            flat.paste(rgba, mask=rgba.getchannel("A"))
            cells.append(flat)
        strip = Image.new("RGB", (len(cells) * (thumb + 4), thumb), "white")
        for i, c in enumerate(cells):
            c = c.copy(); c.thumbnail((thumb, thumb))
            strip.paste(c, (i * (thumb + 4), 0))
        tiles.append(strip)
    sheet = Image.new("RGB", (tiles[0].width, len(tiles) * (thumb + 4)), "white")
    for i, t in enumerate(tiles):
        sheet.paste(t, (0, i * (thumb + 4)))
    out.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(out)
    labels = [c[0] for c in PEOPLE_CONFIGS]
    print("| photo | " + " | ".join(labels) + " |")
    print("|---|" + "---:|" * len(labels))
    for stem, r in rows.items():
        cells = [f"{r[k]['islands']} / {r[k]['haze']:.1f}" + (f" {r[k]['auto']}" if "auto" in r[k] else "") for k in labels]
        print(f"| {stem} | " + " | ".join(cells) + " |")
    tot = [f"{sum(r[k]['islands'] for r in rows.values())} / {statistics.fmean(r[k]['haze'] for r in rows.values()):.1f}"
           for k in labels]
    print("| **islands total / haze mean** | " + " | ".join(tot) + " |")
    # which refinement for MODNet's matte, chosen leave-one-out (fewest islands, then least haze, on the
    # other photos) and scored on the held-out photo
    mn_labels = [k for k in labels if k.startswith("modnet / ")]
    held, picks = [], []
    for stem in rows:
        others = [r for s2, r in rows.items() if s2 != stem]
        best = min(mn_labels, key=lambda k: (sum(r[k]["islands"] for r in others), statistics.fmean(r[k]["haze"] for r in others)))
        picks.append(best); held.append(rows[stem][best])
    print(f"MODNet refinement chosen leave-one-out: " + ", ".join(f"{k} ({picks.count(k)}x)" for k in sorted(set(picks)))
          + f"; held out: {sum(h['islands'] for h in held)} islands, haze mean {statistics.fmean(h['haze'] for h in held):.1f}")
    print(f"contact sheet: {out} ({len(tiles)} photos; columns: original, " + ", ".join(labels) + ")")
    if json_out:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    return rows


def timing(repeats: int = 5) -> dict:
    """Seconds per photo of 1 MP and 4 MP, the app's path end to end (model(s), refinement, foreground
    colours, RGBA), models loaded once; median of ``repeats`` after a warm-up. `u2netp` is the previous
    default; `auto` on a portrait (the astronaut: a face, so U^2-Net-p, the face test and MODNet) and on
    a photo without a face (the back of a walker, p3m_p_0865636e: both models, both refinements)."""
    shared = next((d / "shared" for d in ROOT.parents if (d / "shared" / "data").is_dir()), ROOT.parent / "shared")
    people = shared / "data" / "people"
    u2 = U2NetpMatter(**pipeline.DEFAULT_U2NETP_OPTIONS)
    auto = auto_matter()
    auto.objects = u2
    cases = (("u2netp", u2, "p3m_p_0865636e.jpg"), ("auto, portrait", auto, "skimage_astronaut.png"),
             ("auto, no face", auto, "p3m_p_0865636e.jpg"))
    out = {}
    for name, matter, file in cases:
        src = Image.open(people / file).convert("RGB")
        for label, mp in (("1 MP", 1.0), ("4 MP", 4.0)):
            scale = (mp * 1e6 / (src.width * src.height)) ** 0.5
            image = src.resize((round(src.width * scale), round(src.height * scale)), Image.LANCZOS)
            first = pipeline.cutout(matter, image)
            runs, cpu = [], []
            for _ in range(repeats):
                c0 = time.process_time()
                runs.append(pipeline.cutout(matter, image).timings)
                cpu.append(time.process_time() - c0)
            key = f"{name} {label}"
            out[key] = {k: round(statistics.median(r[k] for r in runs), 3) for k in runs[0]}
            # CPU seconds (all threads): a check on the wall times when other processes share the cores
            out[key]["cpu"] = round(statistics.median(cpu), 3)
            out[key]["size"] = f"{image.width}x{image.height}"
            out[key]["load"] = round(os.getloadavg()[0], 2)  # 1-minute load average just after the runs
            chose = f" [{first.engine}, {first.refine}]"
            print(f"{key} ({image.width}x{image.height}){chose}: " + ", ".join(
                f"{k} {v}" for k, v in out[key].items() if k not in ("size", "load")) + f"; load {out[key]['load']}")
    print(f"load average while timing: {os.getloadavg()[0]:.2f} (2 cores; above 2 means contention)")
    return out


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, help="folder with images/ and alphas/")
    parser.add_argument("--json", type=Path, help="write the table as JSON here")
    parser.add_argument("--only", help="comma-separated engine names (and/or 'default')")
    parser.add_argument("--modnet", type=Path, help="also score MODNet with this checkpoint (.ckpt/.safetensors)")
    parser.add_argument("--people", type=Path, help="folder of portraits for the contact sheet")
    parser.add_argument("--sheet", type=Path, default=ROOT / "bench" / "out" / "matting-people.png")
    parser.add_argument("--timing", action="store_true", help="seconds per 1 MP and 4 MP photo")
    parser.add_argument("--fusion", action="store_true", help="how to combine the two mattes, held out (with --data)")
    parser.add_argument("--grid", action="store_true", help="leave-one-out choice of GrabCut's parameters (with --data)")
    parser.add_argument("-v", "--verbose", action="store_true", help="per-image SAD on stderr")
    args = parser.parse_args(argv)
    if not (args.data or args.people or args.timing):
        parser.error("give --data, --people and/or --timing")
    if args.data and args.fusion:
        run_fusion(args.data, args.verbose)
    elif args.data and args.grid:
        grid = run_grid(args.data, args.verbose)
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(grid, indent=2) + "\n", encoding="utf-8")
    elif args.data:
        names = set(args.only.split(",")) if args.only else None
        engines = {k: v for k, v in ENGINES.items() if names is None or k in names}
        table = run_quality(args.data, engines, REFINES, names is None or "default" in names, args.verbose,
                            args.modnet, names is None or "modnet" in names)
        print_table(table)
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(table, indent=2) + "\n", encoding="utf-8")
    if args.people:
        people_check(args.people, args.sheet, json_out=args.json if not args.data else None)
    if args.timing:
        timing()


if __name__ == "__main__":
    main()
