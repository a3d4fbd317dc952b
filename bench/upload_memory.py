"""Peak memory of one web worker per upload request (issue 15, item 4). Run by hand, never by the tests:

    .venv/bin/python bench/upload_memory.py                      # 1, 10 and 20 files
    .venv/bin/python bench/upload_memory.py --counts 1,10 --env UPLOAD_MAX_REQUEST_PIXELS=1000000000

Each file count gets its own gunicorn (config/gunicorn.conf.py, one worker with --threads
threads, 4 as in production: the request then runs in a pool thread and its own malloc arena; never
recycled) on a fresh SQLite DATA_DIR, so every request starts from the same idle worker. After a
warm-up upload (lazy imports, first queries), the worker's VmHWM is reset (`5` > clear_refs), the
request is sent, and VmHWM / VmRSS are read from /proc/<pid>/status: the peak and what stays.

The upload is N copies of a 7000×7000 single-colour PNG (49 MP, about 143 KB): tiny on the wire,
147 MB of RGB once decoded.
"""

import argparse
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import machine_line  # noqa: E402
from bench.foundation_http import terminate  # noqa: E402

PYTHON = Path(sys.executable)
URL = "/api/v1/gallery/items/"
MB = 1024 * 1024


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def big_png(side: int) -> bytes:
    from PIL import Image

    buf = BytesIO()
    Image.new("RGB", (side, side), (40, 120, 200)).save(buf, "PNG")
    return buf.getvalue()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def manage(env: dict, *args: str) -> str:
    done = subprocess.run([str(PYTHON), "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def token_create(env: dict) -> str:
    code = (
        "from django.contrib.auth import get_user_model;"
        "from accounts.services import api_token_create;"
        "u = get_user_model().objects.create_user(username='bench', password='bench-pass-12345');"
        "print(api_token_create(user=u, name='bench')[1])"
    )
    return manage(env, "shell", "-c", code).strip().splitlines()[-1]


def multipart(files: list[tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, data in files:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
            f"Content-Type: image/png\r\n\r\n".encode() + data + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def post(port: int, token: str, files: list[tuple[str, bytes]]) -> tuple[int, str]:
    body, content_type = multipart(files)
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{URL}", data=body, method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": content_type, "Accept-Language": "en"},
    )
    try:
        with urllib.request.urlopen(request, timeout=600) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def wait_http(port: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return
        except (OSError, urllib.error.URLError):
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer /healthz")


def worker_pid(master: int) -> int:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.2)
    raise RuntimeError("gunicorn started no worker")


def status_mb(pid: int) -> dict[str, float]:
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmHWM", "VmRSS"):
            out[key] = int(value.split()[0]) / 1024
    return out


def measure(count: int, png: bytes, extra_env: dict, threads: int) -> dict:
    data_dir = Path(tempfile.mkdtemp(prefix="upload-bench-"))
    port = free_port()
    env = {
        **os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.base", "DATA_DIR": str(data_dir),
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(48), "DATABASE_URL": "", "REDIS_URL": "",
        "HOST": "127.0.0.1", "PORT": str(port), "WEB_CONCURRENCY": "1", "GUNICORN_THREADS": str(threads),
        "GUNICORN_MAX_REQUESTS": "0", "LOG_LEVEL": "WARNING", **extra_env,
    }
    env.pop("GUNICORN_BIND", None)
    manage(env, "migrate", "-v", "0")
    manage(env, "createcachetable")
    token = token_create(env)
    logfile = open(data_dir / "gunicorn.log", "wb")
    master = subprocess.Popen(
        [str(PYTHON.with_name("gunicorn")), "-c", "config/gunicorn.conf.py"],
        cwd=ROOT, env=env, stdout=logfile, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        wait_http(port, 60)
        pid = worker_pid(master.pid)
        warm, _ = post(port, token, [("warm.png", big_png(64))])
        if warm != 201:
            raise RuntimeError(f"warm-up upload answered {warm}")
        time.sleep(1)
        idle = status_mb(pid)["VmRSS"]
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        started = time.perf_counter()
        code, body = post(port, token, [(f"{i + 1}.png", png) for i in range(count)])
        seconds = time.perf_counter() - started
        peak = status_mb(pid)["VmHWM"]
        time.sleep(1)
        after = status_mb(pid)["VmRSS"]
        error = "" if code == 201 else json.loads(body).get("error", {}).get("code", body[:80])
        return {"files": count, "status": code, "error": error, "idle": idle, "peak": peak,
                "above": peak - idle, "after": after, "seconds": seconds}
    finally:
        terminate(master)
        logfile.close()
        shutil.rmtree(data_dir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--counts", default="1,10,20", help="file counts, one request each (default 1,10,20)")
    parser.add_argument("--side", type=int, default=7000, help="width = height of the PNG (default 7000)")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                        help="extra environment for the server, e.g. UPLOAD_MAX_REQUEST_PIXELS=1000000000")
    parser.add_argument("--threads", type=int, default=4, help="GUNICORN_THREADS of the worker (default 4)")
    args = parser.parse_args()
    extra_env = dict(item.split("=", 1) for item in args.env)
    png = big_png(args.side)
    log(f"{args.side}×{args.side} PNG: {len(png) / 1024:.0f} KB; server env {extra_env or '(defaults)'}")
    rows = []
    for count in (int(c) for c in args.counts.split(",")):
        rows.append(measure(count, png, extra_env, args.threads))
        log(f"{count} files: {rows[-1]}")
    print(f"Machine: {machine_line()}\n\nServer: 1 gunicorn worker, {args.threads} thread(s); env {extra_env or '(defaults)'}\n")
    print("| files | status | idle MB | peak MB | peak above idle MB | RSS after MB | seconds |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    for r in rows:
        status = f"{r['status']}" + (f" {r['error']}" if r["error"] else "")
        print(f"| {r['files']} | {status} | {r['idle']:.0f} | {r['peak']:.0f} | {r['above']:.0f} | "
              f"{r['after']:.0f} | {r['seconds']:.1f} |")


if __name__ == "__main__":
    main()
