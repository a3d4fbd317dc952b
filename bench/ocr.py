"""OCR benchmark: runs each engine the way the app does (ml.registry + OcrEngine.read) on a folder of
images with ground truth and prints a table. Never part of the test run.

    python bench/ocr.py --data ../shared/data [--json OUT] [--engines ppocr,easyocr,auto]
                        [--det-limits 640,960,1280] [--check] [--failures]

DIR holds `ocr.json` beside its images (the shape of ../shared/data/ocr.json), or is laid out like
ICDAR 2015 (`gt/img_N.txt` + `images/img_N.jpg`; `###` lines are illegible and do not count).
Metrics (../shared/data/README.md): sentence accuracy, NED, character recall, detection recall, and
seconds per image (median and mean of one read() call each, after one warm-up call).
`--check` scores the same predictions with the reference scorer (../shared/data/tools/eval_ocr.py)
and fails if any number differs."""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import ocr_metrics  # noqa: E402

from ml import registry  # noqa: E402
from ml.ocr.base import ReadOptions  # noqa: E402
from ml.ocr.ppocr_engine import DEFAULT_DET_LIMIT  # noqa: E402

DEFAULT_LANGUAGES = ("ch_sim", "en")  # what the app asks for by default
REFERENCE = ROOT.parent / "shared" / "data" / "tools" / "eval_ocr.py"


def load_dataset(folder: Path) -> tuple[list[dict], Path]:
    if (folder / "ocr.json").is_file():
        return json.loads((folder / "ocr.json").read_text(encoding="utf-8")), folder
    gt_dir, img_dir = folder / "gt", folder / "images"
    if gt_dir.is_dir() and img_dir.is_dir():
        records = []
        for txt in sorted(gt_dir.glob("*.txt"), key=lambda p: int("".join(c for c in p.stem if c.isdigit()) or 0)):
            stem = txt.stem[3:] if txt.stem.startswith("gt_") else txt.stem
            image = next((p for p in img_dir.glob(stem + ".*")), None)
            if image is None:
                continue
            lines = []
            for raw in txt.read_text(encoding="utf-8-sig").splitlines():
                parts = raw.strip().split(",", 8)
                if len(parts) < 9 or parts[8].strip() == "###":
                    continue
                pts = [float(v) for v in parts[:8]]
                lines.append({"text": parts[8].strip(), "quad": [pts[i:i + 2] for i in range(0, 8, 2)]})
            records.append({"image": str(image.relative_to(folder)), "lines": lines})
        return records, folder
    raise SystemExit(f"{folder}: no ocr.json and no gt/ + images/ (ICDAR layout)")


class _RawRapid:
    """The reference configuration, RapidOCR(det_limit_type="max", det_limit_side_len=960) called
    directly as ../shared/data/tools/eval_ocr.py does: a same-machine, same-load baseline."""

    engine = "rapidocr-max960 (raw)"

    def __init__(self):
        from rapidocr_onnxruntime import RapidOCR

        self.rapid = RapidOCR(det_limit_type="max", det_limit_side_len=960)

    def read(self, path, options=None):
        from types import SimpleNamespace

        from ml.ocr.types import OcrLine, quad_from

        result, _ = self.rapid(str(path))
        lines = [OcrLine(text=t, score=float(s), quad=quad_from(b)) for b, t, s in result or []]
        return SimpleNamespace(engine=self.engine, lines=lines)


def make_engine(name: str, det_limit: int | None):
    if name == "rapidocr-raw":
        return _RawRapid()
    if name == "ppocr":
        return registry.get("ocr", "ppocr", det_limit_side_len=det_limit or DEFAULT_DET_LIMIT)
    return registry.get("ocr", name, weights_dir=str(ROOT / "weights"))


def run(engine, records: list[dict], folder: Path, languages) -> list[dict]:
    options = ReadOptions(languages=tuple(languages))
    if records:
        engine.read(folder / records[0]["image"], options)  # warm-up, not timed
    preds = []
    for record in records:
        started = time.perf_counter()
        result = engine.read(folder / record["image"], options)
        seconds = time.perf_counter() - started
        preds.append({"image": record["image"], "seconds": round(seconds, 4), "engine": result.engine,
                      "lines": [line.to_dict() for line in result.lines]})
    return preds


def check_reference(records, preds, subset, mine: dict) -> None:
    spec = importlib.util.spec_from_file_location("eval_ocr", REFERENCE)
    ref = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ref)
    theirs, _rows = ref.score(records, preds, subset)
    pairs = {"sentence_accuracy": "sent_acc", "ned": "ned", "char_recall": "char_recall", "det_recall": "det_recall",
             "seconds_mean": "sec_per_image"}
    for ours, key in pairs.items():
        a, b = mine[ours], theirs[key]
        if (a is None) != (b is None) or (a is not None and abs(a - b) > 1e-9):
            raise SystemExit(f"reference scorer disagrees on {ours}: ours {a}, reference {b}")


def fmt(name: str, m: dict, n_images: int) -> str:
    sec = f"{m['seconds_median']:.3f}" if m.get("seconds_median") is not None else "n/a"
    return (f"| {name} | {n_images} | {m['n_lines']} | {m['sentence_accuracy']:.3f} | {m['ned']:.3f} | "
            f"{m['char_recall']:.3f} | {m['det_recall']:.3f} | {sec} |")


HEAD = ("| engine | images | GT lines | sentence acc. | NED | char recall | det recall | s/img (median) |\n"
        "|---|---|---|---|---|---|---|---|")


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, type=Path)
    ap.add_argument("--json", type=Path, help='write {"<engine>": {"ned", "sentence_accuracy", ...}} here')
    ap.add_argument("--engines", default="rapidocr-raw,ppocr,easyocr,auto")
    ap.add_argument("--det-limits", default=str(DEFAULT_DET_LIMIT), help="PP-OCR det_limit_side_len values to measure")
    ap.add_argument("--check", action="store_true", help="compare every number with the reference scorer")
    ap.add_argument("--failures", action="store_true", help="print the lines each engine got wrong")
    ap.add_argument("--limit", type=int, default=0)
    a = ap.parse_args(argv)
    warnings.filterwarnings("ignore")

    folder = a.data / "ocr" if (a.data / "ocr.json").is_file() is False and (a.data / "ocr" / "ocr.json").is_file() \
        else a.data
    records, folder = load_dataset(folder)
    if a.limit:
        records = records[: a.limit]
    english = [r for r in records if any(ocr_metrics.line_lang(l["text"]) == "en" for l in r["lines"])]
    runs: list[tuple[str, str, int | None, list[dict], set | None, tuple]] = []
    for name in a.engines.split(","):
        if name == "ppocr":
            for limit in [int(v) for v in a.det_limits.split(",")]:
                label = "ppocr" if limit == DEFAULT_DET_LIMIT else f"ppocr (det max {limit})"
                runs.append((label, "ppocr", limit, records, None, DEFAULT_LANGUAGES))
        elif name == "easyocr":
            # Offline EasyOCR has English weights only: English lines, on the images that have any.
            runs.append(("easyocr (en lines)", "easyocr", None, english, {"en"}, ("en",)))
        elif name == "auto":
            runs.append(("auto", "auto", None, records, None, DEFAULT_LANGUAGES))
        else:
            runs.append((name, name, None, records, None, DEFAULT_LANGUAGES))

    table, out = [], {}
    for label, name, limit, subset_records, subset, languages in runs:
        chosen = registry.ocr_choose(languages, weights_dir=str(ROOT / "weights")) if name == "auto" else name
        engine = make_engine(chosen, limit)
        preds = run(engine, subset_records, folder, languages)
        metrics, rows = ocr_metrics.score(subset_records, preds, subset)
        if a.check:
            check_reference(subset_records, preds, subset, metrics)
        if name == "ppocr" and limit == DEFAULT_DET_LIMIT and "ppocr" not in out:
            out["ppocr"] = metrics
        out[label if name != "ppocr" or limit != DEFAULT_DET_LIMIT else "ppocr"] = metrics
        if name == "auto":
            metrics["engine"] = chosen
        table.append(fmt(label if name != "auto" else f"auto → {chosen}", metrics, len(subset_records)))
        if a.failures:
            for row in rows:
                if row["pred"] is None or ocr_metrics.strip_ws(row["pred"]) != ocr_metrics.strip_ws(row["gt"]):
                    print(f"  {label}: {row['image']}: GT {row['gt']!r} -> {row['pred']!r}", file=sys.stderr)
        print(table[-1], file=sys.stderr, flush=True)
    print(f"data: {a.data} ({len(records)} images), cores: {os.cpu_count()}" + (", checked against the reference scorer" if a.check else ""))
    print(HEAD)
    print("\n".join(table))
    if a.json:
        keep = ("ned", "sentence_accuracy", "char_recall", "det_recall", "seconds_median", "n_lines")
        a.json.parent.mkdir(parents=True, exist_ok=True)
        a.json.write_text(json.dumps({k: {f: v.get(f) for f in keep} | ({"engine": v["engine"]} if "engine" in v else {})
                                      for k, v in out.items()}, indent=1), encoding="utf-8")
    return out


if __name__ == "__main__":
    main()
