"""The parts of bench/foundation.py (its docstring says what each measures), run in the child
process by bench/foundation_child.Child: each takes the Child and returns its results."""

from __future__ import annotations

import io
import json
import os
import statistics
import time
import uuid

from bench.common import log, summary
from bench.foundation_child import tiny_png
from bench.foundation_http import gunicorn_server, http_get, load, worker_count


def part_a(child) -> dict:
    from editing.services import crop_job_create, resize_job_create

    owner = child.user("bench-a")
    data = child.photo()
    upload_times = []
    for i in range(3):
        t = time.perf_counter()
        source = child.upload(owner, data, f"photo-{i}.jpg")
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
            child.run_job(create)
        runs = [child.run_job(create) for _ in range(child.repeats_a)]
        out[kind] = {key: summary([r[key] for r in runs]) for key in runs[0]}
        log(f"a: {kind} median {out[kind]['e2e']['median'] * 1000:.0f} ms "
            f"(compute {out[kind]['compute']['median'] * 1000:.0f}, store {out[kind]['store']['median'] * 1000:.0f}, "
            f"pick-up {out[kind]['pickup']['median'] * 1000:.0f})")
    return out


def part_b(child) -> dict:
    from editing.services import crop_job_create

    owner = child.user("bench-b")
    source = child.upload(owner, tiny_png(), "tiny.png")
    runs = []
    for _ in range(child.repeats_b):
        runs.append(child.run_job(lambda: crop_job_create(user=owner, params={"left": 10}, sources=[source])))
        time.sleep(0.1)  # an idle queue, as a user's single click finds it
    out = {key: summary([r[key] for r in runs]) for key in runs[0]}
    log(f"b: pick-up median {out['pickup']['median'] * 1000:.1f} ms, e2e {out['e2e']['median'] * 1000:.1f} ms")
    return out


def gallery_user(child, count: int = 500, name: str = "bench-gallery"):
    """A user with `count` small items (made by the real service: rows, files and thumbnails)."""
    from django.db import transaction
    from PIL import Image

    from gallery.models import GalleryItem
    from gallery.services import gallery_item_create

    owner = child.user(name)
    have = GalleryItem.objects.filter(owner=owner).count()
    started = time.perf_counter()
    for start in range(have, count, 100):
        with transaction.atomic():
            for i in range(start, min(start + 100, count)):
                image = Image.new("RGB", (160, 120), ((i * 37) % 256, (i * 91) % 256, (i * 13) % 256))
                gallery_item_create(owner=owner, image=image, kind=GalleryItem.Kind.UPLOAD,
                                    name=f"holiday photo {i:03d}.png", fmt="PNG",
                                    metadata={"original_format": "PNG", "note": f"bench item {i}"})
    if have < count:
        log(f"gallery: {count} items made in {time.perf_counter() - started:.1f}s")
    return owner


def part_c(child) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    owner = gallery_user(child)
    client = Client()
    client.force_login(owner)
    times = []
    for i in range(child.repeats_c + 1):
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


def part_d(child) -> dict:
    from accounts.services import api_token_create

    owner = gallery_user(child)
    _, token = api_token_create(user=owner, name=f"bench-{uuid.uuid4().hex[:6]}")
    with gunicorn_server(child.tmp) as (port, gunicorn):
        path = "/api/v1/gallery/items/"
        headers = {"Authorization": f"Bearer {token}"}
        status, body = http_get(port, path, headers)
        if status != 200:
            raise RuntimeError(f"{path} answered {status}: {body[:300]!r}")
        count = json.loads(body)["count"]
        load(port, path, headers, clients=child.args.clients, seconds=3.0)  # warm every worker
        result = load(port, path, headers, clients=child.args.clients, seconds=child.duration_d)
        result.update(items=count, workers=worker_count(gunicorn.pid),
                      threads=int(os.environ.get("GUNICORN_THREADS") or 4))
        log(f"d: {result['rps']:.0f} req/s, p50 {result['p50'] * 1000:.0f} ms, "
            f"p95 {result['p95'] * 1000:.0f} ms, errors {result['errors']}")
        return result


def part_p(child) -> dict:
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

    camera = child.photo()
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


PARTS = {"a": part_a, "b": part_b, "c": part_c, "d": part_d, "p": part_p}
