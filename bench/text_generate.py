#!/usr/bin/env python
"""Generate with text: what the job path costs per step. Never part of the test run.

    .venv/bin/python bench/text_generate.py [--jobs 3] [--json OUT]

Each job goes through the whole path the page and the API use (text_generation_job_create ->
validation -> Job row -> enqueue -> runner -> handler -> DashScope backend against the fake DashScope
server (real SDK, real HTTP on 127.0.0.1, its own process) -> text placement (ml.text) -> PP-OCR
read-back -> gallery items), jobs inline (django-q2 sync mode) on a fresh SQLite database. Per job:
  total    wall time of the whole path
  backend  time inside DashScopeBackend.generate (submit, poll, download, decode)
  text     time inside the placement and read-back (text_place_and_check), or, when the model
           draws the text, the read-back of every box plus one whole-picture OCR
  rest     total - backend - text: validation, rows, queue, storing both pictures with thumbnails
Median of --jobs jobs per case, after one warm-up job (which loads the OCR models).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

_spec = importlib.util.spec_from_file_location("bench_generation", ROOT / "bench" / "generation.py")
bench_generation = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_generation)

_times: dict[str, list[float]] = {"backend": [], "text": []}


def _instrument() -> None:
    from imagetext import handlers as text_handlers
    from ml.generation.dashscope_backend import DashScopeBackend

    depth = {"backend": 0, "text": 0}

    def timed(key, fn):
        def wrapper(*args, **kwargs):
            depth[key] += 1  # the placement calls the read-back: count the outer call only
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                depth[key] -= 1
                if not depth[key]:
                    _times[key].append(time.perf_counter() - t)
        return wrapper

    DashScopeBackend.generate = timed("backend", DashScopeBackend.generate)
    text_handlers.text_place_and_check = timed("text", text_handlers.text_place_and_check)
    text_handlers.text_read_back = timed("text", text_handlers.text_read_back)
    text_handlers.text_find_lines = timed("text", text_handlers.text_find_lines)  # looked up at call time


def run(jobs: int) -> list[dict]:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from gallery.models import Job
    from imagetext.services import text_generation_job_create

    fake, port = bench_generation.start_fake()
    try:
        _instrument()
        settings.DASHSCOPE_BASE_URL = f"http://127.0.0.1:{port}/api/v1"
        settings.DASHSCOPE_API_KEY = "sk-bench"
        settings.DASHSCOPE_POLL_INTERVAL = 0.02
        settings.DASHSCOPE_MIN_SUBMIT_INTERVAL = 0.0
        settings.JOB_MAX_ACTIVE_PER_USER = 10_000
        user = get_user_model().objects.create_user("bench", password="bench-pass-123")
        two = [{"box": [0.2, 0.08, 0.8, 0.22], "text": "天路"}, {"box": [0.25, 0.8, 0.75, 0.9], "text": "Sky Road 2026"}]
        cases = [
            ("wanx2.1-t2i-turbo", "1024*1024", False),
            ("qwen-image", "1328*1328", False),
            ("qwen-image", "1328*1328", True),
        ]
        rows = []
        for model, size, draws in cases:
            w, h = (int(v) for v in size.split("*"))
            boxes = [{"box": [b["box"][0] * w, b["box"][1] * h, b["box"][2] * w, b["box"][3] * h], "text": b["text"]}
                     for b in two]
            params = {"model": model, "size": size, "prompt": "青铜神鸟鼠标垫，国潮风格", "seed": 1, "boxes": boxes,
                      "model_draws_text": draws}
            samples = []
            for index in range(jobs + 1):
                for v in _times.values():
                    v.clear()
                start = time.perf_counter()
                with transaction.atomic():
                    job = text_generation_job_create(user=user, params=params)
                total = time.perf_counter() - start
                job = Job.objects.get(id=job.id)
                assert job.status == Job.Status.SUCCEEDED, job.error_message
                if index:  # the first is the warm-up
                    samples.append((total, sum(_times["backend"]), sum(_times["text"]), job.result["ok_count"]))
            med = lambda i: statistics.median(s[i] for s in samples)  # noqa: E731
            rows.append({"model": model, "size": size, "text": "model draws" if draws else "placed", "jobs": jobs,
                         "total_s": round(med(0), 3), "backend_s": round(med(1), 3), "text_s": round(med(2), 3),
                         "rest_s": round(med(0) - med(1) - med(2), 3), "read_back_ok": f"{samples[-1][3]}/2"})
        return rows
    finally:
        fake.terminate()
        fake.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=3)
    parser.add_argument("--json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        bench_generation.setup_django(Path(tmp))
        info = bench_generation.machine()
        rows = run(args.jobs)
    print(f"Machine: {info['cpu']}, {info['cores']} cores, Python {info['python']}, load {info['load_1min']}")
    print("| model | size | text | total s | backend s | text s | rest s | read back ok |")
    print("|---|---|---|---:|---:|---:|---:|---|")
    for r in rows:
        print(f"| {r['model']} | {r['size']} | {r['text']} | {r['total_s']} | {r['backend_s']} | {r['text_s']} | "
              f"{r['rest_s']} | {r['read_back_ok']} |")
    if args.json:
        Path(args.json).write_text(json.dumps({"machine": info, "rows": rows}, indent=2))


if __name__ == "__main__":
    main()
