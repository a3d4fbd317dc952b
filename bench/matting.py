#!/usr/bin/env python
"""Matting quality and speed: every engine configuration x refinement on a folder of photos with
ground-truth alpha mattes. Never part of the test run.

    .venv/bin/python bench/matting.py --data ../shared/data/matting-eval --json bench/out/matting.json
    .venv/bin/python bench/matting.py --data DIR --only default            # just what the app uses
    .venv/bin/python bench/matting.py --people ../shared/data/people --sheet bench/out/people.png
    .venv/bin/python bench/matting.py --timing                               # seconds per 1 MP / 4 MP
    .venv/bin/python bench/matting.py --data DIR --grid                      # GrabCut parameters, held out

DIR holds images/ and alphas/ with the same stems (any of png/jpg/jpeg/bmp/webp). Metrics on alpha in
[0, 1] over the whole image, as the matting literature computes them: SAD = sum |a - gt| / 1000, MSE =
mean (a - gt)^2; over_40 counts the images with SAD > 40; seconds = model + refinement per image.
Key "default" is the app's default (ml.matting.pipeline.matte, exactly what the app computes). `--grid`
scores GrabCut parameter sets with leave-one-out: for each photo the set with the best mean SAD on the
other photos is chosen and scored on the held-out photo, so the reported figure is not fitted to the
images it is measured on. MODNet is listed only when --modnet names a
checkpoint (the official weights are not on this machine).
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


def score(results: dict[str, list[tuple[float, float, float]]]) -> dict:
    table = {}
    for key, rows in results.items():
        sad = [r[0] for r in rows]
        table[key] = {"sad_mean": round(statistics.fmean(sad), 2), "sad_median": round(statistics.median(sad), 2),
                      "mse_mean": round(statistics.fmean(r[1] for r in rows), 4),
                      "over_40": sum(s > 40 for s in sad),
                      "seconds_median": round(statistics.median(r[2] for r in rows), 3)}
    return table


def run_quality(data: Path, engines: dict, refines, include_default: bool, verbose: bool,
                modnet: Path | None = None) -> dict:
    items = pairs(data)
    images = {stem: Image.open(ip).convert("RGB") for stem, ip, _ in items}
    gts = {stem: load_gt(ap) for stem, _, ap in items}
    configs = dict(engines)
    if include_default:
        configs["default"] = dict(pipeline.DEFAULT_U2NETP_OPTIONS)
    results: dict[str, list] = {}
    if modnet is not None:
        configs["modnet"] = None
    for name, options in configs.items():
        if options is None:
            from ml.matting.modnet_engine import ModnetMatter

            matter = ModnetMatter(path=modnet)
        else:
            matter = U2NetpMatter(**options)
        refs = (pipeline.DEFAULT_REFINE,) if name == "default" else refines
        for stem in images:
            image, gt = images[stem], gts[stem]
            if name == "default":  # the app's own function, end to end
                t0 = time.perf_counter()
                a = pipeline.matte(matter, image)
                secs = time.perf_counter() - t0
                sad = float(np.abs(a - gt).sum() / 1000)
                results.setdefault("default", []).append((sad, float(((a - gt) ** 2).mean()), secs))
                if verbose:
                    print(f"{'default':40s} {stem:12s} SAD {sad:7.2f}", file=sys.stderr)
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
                sad = float(np.abs(a - gt).sum() / 1000)
                results.setdefault(key, []).append((sad, float(((a - gt) ** 2).mean()), secs))
                if verbose:
                    print(f"{key:40s} {stem:12s} SAD {sad:7.2f}", file=sys.stderr)
    return score(results)


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


def print_table(table: dict) -> None:
    print(f"| engine / refinement | SAD mean | SAD median | MSE | over 40 | s median |")
    print("|---|---:|---:|---:|---:|---:|")
    for key, r in table.items():
        print(f"| {key} | {r['sad_mean']:.1f} | {r['sad_median']:.1f} | {r['mse_mean']:.4f} | {r['over_40']} | "
              f"{r['seconds_median']:.3f} |")


def contact_sheet(people: Path, out: Path, color=(40, 160, 90), thumb: int = 360) -> None:
    matter = U2NetpMatter(**pipeline.DEFAULT_U2NETP_OPTIONS)
    files = sorted(p for p in people.iterdir() if p.suffix.lower() in EXTS)
    tiles = []
    for path in files:
        image = Image.open(path).convert("RGB")
        result = pipeline.cutout(matter, image)
        flat = Image.new("RGB", image.size, color)
        flat.paste(result.rgba, mask=result.rgba.getchannel("A"))
        pair = Image.new("RGB", (image.width * 2, image.height), "white")
        pair.paste(image, (0, 0))
        pair.paste(flat, (image.width, 0))
        pair.thumbnail((thumb * 2, thumb))
        tiles.append(pair)
    cols = 3
    cell_w, cell_h = thumb * 2 + 8, thumb + 8
    rows = (len(tiles) + cols - 1) // cols
    sheet = Image.new("RGB", (cols * cell_w, rows * cell_h), "white")
    for i, tile in enumerate(tiles):
        sheet.paste(tile, ((i % cols) * cell_w + 4, (i // cols) * cell_h + 4))
    out.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(out)
    print(f"contact sheet: {out} ({len(tiles)} photos, original | cutout on a flat colour)")


def timing(repeats: int = 5) -> dict:
    """Seconds per photo of 1 MP and 4 MP, the app's default path end to end (model, refinement,
    foreground colours, RGBA), model loaded once; median of ``repeats`` after a warm-up."""
    shared = next((d / "shared" for d in ROOT.parents if (d / "shared" / "data").is_dir()), ROOT.parent / "shared")
    src = Image.open(sorted((shared / "data" / "people").glob("*.jpg"))[0]).convert("RGB")
    matter = U2NetpMatter(**pipeline.DEFAULT_U2NETP_OPTIONS)
    out = {}
    for label, mp in (("1 MP", 1.0), ("4 MP", 4.0)):
        scale = (mp * 1e6 / (src.width * src.height)) ** 0.5
        image = src.resize((round(src.width * scale), round(src.height * scale)), Image.LANCZOS)
        pipeline.cutout(matter, image)
        runs, cpu = [], []
        for _ in range(repeats):
            c0 = time.process_time()
            runs.append(pipeline.cutout(matter, image).timings)
            cpu.append(time.process_time() - c0)
        out[label] = {k: round(statistics.median(r[k] for r in runs), 3) for k in runs[0]}
        # CPU seconds (all threads): a check on the wall times when other processes share the cores
        out[label]["cpu"] = round(statistics.median(cpu), 3)
        out[label]["size"] = f"{image.width}x{image.height}"
        print(f"{label} ({image.width}x{image.height}): " + ", ".join(f"{k} {v}" for k, v in out[label].items()
                                                                     if k != "size"))
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
    parser.add_argument("--grid", action="store_true", help="leave-one-out choice of GrabCut's parameters (with --data)")
    parser.add_argument("-v", "--verbose", action="store_true", help="per-image SAD on stderr")
    args = parser.parse_args(argv)
    if not (args.data or args.people or args.timing):
        parser.error("give --data, --people and/or --timing")
    if args.data and args.grid:
        grid = run_grid(args.data, args.verbose)
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(grid, indent=2) + "\n", encoding="utf-8")
    elif args.data:
        names = set(args.only.split(",")) if args.only else None
        engines = {k: v for k, v in ENGINES.items() if names is None or k in names}
        table = run_quality(args.data, engines, REFINES, names is None or "default" in names, args.verbose,
                            args.modnet)
        print_table(table)
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(table, indent=2) + "\n", encoding="utf-8")
    if args.people:
        contact_sheet(args.people, args.sheet)
    if args.timing:
        timing()


if __name__ == "__main__":
    main()
