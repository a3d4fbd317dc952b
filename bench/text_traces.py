"""The removal check's traces measure (ml.text.traces, issue 17 item 4): false alarms on removals
where the text is gone, and partial removals caught. Never part of the test run.

    python bench/text_traces.py --data bench/out/textsets/dev --data bench/out/textsets/untouched
                                [--cache bench/out/traces] [--json OUT]

Each --data folder holds text_removal.json beside its images (make_datasets.py's layout; the first
is the dev split the threshold was chosen on, the others are reported beside it). Per photo, the
studio's default fill on four masks:

- "gt": the ground-truth glyph mask (dilated 2 px, as text_mask does): the text is gone. One check
  per line (its part of the mask, line_areas), counted where RapidOCR no longer finds the line.
- "own": the studio's lines mode on the GT quads (text_mask + remove_text), one check per line,
  counted where RapidOCR no longer finds the line.
- "cover": region mode, one stroke along each line's centre with a brush 1.3 x the line's height
  (and its ends 0.3 x further out), one check per photo, counted where the strokes cover the whole
  GT mask and RapidOCR finds none of the lines.
- "band": region mode, the same strokes with a brush half the line's height: only the middle of the
  letters is filled, their tops and bottoms stay. One check per photo, all counted: traces remain.

False alarms = share of the gt / own / cover checks flagged; caught = share of the band checks
flagged. --cache keeps the filled images so that a change to the measure is re-scored in seconds.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import ocr_metrics  # noqa: E402

from ml.text import remove_text, text_mask  # noqa: E402
from ml.text.traces import TRACES, line_areas, text_traces  # noqa: E402

COVER, BAND = 1.3, 0.5  # brush sizes, in line heights


def centre_line(quad) -> tuple[tuple[float, float], tuple[float, float], float]:
    """(start, end, height) of a line quad's centre line, its ends 0.3 x height further out."""
    q = np.float64(quad)
    left, right = (q[0] + q[3]) / 2, (q[1] + q[2]) / 2
    height = (np.hypot(*(q[3] - q[0])) + np.hypot(*(q[2] - q[1]))) / 2
    u = (right - left) / max(np.linalg.norm(right - left), 1e-6)
    return tuple(left - 0.3 * height * u), tuple(right + 0.3 * height * u), float(height)


def painted(size, lines, share: float) -> np.ndarray:
    mask = Image.new("L", size, 0)
    draw = ImageDraw.Draw(mask)
    for line in lines:
        start, end, height = centre_line(line["quad"])
        width = max(1, round(share * height))
        draw.line([start, end], fill=255, width=width)
        for x, y in (start, end):
            draw.ellipse((x - width / 2, y - width / 2, x + width / 2, y + width / 2), fill=255)
    return np.asarray(mask) > 127


def found_lines(rapid, image: np.ndarray, lines: list[dict]) -> set[int]:
    """Indices of the GT lines that RapidOCR (default settings) still finds (eval_removal.py's matching)."""
    found, _ = rapid(np.ascontiguousarray(image[..., ::-1]))
    preds = [np.float32(item[0]) for item in (found or [])]
    owners = ocr_metrics.assign([np.float32(line["quad"]) for line in lines], preds)
    return {o for o in owners if o >= 0}


def dilated(mask: np.ndarray, by: int = 2) -> np.ndarray:
    import cv2

    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * by + 1, 2 * by + 1))
    return cv2.dilate(mask.astype(np.uint8), kernel) > 0


def filled_images(data: Path, rec: dict, cache: Path | None, rapid) -> dict:
    """{case: (mask, result, lines RapidOCR still finds)} for one photo, from the cache when there."""
    texted = Image.open(data / rec["texted"]).convert("RGB")
    size = texted.size
    gt = np.asarray(Image.open(data / rec["mask"]).convert("L")) > 127
    masks = {"gt": dilated(gt), "own": np.asarray(text_mask(texted, [ln["quad"] for ln in rec["lines"]])) > 127,
             "cover": painted(size, rec["lines"], COVER), "band": painted(size, rec["lines"], BAND)}
    out = {}
    for case, mask in masks.items():
        path = cache / f"{Path(rec['texted']).stem}_{case}.png" if cache else None
        found_path = path.with_suffix(".json") if path else None
        if path and path.is_file() and found_path.is_file():
            result = np.asarray(Image.open(path).convert("RGB"))
            found = set(json.loads(found_path.read_text()))
        else:
            result = np.asarray(remove_text(texted, Image.fromarray(mask.astype(np.uint8) * 255)))
            found = found_lines(rapid, result, rec["lines"])
            if path:
                Image.fromarray(result).save(path)
                found_path.write_text(json.dumps(sorted(found)))
        out[case] = (mask, result, found)
    return {"texted": np.asarray(texted), "gt_mask": gt, **out}


def bench_split(data: Path, cache: Path | None) -> list[dict]:
    rapid = None
    if cache:
        cache.mkdir(parents=True, exist_ok=True)
    records = json.loads((data / "text_removal.json").read_text(encoding="utf-8"))
    rows = []
    for rec in records:
        if rapid is None:
            from rapidocr_onnxruntime import RapidOCR

            rapid = RapidOCR()
        got = filled_images(data, rec, cache, rapid)
        texted, gt = got["texted"], got["gt_mask"]
        quads = [ln["quad"] for ln in rec["lines"]]
        for case in ("gt", "own"):
            mask, result, found = got[case]
            for i, area in enumerate(line_areas(mask, quads)):
                t = text_traces(texted, result, area, filled=mask)
                rows.append({"image": rec["texted"], "case": case, "line": i, "share": t.share,
                             "pixels": t.text_pixels, "left": t.left, "counted": i not in found,
                             "size": rec["lines"][i]["size"]})
        for case in ("cover", "band"):
            mask, result, found = got[case]
            t = text_traces(texted, result, mask)
            covered = bool((mask | ~gt).all())
            counted = case == "band" or (covered and not found)
            rows.append({"image": rec["texted"], "case": case, "share": t.share, "pixels": t.text_pixels,
                         "left": t.left, "counted": counted, "covered": covered, "found": len(found)})
        print(f"  {rec['texted']}: " + ", ".join(f"{r['case']} {r['share']:.3f}" for r in rows[-len(quads) * 2 - 2:]
                                                if r["case"] in ("cover", "band")), file=sys.stderr, flush=True)
    return rows


def rates(rows: list[dict]) -> dict:
    out = {}
    for case in ("gt", "own", "cover", "band"):
        sel = [r for r in rows if r["case"] == case and r["counted"]]
        flagged = sum(r["left"] for r in sel)
        out[case] = {"n": len(sel), "flagged": flagged, "rate": round(flagged / len(sel), 4) if sel else None,
                     "shares": sorted(r["share"] for r in sel)}
        if case == "band":  # what OCR alone saw: a line still found anywhere in the photo
            out[case]["read"] = sum(r["found"] > 0 for r in sel)
            out[case]["read_or_flagged"] = sum(r["found"] > 0 or r["left"] for r in sel)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, action="append", required=True)
    ap.add_argument("--cache", type=Path, default=ROOT / "bench" / "out" / "traces")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    result = {}
    print(f"threshold: traces remain at a share >= {TRACES}")
    print("| split | gt mask: false alarms | own mask: false alarms | painted, full cover: false alarms | "
          "painted, band over the middle: caught | band: RapidOCR still finds a line | band: either |\n"
          "|---|---|---|---|---|---|---|")
    for data in args.data:
        name = data.name or str(data)
        rows = bench_split(data, args.cache / name if args.cache else None)
        r = rates(rows)
        result[name] = {"rates": r, "rows": rows}
        cells = [f"{r[c]['flagged']}/{r[c]['n']}" for c in ("gt", "own", "cover", "band")]
        cells += [f"{r['band']['read']}/{r['band']['n']}", f"{r['band']['read_or_flagged']}/{r['band']['n']}"]
        print(f"| {name} | " + " | ".join(cells) + " |", flush=True)
        for case in ("gt", "own", "cover", "band"):
            shares = r[case]["shares"]
            if shares:
                q = [shares[min(len(shares) - 1, math.floor(p * len(shares)))] for p in (0.5, 0.9, 0.99)]
                print(f"    {case}: share min {shares[0]:.3f} median {q[0]:.3f} p90 {q[1]:.3f} "
                      f"p99 {q[2]:.3f} max {shares[-1]:.3f}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
