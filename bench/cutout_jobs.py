#!/usr/bin/env python
"""The portrait-cutout job path, in process: service -> queue (django-q2 sync mode) -> handler ->
gallery items, for a 1 MP and a 4 MP photo. Never part of the test run.

    .venv/bin/python bench/cutout_jobs.py                 # 5 runs per size, after one warm-up
    .venv/bin/python bench/cutout_jobs.py --runs 9 --json bench/out/cutout_jobs.json

For each size it times, median over --runs (the engine is loaded once, by the warm-up, as in a
worker):
  cutout      cutout_job_create(...) until the job has succeeded: the U^2-Net-p model, refinement
              (pipeline defaults), foreground colours, PNG encoding of the cutout and the matte,
              thumbnails, rows. Split into model / refine / compose (from the pipeline's timings) and
              store (the runner's total minus compute: encoding and writing the outputs).
  background  a colour background for that cutout, JPEG.
  touch-up    saving an edited matte (the service stores the matte PNG; the job makes the cutout).
The photo is ../shared/data/people/p3m_p_22fc0130.jpg resized to the size (a drawn figure when
../shared is absent). A temporary SQLite database and media folder are used and removed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import machine, machine_line  # noqa: E402

PORTRAIT = ROOT.parent / "shared" / "data" / "people" / "p3m_p_22fc0130.jpg"
SIZES = {"1 MP": 1_000_000, "4 MP": 4_000_000}
LOAD_BEFORE = os.getloadavg()


def photo(pixels: int):
    from PIL import Image, ImageDraw

    if PORTRAIT.is_file():
        image = Image.open(PORTRAIT).convert("RGB")
    else:
        image = Image.new("RGB", (800, 1000), (90, 150, 210))
        draw = ImageDraw.Draw(image)
        draw.ellipse((270, 120, 530, 450), fill=(200, 120, 90))
        draw.rounded_rectangle((140, 480, 660, 1100), radius=120, fill=(40, 40, 60))
    scale = (pixels / (image.width * image.height)) ** 0.5
    return image.resize((round(image.width * scale), round(image.height * scale)), Image.LANCZOS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench-cutout-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    os.environ["DATA_DIR"] = str(tmp)
    import django

    django.setup()
    import logging

    logging.getLogger("django-q").setLevel(logging.WARNING)
    from django.conf import settings
    from django.test.utils import setup_databases, setup_test_environment, teardown_databases

    settings.MEDIA_ROOT = str(tmp / "media")
    settings.ML_WEIGHTS_DIR = tmp / "weights"     # empty: auto = U^2-Net-p, the offline default
    settings.JOB_HEARTBEAT_SECONDS = 3600
    setup_test_environment()
    old = setup_databases(verbosity=0, interactive=False)
    try:
        results = run(args.runs)
    finally:
        teardown_databases(old, verbosity=0)
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)
    load = os.getloadavg()
    print(f"\nLoad average before the run: {LOAD_BEFORE[0]:.2f} {LOAD_BEFORE[1]:.2f} {LOAD_BEFORE[2]:.2f}")
    print(f"Machine: {machine_line()}")
    print(f"Load average after the run: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; runs per size: {args.runs}; "
          f"photo: {'p3m_p_22fc0130.jpg' if PORTRAIT.is_file() else 'drawn figure'}\n")
    print("| size | cutout job total | its CPU time | model | refine | compose | store | background job | touch-up job |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, r in results.items():
        print(f"| {name} ({r['width']}×{r['height']}) | {r['cutout_s']:.2f} s | {r['cutout_cpu_s']:.2f} s | "
              f"{r['model_s']:.2f} s | "
              f"{r['refine_s']:.2f} s | {r['compose_s']:.2f} s | {r['store_s']:.2f} s | {r['background_s']:.2f} s | "
              f"{r['touchup_s']:.2f} s |")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"machine": machine(), "runs": args.runs, "sizes": results}, indent=2))


def run(runs: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gallery.models import Job
    from gallery.services import gallery_item_create
    from matting.services import background_job_create, cutout_job_create, touchup_job_create

    user = get_user_model().objects.create_user("bench", password="bench-password-1")
    results = {}
    for index, (name, pixels) in enumerate(SIZES.items()):
        image = photo(pixels)
        item = gallery_item_create(owner=user, image=image, kind="upload", name="portrait.jpg", fmt="JPEG", quality=95)
        if index == 0:
            cutout_job_create(user=user, params={}, sources=[item])  # warm-up: loads the engine once
        rows = {"cutout": [], "cutout_cpu": [], "model": [], "refine": [], "compose": [], "store": [], "background": [], "touchup": []}
        for _ in range(runs):
            t0, c0 = time.perf_counter(), time.process_time()
            job = cutout_job_create(user=user, params={}, sources=[item])
            rows["cutout"].append(time.perf_counter() - t0)
            rows["cutout_cpu"].append(time.process_time() - c0)
            job.refresh_from_db()
            assert job.status == Job.Status.SUCCEEDED, job.error_message
            seconds = job.result["images"][0]["seconds"]
            rows["model"].append(seconds["model"])
            rows["refine"].append(seconds["refine"])
            rows["compose"].append(seconds["compose"])
            timings = job.result["timings"]
            rows["store"].append(timings["total_s"] - timings["compute_s"])
            cutout = job.outputs.get(kind="cutout")
            matte = job.outputs.get(kind="matte")

            t0 = time.perf_counter()
            bg = background_job_create(user=user, params={"mode": "color", "color": "#2563eb"}, sources=[cutout])
            rows["background"].append(time.perf_counter() - t0)
            bg.refresh_from_db()
            assert bg.status == Job.Status.SUCCEEDED, bg.error_message

            with matte.file.open("rb") as fh:
                data = fh.read()
            t0 = time.perf_counter()
            touch = touchup_job_create(user=user, source=cutout,
                                       matte_upload=SimpleUploadedFile("m.png", data, content_type="image/png"))
            rows["touchup"].append(time.perf_counter() - t0)
            touch.refresh_from_db()
            assert touch.status == Job.Status.SUCCEEDED, touch.error_message
        results[name] = {"width": image.width, "height": image.height,
                         **{f"{k}_s": round(statistics.median(v), 3) for k, v in rows.items()}}
        print(f"{name}: {results[name]}", flush=True)
    return results


if __name__ == "__main__":
    main()
