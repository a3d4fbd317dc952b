#!/usr/bin/env python
"""Benchmarks of the studio's foundation: jobs through the real queue, queue pick-up latency, the
gallery page, and the gallery API under concurrent load. Never part of the test run.

    .venv/bin/python bench/foundation.py                 # everything, every configuration available
    .venv/bin/python bench/foundation.py --quick --only a,b --configs sqlite-orm,sqlite-redis
    .venv/bin/python bench/foundation.py --json bench/out/foundation.json

Parts
  a  crop and resize of a 12-megapixel JPEG, end to end through the queue: the job is created by the
     service inside a transaction, a real `manage.py qcluster` runs it, the Job row is polled every
     5 ms until it succeeded. Median and p90 of 10 (target <= 1 s).
  b  job pick-up latency (Job.started_at - Job.queued_at: commit, enqueue, broker, worker, claim),
     median of 20 tiny jobs run one at a time (target <= 200 ms with the ORM broker, <= 50 ms Redis).
  c  gallery page server time with 500 items: Django's test Client, in process, GET /gallery/,
     median of 20 after one warm-up (target <= 150 ms).
  d  20 concurrent clients on GET /api/v1/gallery/items/ (Bearer token) for 30 s against gunicorn
     started with config/gunicorn.conf.py: requests/s, p50, p95, errors (target 0 errors).
  p  (only with --only ...,p) where a 12 MP job's time goes: each step in process, and the cost of
     the JPEG settings used to store images.
Every configuration also times one in-process decode of the 12 MP JPEG first: far above ~150 ms means
other processes compete for the CPU and every number of that run is inflated.

Configurations (each in its own process with a fresh database, its own DATA_DIR and its own qcluster):
  sqlite-orm       SQLite + django-q2's ORM broker + database cache (the default, zero-config set-up)
  sqlite-redis     SQLite + Redis as broker and cache
  postgres-orm     PostgreSQL (a fresh database) + ORM broker + database cache
  postgres-redis   PostgreSQL + Redis (the scale-out set-up)
PostgreSQL and Redis configurations are skipped when the server does not answer (BENCH_PG_URL,
default postgresql://postgres@127.0.0.1:5432/postgres; BENCH_REDIS_URL, default
redis://127.0.0.1:6379). Redis runs use an empty database number, flushed afterwards. Parts c and d run
in the configurations listed by --web-configs (default: sqlite-orm and postgres-redis).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import log, machine  # noqa: E402
from bench.foundation_child import Child  # noqa: E402
from bench.foundation_parts import PARTS  # noqa: E402

ALL_CONFIGS = ("sqlite-orm", "sqlite-redis", "postgres-orm", "postgres-redis")
WEB_CONFIGS = ("sqlite-orm", "postgres-redis")
TARGETS = {
    "a": 1.0,  # seconds, median end to end
    "b_orm": 0.200,  # seconds, median pick-up
    "b_redis": 0.050,
    "c": 0.150,  # seconds, median page
    "d_errors": 0,
}


# ==================================================================================================
# Parent: services, configurations, table (the child's side: foundation_child.py, foundation_parts.py)
# ==================================================================================================

def pg_available(url: str) -> str | None:
    try:
        import psycopg

        with psycopg.connect(url, connect_timeout=3) as conn:
            return conn.execute("SHOW server_version").fetchone()[0]
    except Exception as exc:  # any failure means "not available here"
        log(f"PostgreSQL not available at {url}: {exc}")
        return None


def redis_available(url: str) -> str | None:
    try:
        import redis

        return redis.Redis.from_url(url, socket_connect_timeout=3).info("server")["redis_version"]
    except Exception as exc:
        log(f"Redis not available at {url}: {exc}")
        return None


def redis_free_db(url: str, taken: set[int]) -> int:
    import redis

    for db in range(15, 0, -1):
        if db not in taken and redis.Redis.from_url(url, db=db).dbsize() == 0:
            return db
    raise RuntimeError("no empty Redis database number (1..15) for the benchmark")


def redis_flush(url: str, db: int) -> None:
    import redis

    redis.Redis.from_url(url, db=db).flushdb()


def pg_create(url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')


def pg_drop(url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def with_db(url: str, name: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@contextlib.contextmanager
def configuration(name: str, args, services: dict, prefix: str = "studio-bench"):
    """One configuration's own world for a child process: a fresh PostgreSQL database or Redis database
    number where the name asks for them, and a DATA_DIR. Yields (DATA_DIR, environment); drops the
    database and flushes Redis afterwards (the DATA_DIR stays: the caller removes it once read)."""
    tmp = Path(tempfile.mkdtemp(prefix=f"{prefix}-{name}-"))
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.base", DATA_DIR=str(tmp), STATIC_ROOT=str(tmp / "static"),
        Q_CLUSTER_NAME="bench", LOG_LEVEL="WARNING", API_THROTTLE_USER="1000000/hour",
        HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1",
        DJANGO_SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY") or "bench-only-secret-key-" + "0" * 40,
    )
    pg_name = redis_db = None
    try:
        if name.startswith("postgres"):
            pg_name = f"studio_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
            pg_create(args.pg_url, pg_name)
            env["DATABASE_URL"] = with_db(args.pg_url, pg_name)
        if name.endswith("redis"):
            redis_db = redis_free_db(args.redis_url, services.setdefault("redis_dbs", set()))
            services["redis_dbs"].add(redis_db)
            env["REDIS_URL"] = f"{args.redis_url.rstrip('/')}/{redis_db}"
        yield tmp, env
    finally:
        if pg_name:
            pg_drop(args.pg_url, pg_name)
        if redis_db is not None:
            redis_flush(args.redis_url, redis_db)


def run_child(name: str, cmd: list[str], args, services: dict, prefix: str = "studio-bench",
              extra_env: dict | None = None) -> dict:
    """Runs `cmd` (a benchmark's child, which writes its results to the path given after
    --child-out) in a fresh configuration `name`; returns the results, or {"error": ...}."""
    with configuration(name, args, services, prefix) as (tmp, env):
        out = tmp / "result.json"
        env.update(extra_env or {})
        log(f"{name}: DATA_DIR {tmp}")
        proc = subprocess.run(cmd + ["--child-out", str(out)], env=env, cwd=ROOT)
        if proc.returncode != 0:
            return {"error": f"child exited {proc.returncode}; logs in {tmp}"}
        result = json.loads(out.read_text())
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
        return result


def services_check(configs: list[str], args, info: dict) -> list[str]:
    """Records the PostgreSQL and Redis versions in `info`; returns the configurations whose servers
    answer."""
    if any(c.startswith("postgres") for c in configs):
        info["postgresql"] = pg_available(args.pg_url)
        if not info["postgresql"]:
            configs = [c for c in configs if not c.startswith("postgres")]
    if any(c.endswith("redis") for c in configs):
        info["redis"] = redis_available(args.redis_url)
        if not info["redis"]:
            configs = [c for c in configs if not c.endswith("redis")]
    return configs


def run_config(name: str, args, services: dict) -> dict:
    parts = [p for p in args.parts if p in "ab" or (p in "cd" and name in args.web_configs)
             or (p == "p" and name == args.configs_run[0])]
    if not parts:
        return {}
    cmd = [sys.executable, __file__, "--child", name, "--only", ",".join(parts),
           "--clients", str(args.clients)] + (["--quick"] if args.quick else [])
    log(f"{name}: parts {','.join(parts)}")
    return run_child(name, cmd, args, services)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds >= 0.0995 else f"{seconds * 1000:.1f} ms"


def mark(ok: bool) -> str:
    return "✅" if ok else "❌"


def table(results: dict, configs: list[str]) -> str:
    def e2e(kind):
        def fn(r):
            s = r["a"][kind]["e2e"]
            return f"{ms(s['median'])} / {ms(s['p90'])} {mark(s['median'] <= TARGETS['a'])}"
        return fn

    def breakdown(kind):
        def fn(r):
            a = r["a"][kind]
            return " + ".join(ms(a[k]["median"]) for k in ("pickup", "compute", "store", "rest"))
        return fn

    def pickup(r):
        s = r["b"]["pickup"]
        target = TARGETS["b_redis"] if r.get("broker") == "redis" else TARGETS["b_orm"]
        return f"{ms(s['median'])} / {ms(s['p90'])} {mark(s['median'] <= target)}"

    rows = [
        ("machine check: decode a baseline 12 MP JPEG in process, median (load average)", "≈ 150 ms when quiet",
         lambda r: f"{ms(r['calibration']['decode_12mp']['median'])} ({r['calibration']['loadavg'][0]:.1f})"),
        ("a. crop 12 MP JPEG, end to end: median / p90", "≤ 1 s", e2e("crop")),
        ("a. resize 12 MP → 2000 px wide, end to end: median / p90", "≤ 1 s", e2e("resize")),
        ("a. crop: pick-up + compute + store + rest (medians)", "info", breakdown("crop")),
        ("a. resize: pick-up + compute + store + rest (medians)", "info", breakdown("resize")),
        ("a. upload of the 12 MP JPEG via the service (median of 3)", "info",
         lambda r: ms(r["a"]["upload_s"]["median"])),
        ("b. pick-up latency, tiny job: median / p90", "≤ 200 ms ORM, ≤ 50 ms Redis", pickup),
        ("b. tiny job end to end: median", "info", lambda r: ms(r["b"]["e2e"]["median"])),
        ("c. GET /gallery/ (500 items), in process: median / p90", "≤ 150 ms",
         lambda r: f"{ms(r['c']['page']['median'])} / {ms(r['c']['page']['p90'])} "
                   f"{mark(r['c']['page']['median'] <= TARGETS['c'])}"),
        ("c. SQL queries per gallery page", "info", lambda r: str(r["c"]["queries"])),
        ("d. API list, N clients × gunicorn: requests/s", "info",
         lambda r: f"{r['d']['rps']:.0f} ({r['d']['workers']}×{r['d']['threads']} thr, {r['d']['clients']} clients)"),
        ("d. API list latency p50 / p95", "info", lambda r: f"{ms(r['d']['p50'])} / {ms(r['d']['p95'])}"),
        ("d. API errors", "0", lambda r: f"{r['d']['errors']} {mark(r['d']['errors'] == 0)}"),
    ]
    return render_table(rows, results, configs)


def render_table(rows: list[tuple], results: dict, configs: list[str]) -> str:
    """A markdown table: a row per (label, target, function of one configuration's results), a column
    per configuration; "error" where its child failed, "–" where the figure is missing, and rows with
    no figure at all left out."""
    def cell(config: str, fn) -> str:
        r = results.get(config) or {}
        if "error" in r:
            return "error"
        try:
            return fn(r)
        except (KeyError, TypeError):
            return "–"

    header = "| Measure | Target | " + " | ".join(configs) + " |"
    lines = [header, "|" + "---|" * (len(configs) + 2)]
    for label, target, fn in rows:
        cells = [cell(c, fn) for c in configs]
        if all(x in ("–", "error") for x in cells):
            continue
        lines.append(f"| {label} | {target} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def profile_table(results: dict) -> str:
    for name, r in results.items():
        if r and "p" in r:
            p = r["p"]
            mb = {k: f"{v / 1e6:.1f} MB" for k, v in p["stored_bytes"].items()}
            lines = [
                f"Where a 12 MP job's time goes (part p, in process, {name}, median of 5). Stored 12 MP upload: "
                f"{mb['as now']} as now, {mb['optimize']} optimize only, {mb['baseline']} baseline.",
                "",
                "| Step | Time |",
                "|---|---|",
            ]
            lines += [f"| {label} | {ms(t)} |" for label, t in p["steps"].items()]
            return "\n".join(lines) + "\n"
    return ""


def add_run_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of a benchmark that runs configurations in child processes (run_child)."""
    parser.add_argument("--json", metavar="OUT", help="also write all results as JSON to OUT")
    parser.add_argument("--keep", action="store_true", help="keep each configuration's DATA_DIR (logs, db)")
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379"))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--child-out", help=argparse.SUPPRESS)


def configs_arg(parser: argparse.ArgumentParser, text: str) -> list[str]:
    configs = [c.strip() for c in text.split(",") if c.strip()]
    if bad := set(configs) - set(ALL_CONFIGS):
        parser.error(f"unknown configurations: {','.join(sorted(bad))}")
    return configs


def heading(title: str, started: dt.datetime, command: str) -> list[str]:
    return [f"## {title}, {started:%Y-%m-%d %H:%M %Z}", "", f"Command: `{command.strip()}`", ""]


def report(text: str, results: dict, json_out: str | None, **meta) -> int:
    """Prints the report and each configuration's error; writes the JSON (meta + results) when asked.
    Exit status 1 when a configuration failed."""
    print(text)
    for name, r in results.items():
        if r and "error" in r:
            print(f"{name}: {r['error']}")
    if json_out:
        meta["started"] = meta["started"].isoformat()
        Path(json_out).parent.mkdir(parents=True, exist_ok=True)
        Path(json_out).write_text(json.dumps({**meta, "results": results}, indent=2, default=str))
    return 1 if any(r and "error" in r for r in results.values()) else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer repeats (5/10/10, 10 s of load)")
    parser.add_argument("--only", default="a,b,c,d",
                        help="parts to run, e.g. a,b; p (a step-by-step profile of one 12 MP job) is extra")
    parser.add_argument("--configs", default=",".join(ALL_CONFIGS), help="configurations to run")
    parser.add_argument("--web-configs", default=",".join(WEB_CONFIGS), help="configurations that run parts c and d")
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients in part d")
    add_run_arguments(parser)
    parser.add_argument("--keep-worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.parts = [p.strip() for p in args.only.split(",") if p.strip()]
    if bad := set(args.parts) - set("abcdp"):
        parser.error(f"unknown parts: {','.join(sorted(bad))}")
    args.web_configs = [c.strip() for c in args.web_configs.split(",")]

    if args.child:
        result = Child(args).run(PARTS)
        result["broker"] = "redis" if os.environ.get("REDIS_URL") else "orm"
        Path(args.child_out).write_text(json.dumps(result, default=str))
        return 0

    info = machine()
    services: dict = {}
    configs = services_check(configs_arg(parser, args.configs), args, info)

    args.configs_run = configs
    started = dt.datetime.now().astimezone()
    load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
    results = {name: run_config(name, args, services) for name in configs}
    load_after = " ".join(f"{x:.2f}" for x in os.getloadavg())
    shown = [c for c in configs if results.get(c)]
    command = "python bench/foundation.py " + " ".join(sys.argv[1:])
    text = "\n".join(heading("Foundation benchmark", started, command) + [
        f"Machine: {info['cpu']}, {info['cores']} cores, {info['ram']} RAM, {info['os']}; Python {info['python']}, "
        f"Django {info['django']}, django-q2 {info['django_q']}, Pillow {info['PIL']}, gunicorn {info['gunicorn']}; "
        f"SQLite {info['sqlite']}"
        + (f", PostgreSQL {info['postgresql']}" if info.get("postgresql") else "")
        + (f", Redis {info['redis']}" if info.get("redis") else "") + ".",
        "",
        f"Load average before the run: {load_before}; after: {load_after}. Configurations: database + broker "
        "(Redis is also the cache where used; the ORM configurations use the database cache). "
        + (f"Parts c and d ran in: {', '.join(c for c in shown if c in args.web_configs) or 'none'}."
           if {"c", "d"} & set(args.parts) else ""),
        "",
        table(results, shown),
        "",
        profile_table(results),
    ])
    return report(text, results, args.json, started=started, command=command, machine=info)


if __name__ == "__main__":
    sys.exit(main())
