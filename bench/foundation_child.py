"""The child process of bench/foundation.py: one configuration, with Django set up for it (its own
database, DATA_DIR and qcluster). It runs the parts it is given (bench/foundation_parts.py) and
returns their results."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from pathlib import Path

from bench.common import log, summary

ROOT = Path(__file__).resolve().parent.parent


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
    def setup(self, static: bool = False) -> None:
        """Migrates the fresh database; collects static files when pages will be served (`static`, or
        parts c and d)."""
        sys.path.insert(0, str(ROOT))
        os.chdir(ROOT)
        import django

        django.setup()
        from django.core.management import call_command

        started = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        call_command("createcachetable", verbosity=0)
        if static or {"c", "d"} & set(self.args.parts):
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

    def run(self, parts: dict) -> dict:
        """Sets up, then runs each part asked for (`parts`: name -> function of the Child), in order."""
        self.setup()
        results: dict = {"calibration": self.calibrate()}
        try:
            if {"a", "b"} & set(self.args.parts) or self.args.keep_worker:
                self.start_qcluster()
                self.wait_for_worker()
            for part in "abcdp":
                if part in self.args.parts:
                    results[part] = parts[part](self)
        finally:
            self.stop_qcluster()
        from django.db import connection

        results["database"] = connection.vendor
        return results


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
