#!/usr/bin/env python
"""Text in images through the app's job path (never part of the test run): the service validates and
creates the job, the handler runs the engine, reads every box back with PP-OCR and stores the result
as a gallery item. Jobs run inline (django-q2 sync mode), in a fresh SQLite database in a temporary
DATA_DIR, so the figures are the worker's compute time plus storage, without queue latency.

    .venv/bin/python bench/text_jobs.py [--repeat 3]

On a 1-megapixel photo (1250 x 800) with two lines of text drawn on it:
  lines    find the lines (PP-OCR)
  add      two boxes (Chinese, and English in a perspective quad), then read back
  modify   rewrite one found line in a matching style, then read back
  remove   all lines (detect, glyph mask, fill), read back, and a whole-image recount
Prints the median of `--repeat` runs after one warm-up (job.result.timings.compute_s and the wall
time of the service call) and the machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="bench-text-jobs-")
    os.environ["DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import translation
    from PIL import Image, ImageDraw, ImageFont

    settings.DATABASES["default"]["NAME"] = str(Path(data_dir) / "db.sqlite3")
    settings.MEDIA_ROOT = str(Path(data_dir) / "media")
    call_command("migrate", verbosity=0)

    from accounts.models import User
    from imagetext import services
    from gallery.models import Job
    from gallery.services import gallery_item_create

    translation.activate("en")
    user = User.objects.create_user(username="bench", password="bench-password-123")
    image = Image.new("RGB", (1250, 800))
    draw = ImageDraw.Draw(image)
    for y in range(800):
        draw.line((0, y, 1250, y), fill=(60 + y // 10, 90 + y // 12, 140 - y // 14))
    draw.text((100, 90), "今日咖啡半价", font=ImageFont.truetype(
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", 90, index=2), fill=(255, 255, 255))
    draw.text((100, 600), "Fresh Coffee Daily", font=ImageFont.truetype("DejaVuSans-Bold.ttf", 70), fill=(250, 240, 200))
    source = gallery_item_create(owner=user, image=image, kind="upload", name="bench.png", fmt="PNG")

    def run(create, params) -> tuple[Job, float]:
        started = time.perf_counter()
        with transaction.atomic():
            job = create(user=user, params=params, sources=[source])
        wall = time.perf_counter() - started
        job.refresh_from_db()
        if job.status != Job.Status.SUCCEEDED:
            raise SystemExit(f"{job.kind} failed: {job.error_message}")
        return job, wall

    lines_job, _ = run(services.text_lines_job_create, {})  # warm-up: loads PP-OCR once
    lines = lines_job.result["lines"]
    cases = {
        "lines": (services.text_lines_job_create, {}),
        "add": (services.text_add_job_create, {"boxes": [
            {"box": [700, 250, 1150, 420], "text": "天路"},
            {"quad": [[120, 450], [1100, 430], [1110, 560], [130, 580]], "text": "Bronze Bird Mouse Pad"}]}),
        "modify": (services.text_modify_job_create, {"edits": [{"quad": lines[1]["quad"], "text": "Fresh Tea Daily"}]}),
        "remove": (services.text_remove_job_create, {"target": "all"}),
    }
    rows = []
    for name, (create, params) in cases.items():
        run(create, params)  # warm-up
        computes, walls, oks = [], [], []
        for _ in range(args.repeat):
            job, wall = run(create, params)
            computes.append(job.result["timings"]["compute_s"])
            walls.append(wall)
            oks.append(f"{job.result.get('ok_count', len(job.result.get('lines', [])))}/"
                       f"{job.result.get('total', len(job.result.get('lines', [])))}")
        rows.append((name, statistics.median(computes), statistics.median(walls), oks[-1]))

    print(f"machine: {platform.node()} · {platform.processor() or platform.machine()} · "
          f"{os.cpu_count()} CPUs · Python {platform.python_version()}")
    print(f"image: 1250 x 800 (1.0 MP), median of {args.repeat} after a warm-up\n")
    print(f"{'job':<8} {'compute s':>10} {'wall s':>8}  read back ok")
    for name, compute, wall, ok in rows:
        print(f"{name:<8} {compute:>10.2f} {wall:>8.2f}  {ok}")


if __name__ == "__main__":
    main()
