"""Text-in-image benchmark (ml.text with the app's default settings). Never part of the test run.

    python bench/text.py --data ../shared/data [--json OUT] [--sheet PNG] [--only placement,removal,modify]
                         [--save DIR] [--method lama --weights DIR]

DIR holds `text_render.json` and `text_removal.json` beside their images (../shared/data layout).

- placement: each task's text is placed in its box (or quad; `orientation` = vertical writes
  columns) with place_text, then read back with read_back (PP-OCR inside the box): sentence
  accuracy (equal after removing whitespace) and NED, overall and per language.
- removal: the app's path: PP-OCR detects the lines of the texted photo, text_mask finds the glyphs
  inside them, remove_text fills them. Scored against the clean photo inside each GT line's mask_box
  (PSNR, SSIM as in ../shared/data/tools/eval_removal.py) next to OpenCV Telea (radius 3) given the
  ground-truth mask, and the share of GT lines RapidOCR (default settings) still detects afterwards.
- modify: each GT line, located by the app's OCR, is replaced by another phrase with modify_text
  and read back inside the line's quad.
- seconds per operation on a 1 MP photo (add: 2 boxes; remove: detect + mask + fill of 3 lines;
  modify: one line), median of 3 after a warm-up.
`--method lama` measures removal, modify and their timing with the LaMa network (lama/big-lama.pt
under --weights, `python manage.py fetch_models lama`) instead of the default fill.
`--json` writes {"placement": {"sentence_accuracy", "ned"}, "removal": {"psnr_gain_db", "ssim_gain",
"residual_detection_rate"}, "modify": {"sentence_accuracy"}}.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import ocr_metrics  # noqa: E402

from ml import registry  # noqa: E402
from ml.text import TextBox, modify_text, place_text, read_back, remove_text, text_mask  # noqa: E402
from ml.text.readback import squash  # noqa: E402

REPLACEMENTS = {
    "zh": ["欢迎光临", "今日特价", "禁止吸烟", "营业时间", "小心地滑", "请勿触摸", "出口在左", "文创商店"],
    "en": ["Welcome", "Open Daily", "Gift Shop", "No Entry", "Sale Today", "Tea House", "Exit Left", "Museum Cafe"],
}


# the fill under test: the app's default, or a learned one (--method lama) with its loaded network
FILL: dict = {"method": "default", "learned": None}


def ned(gt: str, pred: str) -> float:
    a, b = squash(gt), squash(pred)
    if not a and not b:
        return 1.0
    return 1.0 - ocr_metrics.edit_distance(a, b) / max(len(a), len(b))


def reader():
    from ml.ocr.ppocr_engine import TEXT_TOOLS_DET

    return registry.get("ocr", "ppocr", **TEXT_TOOLS_DET)  # the detector the app's text tools use


# --- placement ------------------------------------------------------------------------------------

def task_box(task: dict) -> TextBox:
    kwargs = {"vertical": task.get("orientation") == "vertical"}
    if "quad" in task:
        return TextBox(quad=task["quad"], text=task["text"], **kwargs)
    return TextBox.from_rect(task["box"], task["text"], **kwargs)


def bench_placement(data: Path, save: Path | None) -> tuple[dict, list[dict]]:
    tasks = json.loads((data / "text_render.json").read_text(encoding="utf-8"))
    rows = []
    for task in tasks:
        with Image.open(data / task["image"]) as img:
            image = img.convert("RGB")
        box = task_box(task)
        out = place_text(image, [box])
        got = read_back(out, [box], reader())[0]
        # a second, independent check: PP-OCR on the whole image, lines matched to the box as in the
        # OCR metrics (centre inside or >= 50 % covered), joined in reading order
        lines = reader().read(out).lines
        mine = owned(box.quad, [ln.quad for ln in lines])
        whole = "".join(lines[i].text for i in mine)
        rows.append({"id": task["id"], "lang": task["lang"], "text": task["text"], "read": got.read, "ok": got.ok,
                     "ned": ned(task["text"], got.read), "layout": task.get("layout"), "whole_read": whole,
                     "whole_ok": squash(whole) == squash(task["text"]), "whole_ned": ned(task["text"], whole)})
        if save:
            out.save(save / f"{task['id']}.png")
    return rows_summary(rows), rows


def rows_summary(rows: list[dict]) -> dict:
    def agg(sel):
        if not sel:
            return {"n": 0, "sentence_accuracy": None, "ned": None}
        return {"n": len(sel), "sentence_accuracy": round(sum(r["ok"] for r in sel) / len(sel), 4),
                "ned": round(sum(r["ned"] for r in sel) / len(sel), 4)}

    out = agg(rows)
    for lang in ("zh", "en", "mixed"):
        out[lang] = agg([r for r in rows if r["lang"] == lang])
    if rows and "whole_ok" in rows[0]:
        out["whole_image"] = {"n": len(rows),
                              "sentence_accuracy": round(sum(r["whole_ok"] for r in rows) / len(rows), 4),
                              "ned": round(sum(r["whole_ned"] for r in rows) / len(rows), 4)}
    return out


# --- removal --------------------------------------------------------------------------------------

def psnr(a, b) -> float:
    mse = float(np.mean((np.asarray(a, np.float64) - np.asarray(b, np.float64)) ** 2))
    return 100.0 if mse <= 1e-12 else min(100.0, 10 * math.log10(255.0 ** 2 / mse))


def ssim(a, b) -> float:
    from skimage.metrics import structural_similarity

    h, w = a.shape[:2]
    win = min(7, h, w)
    win -= 1 - win % 2
    if win < 3:
        return float("nan")
    return float(structural_similarity(a, b, win_size=win, channel_axis=2, data_range=255))


def detect_quads(image: Image.Image) -> list:
    """The lines the app's "remove all" takes: what PP-OCR finds, less patterns read as letters."""
    from ml.text.readback import looks_like_texture

    return [line.quad for line in reader().read(image).lines if not looks_like_texture(line.text, line.score)]


def box_scores(result: np.ndarray, clean: np.ndarray, lines: list[dict]) -> tuple[list[float], list[float]]:
    ps, ss = [], []
    for line in lines:
        x0, y0, x1, y1 = line["mask_box"]
        ps.append(psnr(result[y0:y1, x0:x1], clean[y0:y1, x0:x1]))
        ss.append(ssim(result[y0:y1, x0:x1], clean[y0:y1, x0:x1]))
    return ps, ss


def still_detected(result: np.ndarray, lines: list[dict], rapid) -> int:
    """GT lines that RapidOCR (default settings) still finds (eval_removal.py's matching)."""
    found, _ = rapid(np.ascontiguousarray(result[..., ::-1]))
    preds = [np.float32(item[0]) for item in (found or [])]
    owners = ocr_metrics.assign([np.float32(line["quad"]) for line in lines], preds)
    return len({o for o in owners if o >= 0})


def owned(gt_quad, quads) -> list[int]:
    """Indices of the predicted quads that the GT line owns (same matching as the OCR metrics)."""
    owners = ocr_metrics.assign([np.float32(gt_quad)], [np.float32(q) for q in quads])
    return [i for i, o in enumerate(owners) if o == 0]


def bench_removal(data: Path, save: Path | None, sheet: Path | None) -> tuple[dict, list[dict]]:
    import cv2
    from rapidocr_onnxruntime import RapidOCR

    rapid = RapidOCR()
    records = json.loads((data / "text_removal.json").read_text(encoding="utf-8"))
    rows, sheet_rows = [], []
    for rec in records:
        texted_img = Image.open(data / rec["texted"]).convert("RGB")
        texted = np.asarray(texted_img)
        clean = np.asarray(Image.open(data / rec["clean"]).convert("RGB"))
        gt_mask = np.asarray(Image.open(data / rec["mask"]).convert("L")) > 127
        telea = cv2.inpaint(texted, gt_mask.astype(np.uint8) * 255, 3, cv2.INPAINT_TELEA)
        started = time.perf_counter()
        quads = detect_quads(texted_img)
        mask = text_mask(texted_img, quads)
        ours = np.asarray(remove_text(texted_img, mask, **FILL))
        seconds = time.perf_counter() - started
        ours_gt = np.asarray(remove_text(texted_img, Image.fromarray(gt_mask.astype(np.uint8) * 255), **FILL))
        own_telea = np.asarray(remove_text(texted_img, mask, method="telea"))
        p_t, s_t = box_scores(telea, clean, rec["lines"])
        p_o, s_o = box_scores(ours, clean, rec["lines"])
        p_g, s_g = box_scores(ours_gt, clean, rec["lines"])
        p_ot, s_ot = box_scores(own_telea, clean, rec["lines"])
        m = np.asarray(mask) > 127
        rows.append({"image": rec["texted"], "lines": len(rec["lines"]), "psnr_telea": p_t, "ssim_telea": s_t,
                     "psnr_ours": p_o, "ssim_ours": s_o, "psnr_ours_gtmask": p_g, "ssim_ours_gtmask": s_g,
                     "psnr_telea_ownmask": p_ot, "ssim_telea_ownmask": s_ot, "seconds": seconds,
                     "mask_recall": float(m[gt_mask].mean()), "mask_extra": float((m & ~gt_mask).sum() / max(1, m.sum())),
                     "detected_telea": still_detected(telea, rec["lines"], rapid),
                     "detected_ours": still_detected(ours, rec["lines"], rapid)})
        if save:
            Image.fromarray(ours).save(save / (Path(rec["texted"]).stem + "_ours.png"))
        if sheet:
            sheet_rows.append((texted, np.asarray(mask), telea, ours, clean))
    n_lines = sum(r["lines"] for r in rows)

    def mean(key):
        return float(np.mean([v for r in rows for v in r[key]]))

    summary = {
        "images": len(rows), "lines": n_lines,
        "psnr_telea": round(mean("psnr_telea"), 3), "ssim_telea": round(mean("ssim_telea"), 4),
        "psnr_ours": round(mean("psnr_ours"), 3), "ssim_ours": round(mean("ssim_ours"), 4),
        "psnr_ours_gtmask": round(mean("psnr_ours_gtmask"), 3), "ssim_ours_gtmask": round(mean("ssim_ours_gtmask"), 4),
        "psnr_telea_ownmask": round(mean("psnr_telea_ownmask"), 3),
        "ssim_telea_ownmask": round(mean("ssim_telea_ownmask"), 4),
        "mask_recall_gt": round(statistics.mean(r["mask_recall"] for r in rows), 4),
        "mask_extra_share": round(statistics.mean(r["mask_extra"] for r in rows), 4),
        "detected_telea": round(sum(r["detected_telea"] for r in rows) / n_lines, 4),
        "detected_ours": round(sum(r["detected_ours"] for r in rows) / n_lines, 4),
        "seconds_mean": round(statistics.mean(r["seconds"] for r in rows), 3),
    }
    summary["psnr_gain_db"] = round(summary["psnr_ours"] - summary["psnr_telea"], 3)
    summary["ssim_gain"] = round(summary["ssim_ours"] - summary["ssim_telea"], 4)
    summary["residual_detection_rate"] = summary["detected_ours"]
    if sheet and sheet_rows:
        contact_sheet(sheet_rows, records, sheet)
    return summary, rows


def contact_sheet(rows, records, path: Path) -> None:
    """One row per photo: texted | our mask | Telea (GT mask) | ours | clean, cropped around the text."""
    tiles = []
    for (texted, mask, telea, ours, clean), rec in zip(rows, records):
        xs = [b for line in rec["lines"] for b in (line["mask_box"][0], line["mask_box"][2])]
        ys = [b for line in rec["lines"] for b in (line["mask_box"][1], line["mask_box"][3])]
        h, w = texted.shape[:2]
        x0, x1 = max(0, min(xs) - 20), min(w, max(xs) + 20)
        y0, y1 = max(0, min(ys) - 20), min(h, max(ys) + 20)
        m = np.stack([mask] * 3, -1) if mask.ndim == 2 else mask
        crops = [a[y0:y1, x0:x1] for a in (texted, m, telea, ours, clean)]
        scale = min(1.0, 120 / max(1, y1 - y0), 260 / max(1, x1 - x0))
        tw, th = max(1, int((x1 - x0) * scale)), max(1, int((y1 - y0) * scale))
        tiles.append([Image.fromarray(np.ascontiguousarray(c)).resize((tw, th)) for c in crops])
    col_w = max(t[0].width for t in tiles)
    sheet = Image.new("RGB", (5 * (col_w + 6), sum(t[0].height + 6 for t in tiles) + 24), "white")
    draw = ImageDraw.Draw(sheet)
    for i, label in enumerate(["texted", "our mask", "Telea r3 (GT mask)", "ours (own mask)", "clean"]):
        draw.text((i * (col_w + 6) + 4, 6), label, fill="black")
    y = 24
    for row in tiles:
        for i, tile in enumerate(row):
            sheet.paste(tile, (i * (col_w + 6), y))
        y += row[0].height + 6
    sheet.save(path)


# --- modify ---------------------------------------------------------------------------------------

def bench_modify(data: Path, save: Path | None) -> tuple[dict, list[dict]]:
    records = json.loads((data / "text_removal.json").read_text(encoding="utf-8"))
    rows = []
    counter = 0
    for rec in records:
        texted_img = Image.open(data / rec["texted"]).convert("RGB")
        detected = reader().read(texted_img).lines
        for li, line in enumerate(rec["lines"]):
            lang = "en" if ocr_metrics.line_lang(line["text"]) == "en" else "zh"
            new_text = REPLACEMENTS[lang][counter % len(REPLACEMENTS[lang])]
            counter += 1
            match = owned(line["quad"], [ln.quad for ln in detected])
            if not match:
                rows.append({"image": rec["texted"], "old": line["text"], "new": new_text, "read": "", "ok": False,
                             "ned": 0.0, "lang": lang, "note": "line not detected"})
                continue
            quad = detected[max(match, key=lambda i: detected[i].box[2] - detected[i].box[0])].quad
            out = modify_text(texted_img, quad, new_text, learned=FILL["learned"])
            got = read_back(out, [(quad, new_text)], reader())[0]
            rows.append({"image": rec["texted"], "old": line["text"], "new": new_text, "read": got.read,
                         "ok": got.ok, "ned": ned(new_text, got.read), "lang": lang})
            if save:
                out.save(save / f"{Path(rec['texted']).stem}_modify{li}.png")
    return rows_summary(rows), rows


# --- timing ---------------------------------------------------------------------------------------

def bench_timing(data: Path) -> dict:
    records = json.loads((data / "text_removal.json").read_text(encoding="utf-8"))
    rec = records[0]
    base = Image.open(data / rec["texted"]).convert("RGB")
    scale = math.sqrt(1_000_000 / (base.width * base.height))
    image = base.resize((round(base.width * scale), round(base.height * scale)), Image.LANCZOS)
    quads = [[[x * scale, y * scale] for x, y in line["quad"]] for line in rec["lines"]]
    w, h = image.size
    boxes = [TextBox.from_rect((0.1 * w, 0.05 * h, 0.9 * w, 0.18 * h), "故宫文创 Palace Museum"),
             TextBox.from_rect((0.6 * w, 0.25 * h, 0.75 * w, 0.7 * h), "天路", vertical=True)]

    def add():
        place_text(image, boxes)

    def remove():
        found = detect_quads(image)
        remove_text(image, text_mask(image, found), **FILL)

    def modify():
        modify_text(image, quads[0], "欢迎光临", learned=FILL["learned"])

    out = {"pixels": w * h}
    for name, fn in (("add", add), ("remove", remove), ("modify", modify)):
        fn()
        times, cpu = [], []
        for _ in range(3):
            t0, c0 = time.perf_counter(), time.process_time()
            fn()
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        out[name] = round(statistics.median(times), 3)
        out[name + "_cpu"] = round(statistics.median(cpu), 3)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--sheet", type=Path, default=ROOT / "bench" / "text-removal-sheet.png")
    parser.add_argument("--save", type=Path, help="write every result image here")
    parser.add_argument("--only", default="placement,removal,modify,timing")
    parser.add_argument("--failures", action="store_true", help="list every line that was read wrong")
    parser.add_argument("--method", choices=("default", "lama"), default="default",
                        help="the fill for removal and modify (lama: the LaMa network, from --weights)")
    parser.add_argument("--weights", type=Path, default=Path(os.environ.get("ML_WEIGHTS_DIR", ROOT / "weights")),
                        help="the folder holding lama/big-lama.pt (default: ML_WEIGHTS_DIR or ./weights)")
    args = parser.parse_args()
    result: dict = {"fill_method": args.method}
    if args.method == "lama":
        from ml.text.lama import LamaInpainter

        ok, reason = LamaInpainter.availability(weights_dir=args.weights)
        if not ok:
            parser.error(f"--method lama: {reason} (python manage.py fetch_models lama)")
        FILL.update(method="lama", learned=LamaInpainter(weights_dir=args.weights))
    parts = set(args.only.split(","))
    if args.save:
        args.save.mkdir(parents=True, exist_ok=True)
    print(f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores, python {platform.python_version()}, "
          f"load average {os.getloadavg()[0]:.1f} at start")
    if "placement" in parts:
        summary, rows = bench_placement(args.data, args.save)
        result["placement"] = {"sentence_accuracy": summary["sentence_accuracy"], "ned": summary["ned"], **summary}
        print("\nPlacement (text_render, read back with PP-OCR inside each box)")
        print("| lines | n | sen.acc | NED |\n|---|---|---|---|")
        print(f"| all | {summary['n']} | {summary['sentence_accuracy']:.3f} | {summary['ned']:.4f} |")
        for lang in ("zh", "en", "mixed"):
            s = summary[lang]
            if s["n"]:
                print(f"| {lang} | {s['n']} | {s['sentence_accuracy']:.3f} | {s['ned']:.4f} |")
        w = summary["whole_image"]
        print(f"| all, whole-image read (PP-OCR on the full image, lines matched to the box) | {w['n']} | "
              f"{w['sentence_accuracy']:.3f} | {w['ned']:.4f} |")
        if args.failures:
            for r in rows:
                if not r["ok"]:
                    print(f"  ✗ {r['id']} {r['layout']}: {r['text']!r} read {r['read']!r}")
                if not r["whole_ok"]:
                    print(f"  ✗ (whole image) {r['id']} {r['layout']}: {r['text']!r} read {r['whole_read']!r}")
    if "removal" in parts:
        summary, rows = bench_removal(args.data, args.save, args.sheet)
        result["removal"] = {k: summary[k] for k in ("psnr_gain_db", "ssim_gain", "residual_detection_rate")}
        result["removal"].update(summary)
        print(f"\nRemoval (text_removal: {summary['images']} photos, {summary['lines']} lines; "
              "PSNR/SSIM inside each GT mask_box)")
        print("| method | mask | PSNR box (dB) | SSIM box | RapidOCR still detects | s/img |\n|---|---|---|---|---|---|")
        print(f"| OpenCV Telea r=3 | ground truth | {summary['psnr_telea']:.2f} | {summary['ssim_telea']:.3f} | "
              f"{summary['detected_telea']:.3f} | - |")
        print(f"| ours ({FILL['method']}) | own (PP-OCR lines + text_mask) | {summary['psnr_ours']:.2f} | "
              f"{summary['ssim_ours']:.3f} | {summary['detected_ours']:.3f} | {summary['seconds_mean']:.2f} |")
        print(f"| OpenCV Telea r=3 | own | {summary['psnr_telea_ownmask']:.2f} | {summary['ssim_telea_ownmask']:.3f} | - | - |")
        print(f"| ours ({FILL['method']}, fill only) | ground truth | {summary['psnr_ours_gtmask']:.2f} | {summary['ssim_ours_gtmask']:.3f} | - | - |")
        print(f"own mask vs GT mask: covers {summary['mask_recall_gt']:.3f} of the GT mask; "
              f"{summary['mask_extra_share']:.3f} of it lies outside the GT mask")
        print(f"gain: PSNR {summary['psnr_gain_db']:+.2f} dB, SSIM {summary['ssim_gain']:+.3f}; sheet: {args.sheet}")
    if "modify" in parts:
        summary, rows = bench_modify(args.data, args.save)
        result["modify"] = {"sentence_accuracy": summary["sentence_accuracy"], **summary}
        print("\nModify (each text_removal line replaced, read back inside its quad)")
        print("| lines | n | sen.acc | NED |\n|---|---|---|---|")
        print(f"| all | {summary['n']} | {summary['sentence_accuracy']:.3f} | {summary['ned']:.4f} |")
        for lang in ("zh", "en"):
            s = summary[lang]
            if s["n"]:
                print(f"| {lang} | {s['n']} | {s['sentence_accuracy']:.3f} | {s['ned']:.4f} |")
        if args.failures:
            for r in rows:
                if not r["ok"]:
                    print(f"  ✗ {r['image']}: {r['old']!r} -> {r['new']!r} read {r['read']!r} {r.get('note', '')}")
    if "timing" in parts:
        timing = bench_timing(args.data)
        result["seconds_per_op_1mp"] = timing
        print(f"\nSeconds per operation, {timing['pixels'] / 1e6:.2f} MP photo (median of 3; "
              f"load average {os.getloadavg()[0]:.1f})")
        print("| seconds | add (2 boxes) | remove (detect + mask + fill) | modify (1 line) |\n|---|---|---|---|")
        print(f"| wall | {timing['add']:.2f} | {timing['remove']:.2f} | {timing['modify']:.2f} |")
        print(f"| CPU (all threads of this process) | {timing['add_cpu']:.2f} | {timing['remove_cpu']:.2f} | "
              f"{timing['modify_cpu']:.2f} |")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
