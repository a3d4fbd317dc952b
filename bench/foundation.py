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
import datetime as dt
import http.client
import io
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ALL_CONFIGS = ("sqlite-orm", "sqlite-redis", "postgres-orm", "postgres-redis")
WEB_CONFIGS = ("sqlite-orm", "postgres-redis")
TARGETS = {
    "a": 1.0,  # seconds, median end to end
    "b_orm": 0.200,  # seconds, median pick-up
    "b_redis": 0.050,
    "c": 0.150,  # seconds, median page
    "d_errors": 0,
}


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


# ==================================================================================================
# Child: one configuration, with Django set up for it
# ==================================================================================================

class Child:
    def __init__(self, args):
        self.args = args
        self.repeats_a = 5 if args.quick else 10
        self.repeats_b = 10 if args.quick else 20
        self.repeats_c = 10 if args.quick else 20
        self.duration_d = 10.0 if args.quick else 30.0
        self.tmp = Path(os.environ["DATA_DIR"])
        self.qcluster: subprocess.Popen | None = None

    # --- set-up ------------------------------------------------------------------------------------
    def setup(self) -> None:
        sys.path.insert(0, str(ROOT))
        os.chdir(ROOT)
        import django

        django.setup()
        from django.core.management import call_command

        started = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        call_command("createcachetable", verbosity=0)
        if {"c", "d"} & set(self.args.parts):
            call_command("collectstatic", verbosity=0, interactive=False)
        log(f"migrated in {time.perf_counter() - started:.1f}s")

    def start_qcluster(self) -> None:
        logfile = open(self.tmp / "qcluster.log", "wb")
        self.qcluster = subprocess.Popen(
            [sys.executable, "manage.py", "qcluster"], cwd=ROOT, env=os.environ.copy(),
            stdout=logfile, stderr=subprocess.STDOUT, start_new_session=True,
        )

    def stop_qcluster(self) -> None:
        if self.qcluster and self.qcluster.poll() is None:
            import signal

            self.qcluster.send_signal(signal.SIGTERM)
            try:
                self.qcluster.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.qcluster.pid, signal.SIGKILL)
                self.qcluster.wait()
        if self.qcluster:
            try:  # worker processes left behind by a killed cluster
                os.killpg(self.qcluster.pid, 9)
            except ProcessLookupError:
                pass

    # --- helpers -----------------------------------------------------------------------------------
    @staticmethod
    def user(name: str):
        from django.contrib.auth import get_user_model

        user, _ = get_user_model().objects.get_or_create(username=name)
        return user

    @staticmethod
    def upload(owner, data: bytes, name: str):
        from django.core.files.uploadedfile import SimpleUploadedFile

        from gallery.services import gallery_uploads_create

        return gallery_uploads_create(owner=owner, files=[SimpleUploadedFile(name, data)])[0]

    def run_job(self, create, timeout: float = 120.0) -> dict:
        """Creates a job through `create` in a transaction; polls the row every 5 ms until it ends."""
        from django.db import transaction

        from gallery.models import Job

        t0 = time.perf_counter()
        with transaction.atomic():
            job = create()
        t_committed = time.perf_counter()
        done = (Job.Status.SUCCEEDED, Job.Status.FAILED, Job.Status.CANCELLED)
        while True:
            status = Job.objects.filter(id=job.id).values_list("status", flat=True).first()
            if status in done:
                break
            if time.perf_counter() - t0 > timeout:
                raise RuntimeError(f"job {job.id} still {status} after {timeout}s; see {self.tmp}/qcluster.log")
            time.sleep(0.005)
        t_end = time.perf_counter()
        job.refresh_from_db()
        if job.status != Job.Status.SUCCEEDED:
            raise RuntimeError(f"job {job.id} {job.status}: {job.error_code} {job.error_message}")
        timings = job.result.get("timings", {})
        run = {
            "e2e": t_end - t0,
            # service call + commit + enqueue (on_commit), as the web request pays it
            "submit": t_committed - t0,
            # commit, enqueue, broker, worker process, claim (Job.started_at - Job.queued_at)
            "pickup": (job.started_at - job.queued_at).total_seconds(),
            # the handler: open the input, crop/resize
            "compute": timings.get("compute_s", float("nan")),
            # encode outputs and thumbnails, write files, insert rows (runner's total_s - compute_s)
            "store": timings.get("total_s", float("nan")) - timings.get("compute_s", float("nan")),
        }
        # everything else: building the job before queued_at, runner overhead, marking succeeded and
        # committing, and the 5 ms poll noticing it
        run["rest"] = run["e2e"] - run["pickup"] - run["compute"] - run["store"]
        return run

    def wait_for_worker(self) -> None:
        """Runs tiny jobs until the cluster answers (and every worker process imported the handlers)."""
        from editing.services import crop_job_create

        owner = self.user("bench-warmup")
        source = self.upload(owner, tiny_png(), "warm.png")
        deadline = time.time() + 90
        while True:
            try:
                self.run_job(lambda: crop_job_create(user=owner, params={"left": 10}, sources=[source]), timeout=30)
                break
            except RuntimeError:
                if time.time() > deadline or self.qcluster.poll() is not None:
                    raise
        for _ in range(4):
            self.run_job(lambda: crop_job_create(user=owner, params={"left": 10}, sources=[source]))

    # --- parts -------------------------------------------------------------------------------------
    def part_a(self) -> dict:
        from editing.services import crop_job_create, resize_job_create

        owner = self.user("bench-a")
        data = self.photo()
        upload_times = []
        for i in range(3):
            t = time.perf_counter()
            source = self.upload(owner, data, f"photo-{i}.jpg")
            upload_times.append(time.perf_counter() - t)
        kinds = {
            "crop": lambda: crop_job_create(
                user=owner, params={"left": 10, "top": 10, "right": 90, "bottom": 90}, sources=[source]),
            "resize": lambda: resize_job_create(
                user=owner, params={"width": 2000, "filter": "lanczos"}, sources=[source]),
        }
        out = {"source": {"width": source.width, "height": source.height, "bytes": source.bytes},
               "upload_s": summary(upload_times)}
        for kind, create in kinds.items():
            for _ in range(2):  # warm-up: every worker process opens a 12 MP image once
                self.run_job(create)
            runs = [self.run_job(create) for _ in range(self.repeats_a)]
            out[kind] = {key: summary([r[key] for r in runs]) for key in runs[0]}
            log(f"a: {kind} median {out[kind]['e2e']['median'] * 1000:.0f} ms "
                f"(compute {out[kind]['compute']['median'] * 1000:.0f}, store {out[kind]['store']['median'] * 1000:.0f}, "
                f"pick-up {out[kind]['pickup']['median'] * 1000:.0f})")
        return out

    def part_b(self) -> dict:
        from editing.services import crop_job_create

        owner = self.user("bench-b")
        source = self.upload(owner, tiny_png(), "tiny.png")
        runs = []
        for _ in range(self.repeats_b):
            runs.append(self.run_job(lambda: crop_job_create(user=owner, params={"left": 10}, sources=[source])))
            time.sleep(0.1)  # an idle queue, as a user's single click finds it
        out = {key: summary([r[key] for r in runs]) for key in runs[0]}
        log(f"b: pick-up median {out['pickup']['median'] * 1000:.1f} ms, e2e {out['e2e']['median'] * 1000:.1f} ms")
        return out

    def gallery_user(self):
        """A user with 500 small items (made by the real service: rows, files and thumbnails)."""
        from django.db import transaction
        from PIL import Image

        from gallery.models import GalleryItem
        from gallery.services import gallery_item_create

        owner = self.user("bench-gallery")
        have = GalleryItem.objects.filter(owner=owner).count()
        started = time.perf_counter()
        for start in range(have, 500, 100):
            with transaction.atomic():
                for i in range(start, min(start + 100, 500)):
                    image = Image.new("RGB", (160, 120), ((i * 37) % 256, (i * 91) % 256, (i * 13) % 256))
                    gallery_item_create(owner=owner, image=image, kind=GalleryItem.Kind.UPLOAD,
                                        name=f"holiday photo {i:03d}.png", fmt="PNG",
                                        metadata={"original_format": "PNG", "note": f"bench item {i}"})
        if have < 500:
            log(f"gallery: 500 items made in {time.perf_counter() - started:.1f}s")
        return owner

    def part_c(self) -> dict:
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        owner = self.gallery_user()
        client = Client()
        client.force_login(owner)
        times = []
        for i in range(self.repeats_c + 1):
            t = time.perf_counter()
            response = client.get("/gallery/")
            elapsed = time.perf_counter() - t
            if response.status_code != 200:
                raise RuntimeError(f"/gallery/ answered {response.status_code}")
            if i:
                times.append(elapsed)
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/gallery/")
        out = {"page": summary(times), "queries": len(queries.captured_queries), "bytes": len(response.content)}
        log(f"c: /gallery/ median {out['page']['median'] * 1000:.1f} ms, {out['queries']} queries")
        return out

    def part_d(self) -> dict:
        from accounts.services import api_token_create

        owner = self.gallery_user()
        _, token = api_token_create(user=owner, name=f"bench-{uuid.uuid4().hex[:6]}")
        port = free_port()
        env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(port)}
        env.pop("GUNICORN_BIND", None)
        logfile = open(self.tmp / "gunicorn.log", "wb")
        gunicorn = subprocess.Popen(
            [str(Path(sys.executable).with_name("gunicorn")), "-c", "config/gunicorn.conf.py"],
            cwd=ROOT, env=env, stdout=logfile, stderr=subprocess.STDOUT, start_new_session=True,
        )
        try:
            wait_http(port, "/healthz", timeout=60)
            path = "/api/v1/gallery/items/"
            headers = {"Authorization": f"Bearer {token}"}
            status, body = http_get(port, path, headers)
            if status != 200:
                raise RuntimeError(f"{path} answered {status}: {body[:300]!r}")
            count = json.loads(body)["count"]
            load(port, path, headers, clients=self.args.clients, seconds=3.0)  # warm every worker
            result = load(port, path, headers, clients=self.args.clients, seconds=self.duration_d)
            result.update(items=count, workers=worker_count(gunicorn.pid),
                          threads=int(os.environ.get("GUNICORN_THREADS") or 4))
            log(f"d: {result['rps']:.0f} req/s, p50 {result['p50'] * 1000:.0f} ms, "
                f"p95 {result['p95'] * 1000:.0f} ms, errors {result['errors']}")
            return result
        finally:
            import signal

            gunicorn.send_signal(signal.SIGTERM)
            try:
                gunicorn.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(gunicorn.pid, signal.SIGKILL)

    def photo(self) -> bytes:
        if not hasattr(self, "_photo"):
            started = time.perf_counter()
            self._photo = photo_jpeg()
            log(f"12 MP JPEG made ({len(self._photo) / 1e6:.1f} MB) in {time.perf_counter() - started:.1f}s")
        return self._photo

    def calibrate(self) -> dict:
        """How busy is this machine? Decoding the same baseline 12 MP JPEG takes ~150 ms on a quiet
        2-core CI machine; much more means other processes are competing for the CPU."""
        from PIL import Image

        data, times = self.photo(), []
        for _ in range(5):
            t = time.perf_counter()
            with Image.open(io.BytesIO(data)) as image:
                image.load()
            times.append(time.perf_counter() - t)
        return {"decode_12mp": summary(times), "loadavg": os.getloadavg()}

    def part_p(self) -> dict:
        """Where a 12 MP job's time goes: each step in process, median of 5. Shows the cost of the
        JPEG settings used to store images (gallery.images.image_encode) against alternatives."""
        from PIL import Image

        from editing import operations
        from gallery.images import image_encode, thumbnail_encode

        def decode(data: bytes) -> Image.Image:
            image = Image.open(io.BytesIO(data))
            image.load()
            return image

        def jpeg(image: Image.Image, **kw) -> bytes:
            buf = io.BytesIO()
            image.save(buf, "JPEG", **kw)
            return buf.getvalue()

        camera = self.photo()
        source = decode(camera)
        stored_now = image_encode(source, "JPEG", quality=95)
        stored_optimize = jpeg(source, quality=95, optimize=True)
        stored_baseline = jpeg(source, quality=95)
        cropped = operations.crop(source, box_percent=(10, 10, 90, 90))
        steps = {
            "decode the camera JPEG (baseline q90)": lambda: decode(camera),
            "store upload: encode q95 as now (optimize + progressive)": lambda: image_encode(source, "JPEG", quality=95),
            "store upload: encode q95 optimize, not progressive": lambda: jpeg(source, quality=95, optimize=True),
            "store upload: encode q95 baseline": lambda: jpeg(source, quality=95),
            "job: decode the stored upload as now (progressive)": lambda: decode(stored_now),
            "job: decode the stored upload if optimize only": lambda: decode(stored_optimize),
            "job: decode the stored upload if baseline": lambda: decode(stored_baseline),
            "crop 80 % x 80 %": lambda: operations.crop(source, box_percent=(10, 10, 90, 90)),
            "resize to 2000 px wide, Lanczos": lambda: source.resize((2000, 1500), Image.Resampling.LANCZOS),
            "store output: encode 7.7 MP q92 as now": lambda: image_encode(cropped, "JPEG", quality=92),
            "store output: encode 7.7 MP q92 optimize, not progressive": lambda: jpeg(cropped, quality=92, optimize=True),
            "store output: encode 7.7 MP q92 baseline": lambda: jpeg(cropped, quality=92),
            "store output: WebP thumbnail of 7.7 MP": lambda: thumbnail_encode(cropped, 320),
        }
        out = {}
        for label, fn in steps.items():
            times = []
            for _ in range(5):
                t = time.perf_counter()
                fn()
                times.append(time.perf_counter() - t)
            out[label] = statistics.median(times)
        sizes = {"as now": len(stored_now), "optimize": len(stored_optimize), "baseline": len(stored_baseline)}
        log("p: " + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in out.items()))
        return {"steps": out, "stored_bytes": sizes}

    def run(self) -> dict:
        self.setup()
        results: dict = {"calibration": self.calibrate()}
        try:
            if {"a", "b"} & set(self.args.parts) or self.args.keep_worker:
                self.start_qcluster()
                self.wait_for_worker()
            for part in "abcdp":
                if part in self.args.parts:
                    results[part] = getattr(self, f"part_{part}")()
        finally:
            self.stop_qcluster()
        from django.db import connection

        results["database"] = connection.vendor
        return results


# ==================================================================================================
# Images, HTTP helpers and the load generator
# ==================================================================================================

def tiny_png() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(buf, "PNG")
    return buf.getvalue()


def photo_jpeg(size=(4000, 3000)) -> bytes:
    """A 12 MP JPEG that is not trivially compressible: colour gradients plus Gaussian noise and a
    few shapes, saved at quality 90 (about what a phone writes)."""
    from PIL import Image, ImageDraw

    w, h = size
    horizontal = Image.linear_gradient("L").rotate(90).resize(size)
    vertical = Image.linear_gradient("L").resize(size)
    radial = Image.radial_gradient("L").resize(size)
    base = Image.merge("RGB", (horizontal, vertical, radial))
    noise = Image.merge("RGB", [Image.effect_noise(size, sigma) for sigma in (40, 48, 56)])
    image = Image.blend(base, noise, 0.35)
    draw = ImageDraw.Draw(image)
    for i in range(40):
        x, y = (i * 997) % w, (i * 613) % h
        draw.ellipse((x, y, x + 200 + i * 7, y + 150 + i * 5), outline=(255 - i * 5, i * 6, 128), width=9)
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=90)
    return buf.getvalue()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(port: int, path: str, headers: dict, timeout: float = 10) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def wait_http(port: int, path: str, timeout: float) -> None:
    deadline = time.time() + timeout
    while True:
        try:
            if http_get(port, path, {}, timeout=2)[0] == 200:
                return
        except OSError:
            pass
        if time.time() > deadline:
            raise RuntimeError(f"nothing answered on 127.0.0.1:{port}{path}")
        time.sleep(0.2)


def worker_count(master_pid: int) -> int:
    try:
        out = subprocess.run(["pgrep", "-P", str(master_pid)], capture_output=True, text=True).stdout
        return len(out.split())
    except OSError:
        return 0


def load(port: int, path: str, headers: dict, *, clients: int, seconds: float) -> dict:
    """`clients` threads, each with its own keep-alive connection, GET `path` in a loop."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    start_gate = threading.Event()
    deadline = [0.0]

    def client(index: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        start_gate.wait()
        while time.perf_counter() < deadline[0]:
            t = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
                if response.will_close:
                    conn.close()
            except (OSError, http.client.HTTPException):
                status = -1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            elapsed = time.perf_counter() - t
            if status == 200:
                latencies[index].append(elapsed)
            else:
                errors[index] += 1
                with lock:
                    statuses[status] = statuses.get(status, 0) + 1
        conn.close()

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    began = time.perf_counter()
    deadline[0] = began + seconds
    start_gate.set()
    for t in threads:
        t.join(seconds + 60)
    wall = time.perf_counter() - began
    all_latencies = [x for per in latencies for x in per]
    return {
        "clients": clients, "seconds": round(wall, 2), "requests": len(all_latencies),
        "rps": len(all_latencies) / wall, "p50": pct(all_latencies, 50), "p95": pct(all_latencies, 95),
        "p99": pct(all_latencies, 99), "errors": sum(errors), "error_statuses": statuses,
    }


# ==================================================================================================
# Parent: machine, services, configurations, table
# ==================================================================================================

def machine() -> dict:
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
    import sqlite3

    versions = {}
    from importlib.metadata import PackageNotFoundError, version

    for key, dist in (("django", "Django"), ("django_q", "django-q2"), ("PIL", "pillow"), ("gunicorn", "gunicorn")):
        try:
            versions[key] = version(dist)
        except PackageNotFoundError:
            versions[key] = "?"
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count()
    return {
        "cpu": cpu, "cores": cores, "ram": ram, "os": platform.platform(),
        "python": platform.python_version(), "sqlite": sqlite3.sqlite_version, **versions,
    }


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


def run_config(name: str, args, services: dict) -> dict:
    parts = [p for p in args.parts if p in "ab" or (p in "cd" and name in args.web_configs)
             or (p == "p" and name == args.configs_run[0])]
    if not parts:
        return {}
    tmp = Path(tempfile.mkdtemp(prefix=f"studio-bench-{name}-"))
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.base", DATA_DIR=str(tmp), STATIC_ROOT=str(tmp / "static"),
        Q_CLUSTER_NAME="bench", LOG_LEVEL="WARNING", API_THROTTLE_USER="1000000/hour",
        HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1",
        DJANGO_SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY") or "bench-only-secret-key-" + "0" * 40,
    )
    pg_name = redis_db = None
    if name.startswith("postgres"):
        pg_name = f"studio_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        pg_create(args.pg_url, pg_name)
        env["DATABASE_URL"] = with_db(args.pg_url, pg_name)
    if name.endswith("redis"):
        redis_db = redis_free_db(args.redis_url, services.setdefault("redis_dbs", set()))
        services["redis_dbs"].add(redis_db)
        env["REDIS_URL"] = f"{args.redis_url.rstrip('/')}/{redis_db}"
    out = tmp / "result.json"
    cmd = [sys.executable, __file__, "--child", name, "--only", ",".join(parts), "--child-out", str(out),
           "--clients", str(args.clients)] + (["--quick"] if args.quick else [])
    log(f"{name}: parts {','.join(parts)} (DATA_DIR {tmp})")
    try:
        proc = subprocess.run(cmd, env=env, cwd=ROOT)
        if proc.returncode != 0:
            return {"error": f"child exited {proc.returncode}; logs in {tmp}"}
        result = json.loads(out.read_text())
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
        return result
    finally:
        if pg_name:
            pg_drop(args.pg_url, pg_name)
        if redis_db is not None:
            redis_flush(args.redis_url, redis_db)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds >= 0.0995 else f"{seconds * 1000:.1f} ms"


def mark(ok: bool) -> str:
    return "✅" if ok else "❌"


def table(results: dict, configs: list[str]) -> str:
    rows: list[tuple[str, str, dict]] = []

    def cell(config: str, fn) -> str:
        r = results.get(config) or {}
        if "error" in r:
            return "error"
        try:
            return fn(r)
        except (KeyError, TypeError):
            return "–"

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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer repeats (5/10/10, 10 s of load)")
    parser.add_argument("--only", default="a,b,c,d",
                        help="parts to run, e.g. a,b; p (a step-by-step profile of one 12 MP job) is extra")
    parser.add_argument("--configs", default=",".join(ALL_CONFIGS), help="configurations to run")
    parser.add_argument("--web-configs", default=",".join(WEB_CONFIGS), help="configurations that run parts c and d")
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients in part d")
    parser.add_argument("--json", metavar="OUT", help="also write all results as JSON to OUT")
    parser.add_argument("--keep", action="store_true", help="keep each configuration's DATA_DIR (logs, db)")
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379"))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--child-out", help=argparse.SUPPRESS)
    parser.add_argument("--keep-worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.parts = [p.strip() for p in args.only.split(",") if p.strip()]
    if bad := set(args.parts) - set("abcdp"):
        parser.error(f"unknown parts: {','.join(sorted(bad))}")
    args.web_configs = [c.strip() for c in args.web_configs.split(",")]

    if args.child:
        result = Child(args).run()
        result["broker"] = "redis" if os.environ.get("REDIS_URL") else "orm"
        Path(args.child_out).write_text(json.dumps(result, default=str))
        return 0

    configs = [c.strip() for c in args.configs.split(",") if c.strip()]
    if bad := set(configs) - set(ALL_CONFIGS):
        parser.error(f"unknown configurations: {','.join(sorted(bad))}")
    info = machine()
    services: dict = {}
    if any(c.startswith("postgres") for c in configs):
        info["postgresql"] = pg_available(args.pg_url)
        if not info["postgresql"]:
            configs = [c for c in configs if not c.startswith("postgres")]
    if any(c.endswith("redis") for c in configs):
        info["redis"] = redis_available(args.redis_url)
        if not info["redis"]:
            configs = [c for c in configs if not c.endswith("redis")]

    args.configs_run = configs
    started = dt.datetime.now().astimezone()
    load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
    results = {name: run_config(name, args, services) for name in configs}
    load_after = " ".join(f"{x:.2f}" for x in os.getloadavg())
    shown = [c for c in configs if results.get(c)]
    command = "python bench/foundation.py " + " ".join(sys.argv[1:])
    text = "\n".join([
        f"## Foundation benchmark, {started:%Y-%m-%d %H:%M %Z}",
        "",
        f"Command: `{command.strip()}`",
        "",
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
    print(text)
    for name, r in results.items():
        if r and "error" in r:
            print(f"{name}: {r['error']}")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(
            {"started": started.isoformat(), "command": command, "machine": info, "results": results},
            indent=2, default=str))
    return 1 if any(r and "error" in r for r in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
