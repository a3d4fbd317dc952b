#!/usr/bin/env python
"""Figures for growth: how the studio's jobs and pages scale with worker processes and request rate,
on the zero-config set-up (SQLite + the ORM broker) and the scale-out one (PostgreSQL + Redis). Never
part of the test run.

    .venv/bin/python bench/scale.py                       # both configurations, about 10 minutes
    .venv/bin/python bench/scale.py --quick               # small counts, for trying it out
    .venv/bin/python bench/scale.py --configs postgres-redis --only pages --json bench/out/scale.json

Parts (each configuration in its own process with a fresh database, DATA_DIR and qcluster, made as
bench/foundation.py makes them):
  jobs   for Q_WORKERS = 1, 2 and 4 in one `manage.py qcluster`: a burst of --jobs jobs submitted at
         once, in turn a crop of a 2 MP photo, OCR (PP-OCR, English) of three rendered lines
         (tests/ocr_images.py) and a cutout of a 0.5 MP portrait (../shared/data/people, a drawn
         figure when absent), each through its real service and handler, after a warm-up burst that
         loads every worker's models. Throughput = jobs / wall time from the first submit to the last
         finish; queue wait = started_at - queued_at of each job, p50 / p95. Then the idle pick-up of
         bench/foundation.py's part b (one tiny crop at a time, 100 ms apart), p95.
  pages  an open loop (requests at fixed times whatever the answers, bench/foundation_http.open_loop)
         at --rates requests per second for --seconds each, logged in: home, the gallery of a user
         with --items items, a cutout job's page and the gallery API list, in turn; gunicorn with
         config/gunicorn.conf.py's default workers and threads on 127.0.0.1, the qcluster idle with 2
         workers. Latency from each request's scheduled time: p50 / p95 / p99; achieved rate; errors.
The load generator and the servers share this machine's cores, so the pages' figures are an upper
bound of what the server alone would show; the generator's own lateness is reported (lag p95).
PostgreSQL and Redis: BENCH_PG_URL / BENCH_REDIS_URL (bench/foundation.py), skipped when they do not
answer.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import log, machine, machine_line  # noqa: E402
from bench.foundation import (  # noqa: E402
    ALL_CONFIGS, add_run_arguments, configs_arg, heading, mark, ms, render_table, report, run_child, services_check,
)

CONFIGS = ("sqlite-orm", "postgres-redis")
PAGES = ("home", "gallery", "job", "api")  # as bench/scale_parts.pages_part names them
TARGETS = {"pages_p95": 0.050, "pages_rate": 100, "idle_pickup_p95": 0.100}


def dur(seconds: float) -> str:
    """ms() below 10 s; seconds above (the queue wait of a long burst)."""
    return f"{seconds:.1f} s" if seconds >= 10 else ms(seconds)


def floats(text: str) -> list[float]:
    return [float(x) for x in text.split(",") if x.strip()]


def table(results: dict, configs: list[str], workers: list[int], rates: list[float]) -> str:
    def jobs(w, fn):
        return lambda r: fn(r["jobs"][str(w)])

    def page(rate, fn):
        return lambda r: fn(r["pages"]["rates"][f"{rate:g}"])

    def page_latency(rate):
        def fn(p):
            text = f"{ms(p['p50'])} / {ms(p['p95'])} / {ms(p['p99'])}"
            return text + (f" {mark(p['p95'] <= TARGETS['pages_p95'])}" if rate == TARGETS["pages_rate"] else "")
        return fn

    rows = [
        ("machine check: decode a baseline 12 MP JPEG in process, median (load average)", "≈ 150 ms when quiet",
         lambda r: f"{ms(r['calibration']['decode_12mp']['median'])} ({r['calibration']['loadavg'][0]:.1f})"),
    ]
    for w in workers:
        rows.append((f"jobs/s, mix of {results_jobs(results, w)} jobs at once, {w} worker(s)", "info",
                     jobs(w, lambda j: f"{j['jobs_per_s']:.2f} ({j['wall_s']:.1f} s)")))
    for w in workers:
        rows.append((f"queue wait (submit → claimed) at that load, {w} worker(s): p50 / p95", "info",
                     jobs(w, lambda j: f"{dur(j['wait_p50'])} / {dur(j['wait_p95'])}")))
    for w in workers:
        rows.append((f"idle pick-up, tiny job, {w} worker(s): p95", "≤ 100 ms",
                     jobs(w, lambda j: f"{ms(j['idle_pickup']['p95'])} "
                                       f"{mark(j['idle_pickup']['p95'] <= TARGETS['idle_pickup_p95'])}")))
    for w in workers:  # workers that share the cores slow each other: this shows by how much
        rows.append((f"run time per job, {w} worker(s): crop / OCR / cutout, medians", "info",
                     jobs(w, lambda j: " / ".join(ms(j["run_median"][k]) for k in ("crop", "ocr", "cutout")))))
    for rate in rates:
        rows.append((f"pages at {rate:g} rps: p50 / p95 / p99", "p95 ≤ 50 ms at 100 rps" if rate == 100 else "info",
                     page(rate, page_latency(rate))))
        rows.append((f"pages at {rate:g} rps: p95 of home / gallery / job / API", "info",
                     page(rate, lambda p: " / ".join(ms(p["pages"][k]["p95"]) for k in PAGES))))
        rows.append((f"pages at {rate:g} rps: achieved rps, errors, generator lag p95", "0 errors",
                     page(rate, lambda p: f"{p['achieved_rps']:.1f}, {p['errors']} {mark(p['errors'] == 0)}, "
                                          f"{ms(p['lag_p95'])}")))
    return render_table(rows, results, configs)


def results_jobs(results: dict, workers: int) -> str:
    for r in results.values():
        if r and "jobs" in r:
            return str(r["jobs"][str(workers)]["jobs"])
    return "?"


def pages_note(results: dict) -> str:
    for name, r in results.items():
        if r and "pages" in r:
            p = r["pages"]
            job = p["pages"]["job"]
            paths = ", ".join(f"{k} `{v}`" for k, v in p["pages"].items()).replace(
                f"`{job}`", "`/gallery/jobs/<id>/` (a cutout job)")
            return (f"Pages ({name}; the same set-up elsewhere), in turn: {paths}, for a user with "
                    f"{p['items']} gallery items; gunicorn {p['gunicorn_workers']} workers × {p['gunicorn_threads']} "
                    "threads (config/gunicorn.conf.py defaults).")
    return ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help="small counts: 6 jobs a burst, 10 idle pick-ups, 4 s per rate")
    parser.add_argument("--only", default="jobs,pages", help="parts: jobs, pages")
    parser.add_argument("--configs", default=",".join(CONFIGS), help=f"of {', '.join(ALL_CONFIGS)}")
    parser.add_argument("--workers", default="1,2,4", help="Q_WORKERS values of the jobs part")
    parser.add_argument("--jobs", type=int, help="jobs per burst (default 30, 6 with --quick)")
    parser.add_argument("--rates", default="20,50,100", help="requests per second of the pages part")
    parser.add_argument("--seconds", type=float, help="seconds per rate (default 15, 4 with --quick)")
    parser.add_argument("--items", type=int, default=200, help="gallery items of the pages' user")
    add_run_arguments(parser)
    args = parser.parse_args()
    args.parts = [p.strip() for p in args.only.split(",") if p.strip()]
    if bad := set(args.parts) - {"jobs", "pages"}:
        parser.error(f"unknown parts: {','.join(sorted(bad))}")
    args.workers = [int(w) for w in args.workers.split(",") if w.strip()]
    args.rates = floats(args.rates)
    args.jobs = args.jobs or (6 if args.quick else 30)
    args.seconds = args.seconds or (4.0 if args.quick else 15.0)

    if args.child:
        from bench.scale_parts import run

        Path(args.child_out).write_text(json.dumps(run(args), default=str))
        return 0

    info = machine()
    services: dict = {}
    configs = services_check(configs_arg(parser, args.configs), args, info)
    started = dt.datetime.now().astimezone()
    child_args = ["--only", ",".join(args.parts), "--workers", ",".join(map(str, args.workers)),
                  "--jobs", str(args.jobs), "--rates", ",".join(f"{r:g}" for r in args.rates),
                  "--seconds", str(args.seconds), "--items", str(args.items)] + (["--quick"] if args.quick else [])
    results = {}
    for name in configs:
        log(f"{name}: {','.join(args.parts)}")
        # bursts larger than one user's limit of active jobs are the point here
        results[name] = run_child(name, [sys.executable, __file__, "--child", name] + child_args, args, services,
                                  prefix="studio-scale", extra_env={"JOB_MAX_ACTIVE_PER_USER": "100000"})
    load_after = " ".join(f"{x:.2f}" for x in os.getloadavg())
    shown = [c for c in configs if results.get(c)]
    command = ".venv/bin/python bench/scale.py " + " ".join(sys.argv[1:])
    text = "\n".join(heading("Scale benchmark", started, command) + [
        f"Machine: {machine_line(info)}; SQLite {info['sqlite']}"
        + (f", PostgreSQL {info['postgresql']}" if info.get("postgresql") else "")
        + (f", Redis {info['redis']}" if info.get("redis") else "")
        + f"; load average after the run {load_after}.",
        "",
        "Configurations: database + broker (Redis is also the cache where used). "
        + next((f"Cutout portrait: {r['portrait']}. " for r in results.values() if r and "portrait" in r), "")
        + pages_note(results),
        "",
        table(results, shown, args.workers, args.rates),
        "",
    ])
    return report(text, results, args.json, started=started, command=command, machine=info)

if __name__ == "__main__":
    sys.exit(main())
