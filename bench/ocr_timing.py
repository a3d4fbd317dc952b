"""Seconds per image of PP-OCR configurations, interleaved image by image so that the load of a shared
machine hits every configuration alike. Prints the median per configuration and the median of the
per-image ratios to the reference configuration (RapidOCR max/960 called directly).

    python bench/ocr_timing.py --data ../shared/data [--limits 736,960] [--rounds 2]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from ocr import DEFAULT_LANGUAGES, _RawRapid, load_dataset  # noqa: E402

from ml import registry  # noqa: E402
from ml.ocr.base import ReadOptions  # noqa: E402
from ml.ocr.ppocr_engine import PpOcrEngine  # noqa: E402


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, type=Path)
    ap.add_argument("--limits", default="960", help="det_limit_side_len values of our engine")
    ap.add_argument("--rounds", type=int, default=1, help="passes over the images")
    a = ap.parse_args(argv)
    warnings.filterwarnings("ignore")
    folder = a.data / "ocr" if (a.data / "ocr" / "ocr.json").is_file() else a.data
    records, folder = load_dataset(folder)
    options = ReadOptions(languages=DEFAULT_LANGUAGES)

    configs = {"rapidocr-raw (max/960)": _RawRapid()}
    for limit in [int(v) for v in a.limits.split(",")]:
        configs[f"ppocr (det max {limit})"] = registry.get("ocr", PpOcrEngine.name, det_limit_side_len=limit, det_limit_type="max")
    times: dict[str, list[float]] = {name: [] for name in configs}
    first = folder / records[0]["image"]
    for engine in configs.values():
        engine.read(first, options)  # warm-up
    for _ in range(a.rounds):
        for record in records:
            path = folder / record["image"]
            for name, engine in configs.items():
                started = time.perf_counter()
                engine.read(path, options)
                times[name].append(time.perf_counter() - started)

    reference = times["rapidocr-raw (max/960)"]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"data: {folder} ({len(records)} images x {a.rounds}), cores: {os.cpu_count()}, "
          f"{platform.processor() or platform.machine()}, load average at the end: {load:.1f}")
    print("| configuration | s/img (median) | time / reference (median per image) |")
    print("|---|---:|---:|")
    for name, values in times.items():
        ratio = statistics.median(v / r for v, r in zip(values, reference))
        print(f"| {name} | {statistics.median(values):.3f} | {ratio:.2f} |")


if __name__ == "__main__":
    main()
