#!/usr/bin/env python
"""Text-to-image benchmark: our overhead around the backend, and the tiny local pipeline's speed.
Never part of the test run.

    .venv/bin/python bench/generation.py [--jobs 10] [--json OUT]

Part 1, DashScope path against the fake DashScope server (testkit/fake_dashscope.py, real SDK,
real HTTP on 127.0.0.1): each job goes through the whole path the page and the API use
(generation_job_create -> validation -> Job row -> enqueue -> runner -> handler -> backend -> gallery
items), jobs run inline (django-q2 sync mode) on a fresh SQLite database. For each job:
  total    wall time of the whole path
  backend  time inside DashScopeBackend.generate (submit, poll, download and decode of every image:
           the fake server's work and the HTTP round trips, i.e. what a real service would replace)
  overhead total - backend: validation, rows, queue, storing every image (PNG + WebP thumbnail)
"CPU ms" is the overhead in CPU seconds of this process (the fake server runs in its own process),
which contention from other processes does not inflate. Target: overhead <= 150 ms per job. Median and p90 of --jobs jobs per case, after one warm-up job.

Part 2, the tiny random-weight diffusers pipeline (testkit/tiny_pipeline.py) on the CPU: seconds per
denoising step (median over steps 2..N of --jobs runs) and per job, at 64*64 and 128*128.
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

from bench.common import machine  # noqa: E402  (text_generate.py uses it from here too)


def setup_django(tmp: Path) -> None:
    os.environ["DATA_DIR"] = str(tmp)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.MEDIA_ROOT = str(tmp / "media")
    call_command("migrate", verbosity=0)
    import logging
    import warnings

    logging.disable(logging.WARNING)  # django-q2 logs every sync task
    warnings.filterwarnings("ignore")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


_backend_times: list[tuple[float, float]] = []


def _instrument_backend() -> None:
    """Records wall and CPU seconds spent inside DashScopeBackend.generate (this process only: the
    fake server runs in its own process, so its work is not counted as ours)."""
    from ml.generation.dashscope_backend import DashScopeBackend

    original = DashScopeBackend.generate

    def generate(self, *args, **kwargs):
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return original(self, *args, **kwargs)
        finally:
            _backend_times.append((time.perf_counter() - wall, time.process_time() - cpu))

    DashScopeBackend.generate = generate


def run_job(user, params: dict) -> tuple[float, float, float, float]:
    from django.db import transaction

    from gallery.models import Job
    from generation.services import generation_job_create

    _backend_times.clear()
    start, cpu = time.perf_counter(), time.process_time()
    with transaction.atomic():
        job = generation_job_create(user=user, params=params)
    total = time.perf_counter() - start  # sync mode: the job ran on commit, inside this timing
    total_cpu = time.process_time() - cpu
    job = Job.objects.get(id=job.id)
    assert job.status == Job.Status.SUCCEEDED, job.error_message
    (backend, backend_cpu), = _backend_times
    return total, backend, total_cpu, backend_cpu


def start_fake():
    """The fake DashScope server (manage.py fake_dashscope) on a free port, once it answers."""
    import socket
    import subprocess
    import urllib.error
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    fake = subprocess.Popen([sys.executable, "manage.py", "fake_dashscope", "--port", str(port), "--run-seconds", "0"],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={"DJANGO_SECRET_KEY": "bench-only-secret-key-" + "0" * 40, **os.environ,
                                 "DJANGO_SETTINGS_MODULE": "config.settings.base"})
    for _ in range(200):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
        except urllib.error.HTTPError:
            break  # it answers (404 for /)
        except OSError:
            time.sleep(0.05)
    return fake, port


def bench_dashscope(jobs: int) -> list[dict]:
    from django.conf import settings
    from django.contrib.auth import get_user_model

    fake, port = start_fake()
    _instrument_backend()
    settings.DASHSCOPE_BASE_URL = f"http://127.0.0.1:{port}/api/v1"
    settings.DASHSCOPE_API_KEY = "sk-bench"
    settings.DASHSCOPE_POLL_INTERVAL = 0.02
    settings.DASHSCOPE_MIN_SUBMIT_INTERVAL = 0.0  # the real service's 2/s spacing is not our overhead
    settings.JOB_MAX_ACTIVE_PER_USER = 10_000
    user = get_user_model().objects.create_user("bench", password="bench-pass-123")
    cases = [
        ("wanx2.1-t2i-turbo", "512*512", 1),
        ("wanx2.1-t2i-turbo", "1024*1024", 1),
        ("wanx2.1-t2i-turbo", "1024*1024", 2),
        ("qwen-image", "1328*1328", 1),
    ]
    rows = []
    for model, size, n in cases:
        params = {"model": model, "size": size, "n": n, "prompt": "青铜神鸟，国潮风格", "seed_mode": "fixed", "seed": 1}
        run_job(user, params)  # warm-up
        totals, backends, cpu_overheads = [], [], []
        for _ in range(jobs):
            total, backend, total_cpu, backend_cpu = run_job(user, params)
            totals.append(total)
            backends.append(backend)
            cpu_overheads.append(total_cpu - backend_cpu)
        overheads = [t - b for t, b in zip(totals, backends)]
        rows.append({"model": model, "size": size, "n": n, "jobs": jobs,
                     "total_ms": round(statistics.median(totals) * 1000, 1),
                     "backend_ms": round(statistics.median(backends) * 1000, 1),
                     "overhead_ms": round(statistics.median(overheads) * 1000, 1),
                     "overhead_p90_ms": round(pct(overheads, 0.9) * 1000, 1),
                     "overhead_per_image_ms": round(statistics.median(overheads) * 1000 / n, 1),
                     "overhead_cpu_ms": round(statistics.median(cpu_overheads) * 1000, 1)})
    fake.terminate()
    fake.wait(timeout=10)
    return rows


def bench_local(jobs: int, tmp: Path) -> list[dict]:
    from ml.generation.diffusers_backend import DiffusersBackend
    from testkit.tiny_pipeline import build_tiny_pipeline
    from ml.generation.types import GenerationRequest

    folder = build_tiny_pipeline(tmp / "tiny-sd")
    backend = DiffusersBackend(model=str(folder), device="cpu")
    t = time.perf_counter()
    backend.pipeline()
    load = time.perf_counter() - t
    rows = []
    for side in (64, 128):
        steps = 4
        request = GenerationRequest(model="local", prompt="a bronze bird, ink wash", width=side, height=side,
                                    n=1, seed=1, steps=steps, guidance=0.0)
        backend.generate(request)  # warm-up
        per_step, per_job = [], []
        for _ in range(jobs):
            result = backend.generate(request)
            per_step.extend(result.extra["step_seconds"][1:])
            per_job.append(result.backend_seconds)
        rows.append({"size": f"{side}*{side}", "steps": steps, "jobs": jobs, "load_s": round(load, 3),
                     "step_s": round(statistics.median(per_step), 4), "job_s": round(statistics.median(per_job), 3)})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=10)
    parser.add_argument("--json")
    parser.add_argument("--skip-local", action="store_true")
    a = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-generation-"))
    setup_django(tmp)
    info = machine()
    print(f"machine: {info}")
    rows = bench_dashscope(a.jobs)
    print("\nDashScope path with the fake server (median of %d jobs; target overhead <= 150 ms/job)" % a.jobs)
    print(f"{'model':<20}{'size':>11}{'n':>3}{'total ms':>10}{'backend ms':>12}{'overhead ms':>13}{'p90':>8}"
          f"{'per image':>11}{'CPU ms':>8}  ok")
    for r in rows:
        ok = "yes" if r["overhead_ms"] <= 150 else "NO"
        print(f"{r['model']:<20}{r['size']:>11}{r['n']:>3}{r['total_ms']:>10}{r['backend_ms']:>12}"
              f"{r['overhead_ms']:>13}{r['overhead_p90_ms']:>8}{r['overhead_per_image_ms']:>11}"
              f"{r['overhead_cpu_ms']:>8}  {ok}")
    local = [] if a.skip_local else bench_local(a.jobs, tmp)
    if local:
        print("\nTiny local diffusers pipeline on the CPU (random weights; median)")
        print(f"{'size':>9}{'steps':>7}{'s/step':>9}{'s/job':>8}{'load s':>8}")
        for r in local:
            print(f"{r['size']:>9}{r['steps']:>7}{r['step_s']:>9}{r['job_s']:>8}{r['load_s']:>8}")
    print(f"\nload after: {os.getloadavg()[0]:.2f}")
    if a.json:
        Path(a.json).write_text(json.dumps({"machine": info, "dashscope": rows, "local": local}, indent=2))


if __name__ == "__main__":
    main()
