"""OCR benchmark: runs each engine the way the app does (ml.registry + OcrEngine.read) on folders of
images with ground truth and prints tables, one column group per folder (tuned and untouched splits side
by side). Never part of the test run.

    python bench/ocr.py --data bench/out/textsets/dev --data bench/out/textsets/untouched
                        [--engines ppocr-defaults,auto] [--ablate det,merge,normalize,spaces,upscale]
                        [--det-limits 640,960,1280] [--limit N] [--check] [--failures] [--json OUT]

DIR holds `ocr.json` beside its images (the shape of ../shared/data/ocr.json and of the generated splits
of bench/textsets), or is laid out like ICDAR 2015 (`gt/img_N.txt` + `images/img_N.jpg`; `###` lines
are illegible and do not count).
Engines: `auto` (what the app runs), `ppocr` (at each of --det-limits, max mode), `ppocr-image[:PX[:E]]`
(the per-image detector size; PX: second pass for text under PX px; E: enlargement bound), `easyocr` (English lines only),
`rapidocr-raw` (RapidOCR max/960 called directly, the reference configuration of ../shared/data) and
`ppocr-defaults`: plain PP-OCR with the library's defaults (`RapidOCR()` called on the file: det
min/736, box 0.5, unclip 1.6, text score 0.5, angle classifier on), none of our limits or clean-up.
`--ablate K1,K2`: one more `auto` run per knob, with that knob set back to the library's behaviour
(see ABLATIONS). All configurations are read image by image in turn, so the load of a shared machine
hits them alike.
Metrics (../shared/data/README.md): sentence accuracy, NED, character recall, detection recall, the same
per language (zh / en / mixed), "spaced" sentence accuracy (exact with the word spaces, which the
others ignore), and seconds per image (median of one read() call each, after one warm-up call).
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
from ml.ocr.ppocr_engine import DEFAULT_DET_LIMIT, DET_IMAGE_LIMIT  # noqa: E402

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


class _Defaults(_RawRapid):
    """Plain PP-OCR: `RapidOCR()` with every library default, called on the file."""

    engine = "rapidocr-defaults (raw)"

    def __init__(self):
        from rapidocr_onnxruntime import RapidOCR

        self.rapid = RapidOCR()


# Each knob of `auto`'s PP-OCR path, set back to what plain RapidOCR does: (engine config, read options,
# patches of module attributes). The rest of auto's path is the library's own default already
# (box 0.5, unclip 1.6, text score 0.5 = our OCR_MIN_SCORE, angle classifier on, batch 6).
ABLATIONS: dict[str, tuple[dict, dict, dict]] = {
    # the detector at rapidocr's min/736 instead of our longer-side limit (max/960)
    "det": ({"det_limit_type": "min", "det_limit_side_len": 736}, {}, {}),
    "upscale": ({}, {"upscale": False}, {}),
    "merge": ({}, {"merge_fragments": False}, {}),
    "normalize": ({}, {}, {"ml.ocr.base.normalize": lambda text: text}),
    "spaces": ({}, {}, {"ml.ocr.ppocr_engine.restore_spaces": lambda image, text, quad, chars: text}),
    # no fragment merging on the per-image detector size (engine `ppocr-image`)
    "merge-image": ({"det_limit_type": "image", "det_limit_side_len": DET_IMAGE_LIMIT}, {"merge_fragments": False}, {}),
}


# Knobs that act after rapidocr has detected and recognised: their runs reuse auto's rapidocr output on
# the same image (so they cost a fraction of a run; their time column shows "-").
POST_PROCESSING = {"upscale": False, "merge": True, "merge-image": True, "normalize": True, "spaces": True}


class _Memo:
    """Wraps a PpOcrEngine's rapidocr call: every call is stored; while `reuse` is set, a stored result
    for the same pixels and arguments is returned instead of running rapidocr again."""

    def __init__(self, call):
        self.call, self.store, self.reuse = call, {}, False

    def __call__(self, bgr, **kwargs):
        import hashlib

        key = (hashlib.sha1(bgr.tobytes()).hexdigest(), bgr.shape, repr(sorted(kwargs.items())))
        if self.reuse and key in self.store:
            return self.store[key]
        self.store[key] = result = self.call(bgr, **kwargs)
        return result


def memoize(engine):
    if hasattr(engine, "_engine") and not isinstance(engine._engine, _Memo):
        engine._engine = _Memo(engine._engine)
    return engine


class _Variant:
    """An engine read under module patches (the patches are on only while it reads)."""

    def __init__(self, engine, patches: dict, options: dict, reuse: bool = False):
        self.inner, self.patches, self.options, self.reuse = engine, patches, options, reuse

    def read(self, path, options=None):
        import importlib
        from dataclasses import replace

        memo = getattr(self.inner, "_engine", None)
        if isinstance(memo, _Memo):
            memo.reuse = self.reuse
        saved = []
        for target, value in self.patches.items():
            module, attr = target.rsplit(".", 1)
            mod = importlib.import_module(module)
            saved.append((mod, attr, getattr(mod, attr)))
            setattr(mod, attr, value)
        try:
            return self.inner.read(path, replace(options or ReadOptions(), **self.options))
        finally:
            for mod, attr, value in saved:
                setattr(mod, attr, value)
            if isinstance(memo, _Memo):
                memo.reuse = False


def make_engine(name: str, det_limit: int | None, config: dict | None = None):
    if name == "rapidocr-raw":
        return _RawRapid()
    if name == "ppocr-defaults":
        return _Defaults()
    if name == "ppocr":
        if config:
            from ml.ocr.ppocr_engine import PpOcrEngine

            return PpOcrEngine(**{"det_limit_side_len": det_limit or DEFAULT_DET_LIMIT, **config})
        if det_limit:
            return registry.get("ocr", "ppocr", det_limit_side_len=det_limit, det_limit_type="max")
        return registry.get("ocr", "ppocr")
    return registry.get("ocr", name, weights_dir=str(ROOT / "weights"))


def run_interleaved(configs: list[dict], records: list[dict], folder: Path) -> dict[str, list[dict]]:
    """Predictions per configuration; every image is read by all configurations in turn."""
    preds: dict[str, list[dict]] = {c["label"]: [] for c in configs}
    for c in configs:
        if c["records"]:
            c["engine"].read(folder / c["records"][0]["image"], ReadOptions(languages=c["languages"]))  # warm-up
    for record in records:
        for c in configs:
            if record["image"] not in c["images"]:
                continue
            options = ReadOptions(languages=c["languages"])
            started = time.perf_counter()
            result = c["engine"].read(folder / record["image"], options)
            seconds = time.perf_counter() - started
            preds[c["label"]].append({"image": record["image"], "seconds": round(seconds, 4), "engine": result.engine,
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


LANGS = ("zh", "en", "mixed")


def extras(rows: list[dict]) -> dict:
    """Per-language metrics and the share of lines read exactly with their word spaces."""
    out = {lang: ocr_metrics.aggregate([r for r in rows if r["lang"] == lang], []) for lang in LANGS}
    spaced = sum(1 for r in rows if r["pred"] is not None and " ".join(r["pred"].split()) == " ".join(r["gt"].split()))
    out["spaced_accuracy"] = spaced / len(rows) if rows else 0.0
    return out


def split_name(path: Path) -> str:
    return path.resolve().name


from common import machine_line  # noqa: E402  (bench/common.py: one machine line for every bench)


def tables(results: dict[str, dict[str, dict]], splits: list[str], labels: list[str]) -> str:
    def cell(m, key):
        return "-" if m is None or not m.get("n_lines") else f"{m[key]:.3f}"

    out = ["| engine | " + " | ".join(f"{s} NED | {s} sent. acc." for s in splits) + " | "
           + " | ".join(f"{s} s/img" for s in splits) + " |",
           "|---|" + "---:|" * (3 * len(splits))]
    for label in labels:
        ms = [results[s].get(label) for s in splits]
        out.append(f"| {label} | " + " | ".join(f"{cell(m, 'ned')} | {cell(m, 'sentence_accuracy')}" for m in ms)
                   + " | " + " | ".join("-" if not m or m.get("seconds_median") is None else f"{m['seconds_median']:.3f}"
                                        for m in ms) + " |")
    out += ["", "| engine | split | lines | zh NED / sent. | en NED / sent. | mixed NED / sent. | spaced acc. | char recall | det recall |",
            "|---|---|---:|---|---|---|---:|---:|---:|"]
    for label in labels:
        for s in splits:
            m = results[s].get(label)
            if not m:
                continue
            per = " | ".join(f"{cell(m[l], 'ned')} / {cell(m[l], 'sentence_accuracy')}" for l in LANGS)
            out.append(f"| {label} | {s} | {m['n_lines']} | {per} | {m['spaced_accuracy']:.3f} | "
                       f"{m['char_recall']:.3f} | {m['det_recall']:.3f} |")
    return "\n".join(out)


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, type=Path, action="append", help="repeat for several splits")
    ap.add_argument("--json", type=Path, help='write {"<split>": {"<engine>": {"ned", ...}}} here')
    ap.add_argument("--engines", default="rapidocr-raw,ppocr-defaults,ppocr,easyocr,auto")
    ap.add_argument("--ablate", default="", help="auto's knobs to set back to the library's behaviour, one run each: "
                    + ",".join(ABLATIONS))
    ap.add_argument("--det-limits", default="960", help="`ppocr` engine: fixed longer-side detector limits (max mode) to measure")
    ap.add_argument("--check", action="store_true", help="compare every number with the reference scorer")
    ap.add_argument("--failures", action="store_true", help="print the lines each engine got wrong")
    ap.add_argument("--limit", type=int, default=0, help="the first N images of each folder")
    a = ap.parse_args(argv)
    warnings.filterwarnings("ignore")
    unknown = [k for k in a.ablate.split(",") if k and k not in ABLATIONS]
    if unknown:
        raise SystemExit(f"unknown --ablate knobs {unknown}; known: {', '.join(ABLATIONS)}")

    engines_cache: dict = {}
    results: dict[str, dict[str, dict]] = {}
    splits, labels = [], []
    print(f"machine at the start: {machine_line()}", file=sys.stderr)
    for data in a.data:
        folder = data / "ocr" if not (data / "ocr.json").is_file() and (data / "ocr" / "ocr.json").is_file() else data
        records, folder = load_dataset(folder)
        if a.limit:
            records = records[: a.limit]
        english = [r for r in records if any(ocr_metrics.line_lang(l["text"]) == "en" for l in r["lines"])]
        configs = []

        def add(label, name, limit=None, subset_records=records, subset=None, languages=DEFAULT_LANGUAGES,
                config=None, options=None, patches=None, reuse=False):
            chosen = registry.ocr_choose(languages, weights_dir=str(ROOT / "weights")) if name == "auto" else name
            key = (chosen, limit, repr(sorted((config or {}).items())))
            if key not in engines_cache:
                engines_cache[key] = memoize(make_engine(chosen, limit, config))
            engine = engines_cache[key]
            if options or patches:
                engine = _Variant(engine, patches or {}, options or {}, reuse=reuse)
            configs.append({"label": label, "name": name, "chosen": chosen, "engine": engine, "records": subset_records,
                            "images": {r["image"] for r in subset_records}, "subset": subset,
                            "languages": tuple(languages), "reuse": reuse})

        for name in a.engines.split(","):
            if name == "ppocr":
                for limit in [int(v) for v in a.det_limits.split(",")]:
                    add(f"ppocr (det max {limit})", "ppocr", limit)
            elif name == "easyocr":
                # Offline EasyOCR has English weights only: English lines, on the images that have any.
                add("easyocr (en lines)", "easyocr", subset_records=english, subset={"en"}, languages=("en",))
            elif name == "auto":
                add(f"auto → {registry.ocr_choose(DEFAULT_LANGUAGES, weights_dir=str(ROOT / 'weights'))}", "auto")
            elif name.startswith("ppocr-image"):
                # the per-image detector size; `ppocr-image:PX` adds the second, larger pass where the
                # first pass's median box is under PX px, `ppocr-image:PX:E` enlarges small images at
                # most E times (candidates run beside the default)
                small, *enlarge = [float(v) for v in name.split(":")[1:]] or [0.0]
                config = {"det_limit_type": "image", "det_limit_side_len": DET_IMAGE_LIMIT}
                config |= {"small_text_px": small} if small else {}
                config |= {"det_max_enlarge": enlarge[0]} if enlarge else {}
                add(name, "ppocr", config=config)
            elif name == "ppocr-defaults":
                add("PP-OCR defaults (RapidOCR())", name)
            elif name:
                add(name, name)
        for knob in [k for k in a.ablate.split(",") if k]:
            config, options, patches = ABLATIONS[knob]
            # auto picks ppocr for zh/en; the ablation builds that engine with the knob changed.
            add(f"auto − {knob}", "ppocr", None, config=config or None, options=options, patches=patches,
                reuse=POST_PROCESSING.get(knob, False))

        preds = run_interleaved(configs, records, folder)
        split = split_name(data)
        splits.append(split)
        results[split] = {}
        for c in configs:
            metrics, rows = ocr_metrics.score(c["records"], preds[c["label"]], c["subset"])
            if a.check:
                check_reference(c["records"], preds[c["label"]], c["subset"], metrics)
            metrics |= extras(rows)
            if c["reuse"]:
                metrics["seconds_median"] = None  # rapidocr's output was reused: not a full read
            results[split][c["label"]] = metrics
            if c["label"] not in labels:
                labels.append(c["label"])
            if a.failures:
                for row in rows:
                    if row["pred"] is None or ocr_metrics.strip_ws(row["pred"]) != ocr_metrics.strip_ws(row["gt"]):
                        print(f"  {split} {c['label']}: {row['image']}: GT {row['gt']!r} -> {row['pred']!r}",
                              file=sys.stderr)
        print(f"{split}: {len(records)} images done", file=sys.stderr, flush=True)
    data_line = ", ".join(f"{split_name(d)} = {d}" for d in a.data)
    print(f"data: {data_line}" + (f" (first {a.limit} images each)" if a.limit else "")
          + (", checked against the reference scorer" if a.check else ""))
    print(f"machine at the end: {machine_line()}")
    print(tables(results, splits, labels))
    if a.json:
        a.json.parent.mkdir(parents=True, exist_ok=True)
        a.json.write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    return results


if __name__ == "__main__":
    main()
