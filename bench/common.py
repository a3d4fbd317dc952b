"""What the benchmarks share: the machine a run was timed on (its figures mean little without it) and
small statistics. Imported as `bench.common` (the repository root on sys.path)."""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
from pathlib import Path

PACKAGES = (("django", "Django"), ("django_q", "django-q2"), ("PIL", "pillow"), ("gunicorn", "gunicorn"))


def machine() -> dict:
    """CPU model, cores this process may use, RAM, OS, Python, SQLite and the versions of the packages
    that set the studio's speed, and the load average now ("load": 1, 5, 15 min; "load_1min")."""
    import sqlite3
    from importlib.metadata import PackageNotFoundError, version

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    versions = {}
    for key, dist in PACKAGES:
        try:
            versions[key] = version(dist)
        except PackageNotFoundError:
            versions[key] = "?"
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count()
    load = [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else [float("nan")] * 3
    return {
        "cpu": cpu, "cores": cores, "ram": ram, "os": platform.platform(),
        "python": platform.python_version(), "sqlite": sqlite3.sqlite_version, **versions,
        "load": load, "load_1min": load[0],
    }


def machine_line(info: dict | None = None) -> str:
    """machine() in one line, for a benchmark's report."""
    info = info or machine()
    return (f"{info['cpu']}, {info['cores']} cores, {info['ram']} RAM, {info['os']}; "
            f"Python {info['python']}, Pillow {info['PIL']}, Django {info['django']}, gunicorn {info['gunicorn']}; "
            f"load average {' '.join(f'{x:.2f}' for x in info['load'])}")


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S', time.gmtime())}Z] {msg}", file=sys.stderr, flush=True)


def pct(values: list[float], q: float) -> float:
    """Percentile by linear interpolation (q in 0..100)."""
    xs = sorted(values)
    if not xs:
        return float("nan")
    k = (len(xs) - 1) * q / 100
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def summary(values: list[float]) -> dict:
    return {
        "n": len(values), "median": statistics.median(values), "p90": pct(values, 90), "p95": pct(values, 95),
        "min": min(values), "max": max(values),
    }
