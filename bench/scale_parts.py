"""The child process of bench/scale.py: one configuration (its own database, DATA_DIR and qcluster,
set up by bench/foundation_child.Child). Throughput and queue wait of a job mix for each worker
count, idle pick-up, then pages under an open-loop load against gunicorn."""

from __future__ import annotations

import os
import statistics
import time

from bench.common import log, pct
from bench.foundation_child import Child, photo_jpeg
from bench.foundation_http import gunicorn_server, http_get, open_loop, worker_count
from bench.foundation_parts import gallery_user, part_b

DONE = ("succeeded", "failed", "cancelled")
PORTRAIT_PIXELS = 500_000  # a small portrait: the mix stands for everyday jobs, not the largest ones


class Mix:
    """The three job kinds of the mix, each made by its real service from its own upload: a crop of a
    2 MP photo, OCR (PP-OCR, English) of three rendered lines, and a cutout of a small portrait."""

    KINDS = ("crop", "ocr", "cutout")

    def __init__(self, child: Child, owner):
        from bench.cutout_jobs import PORTRAIT, photo
        from tests.ocr_images import ENGLISH_PARAGRAPH, png_bytes, render_lines

        self.owner = owner
        self.photo = child.upload(owner, photo_jpeg((1600, 1200)), "photo.jpg")
        self.text = child.upload(owner, png_bytes(render_lines(ENGLISH_PARAGRAPH)), "notice.png")
        self.portrait = child.upload(owner, png_bytes(photo(PORTRAIT_PIXELS), "JPEG"), "portrait.jpg")
        self.portrait_source = PORTRAIT.name if PORTRAIT.is_file() else "a drawn figure (../shared absent)"
        if not PORTRAIT.is_file():
            log(f"{PORTRAIT} is missing: the cutout jobs use a drawn figure")

    def create(self, kind: str):
        from editing.services import crop_job_create
        from matting.services import cutout_job_create
        from ocr.services import ocr_job_create

        if kind == "crop":
            return crop_job_create(user=self.owner, params={"left": 10, "top": 10, "right": 90, "bottom": 90},
                                   sources=[self.photo])
        if kind == "ocr":
            return ocr_job_create(user=self.owner, params={"languages": ["en"], "engine": "auto"},
                                  sources=[self.text])
        return cutout_job_create(user=self.owner, params={}, sources=[self.portrait])


def burst(mix: Mix, count: int, timeout: float = 600.0) -> dict:
    """Submits `count` jobs of the mix (kinds in turn) at once, each in its own transaction as a
    request would, and waits for all. Throughput = jobs finished / wall time from the first submit
    to the last finish; queue wait = started_at - queued_at of each job."""
    from django.db import transaction

    from gallery.models import Job

    kinds = {}
    t0 = time.perf_counter()
    for i in range(count):
        with transaction.atomic():
            kind = Mix.KINDS[i % len(Mix.KINDS)]
            kinds[mix.create(kind).id] = kind
    ids = list(kinds)
    submitted = time.perf_counter() - t0
    while Job.objects.filter(id__in=ids).exclude(status__in=DONE).exists():
        if time.perf_counter() - t0 > timeout:
            raise RuntimeError(f"jobs still unfinished after {timeout}s")
        time.sleep(0.02)
    wall = time.perf_counter() - t0
    rows = list(Job.objects.filter(id__in=ids).values("id", "status", "error_message", "queued_at",
                                                      "started_at", "finished_at", "worker"))
    failed = [r for r in rows if r["status"] != "succeeded"]
    if failed:
        raise RuntimeError(f"{len(failed)} of {count} jobs did not succeed, e.g. {failed[0]}")
    waits = [(r["started_at"] - r["queued_at"]).total_seconds() for r in rows]
    runs: dict[str, list[float]] = {}
    for r in rows:
        runs.setdefault(kinds[r["id"]], []).append((r["finished_at"] - r["started_at"]).total_seconds())
    return {
        "jobs": count, "wall_s": wall, "submit_s": submitted, "jobs_per_s": count / wall,
        "wait_p50": pct(waits, 50), "wait_p95": pct(waits, 95), "wait_max": max(waits),
        "run_median": {kind: statistics.median(v) for kind, v in runs.items()},
        "workers_seen": len({r["worker"] for r in rows}),
    }


def with_workers(child: Child, workers: int) -> None:
    """(Re)starts the one qcluster with Q_WORKERS=`workers`, waits until it answers."""
    child.stop_qcluster()
    os.environ["Q_WORKERS"] = str(workers)
    child.start_qcluster()
    child.wait_for_worker()


def jobs_part(child: Child, mix: Mix, workers_list: list[int], count: int) -> dict:
    out = {}
    for workers in workers_list:
        with_workers(child, workers)
        # warm-up: two bursts' worth of every kind, so each worker process has loaded its models
        # (a long-running cluster has; a fresh one pays seconds per model on its first jobs)
        burst(mix, 3 * 2 * workers)
        result = burst(mix, count)
        result["idle_pickup"] = part_b(child)["pickup"]
        out[str(workers)] = result
        log(f"jobs, {workers} worker(s): {result['jobs_per_s']:.2f} jobs/s, wait p50 "
            f"{result['wait_p50'] * 1000:.0f} ms p95 {result['wait_p95'] * 1000:.0f} ms, idle pick-up p95 "
            f"{result['idle_pickup']['p95'] * 1000:.0f} ms")
    return out


def session_headers(owner) -> dict:
    """The Cookie header of a logged-in session of `owner` (made the way a login makes it)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(owner)
    return {"Cookie": f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"}


def pages_part(child: Child, rates: list[float], seconds: float, items: int) -> dict:
    """Logged-in pages in turn (home, the gallery of a user with `items` items, a cutout job's page,
    the gallery API list) at each fixed rate, against gunicorn with its default workers and threads.
    The qcluster stays up and idle, as in production."""
    from gallery.models import GalleryItem, Job

    owner = gallery_user(child, count=items, name="bench-pages")
    mix = Mix(child, owner)
    child.run_job(lambda: mix.create("cutout"))
    job = Job.objects.filter(owner=owner).latest("queued_at")
    pages = {"home": "/", "gallery": "/gallery/", "job": f"/gallery/jobs/{job.id}/", "api": "/api/v1/gallery/items/"}
    paths = list(pages.values())
    headers = session_headers(owner)
    with gunicorn_server(child.tmp) as (port, gunicorn):
        for path in paths:
            status, body = http_get(port, path, headers)
            if status != 200:
                raise RuntimeError(f"{path} answered {status}: {body[:300]!r}")
        open_loop(port, paths, headers, rate=20, seconds=3)  # warm every worker
        out = {"items": GalleryItem.objects.filter(owner=owner).count(), "pages": pages,
               "gunicorn_workers": worker_count(gunicorn.pid),
               "gunicorn_threads": int(os.environ.get("GUNICORN_THREADS") or 4), "rates": {}}
        for rate in rates:
            r = open_loop(port, paths, headers, rate=rate, seconds=seconds)
            by_path = r.pop("paths")
            r["pages"] = {name: by_path[path] for name, path in pages.items() if path in by_path}
            out["rates"][f"{rate:g}"] = r
            log(f"pages at {rate:g} rps: achieved {r['achieved_rps']:.1f}, p50 {r['p50'] * 1000:.0f} ms, "
                f"p95 {r['p95'] * 1000:.0f} ms, p99 {r['p99'] * 1000:.0f} ms, errors {r['errors']}")
    return out


def run(args) -> dict:
    child = Child(args)
    child.repeats_b = 10 if args.quick else 40
    child.setup(static="pages" in args.parts)
    results: dict = {"calibration": child.calibrate()}
    try:
        if "jobs" in args.parts:
            mix = Mix(child, child.user("bench-jobs"))
            results["portrait"] = mix.portrait_source
            results["jobs"] = jobs_part(child, mix, args.workers, args.jobs)
        if "pages" in args.parts:
            with_workers(child, 2)  # the default, whatever the job part left running
            results["pages"] = pages_part(child, args.rates, args.seconds, args.items)
    finally:
        child.stop_qcluster()
    from django.db import connection

    results["database"] = connection.vendor
    results["broker"] = "redis" if os.environ.get("REDIS_URL") else "orm"
    results["loadavg_after"] = os.getloadavg()
    return results
