"""A fake DashScope image-synthesis service on 127.0.0.1 (stdlib http.server), speaking the protocol
the real SDK uses: submit (POST .../services/aigc/text2image/image-synthesis, async), poll
(GET .../tasks/{id}), cancel (POST .../tasks/{id}/cancel) and the result image download.

Failures are injected two ways:
- in code: `server.inject("429", times=2)` (tests), consumed in order by the next submissions;
- in the prompt: a token like `[fake:inspection]` (the management command, the browser, a demo).

Kinds: 401 (invalid key), 429 (throttled, with `times`), 500 (submit server error), inspection
(submit accepted, task FAILED DataInspectionFailed), failed (task FAILED InternalError), unknown
(task UNKNOWN), poll500 (every poll answers 500), slow (task stays RUNNING until cancelled), drop
(the submit connection is closed without an answer; the HTTP client retries that once by itself, so
inject it twice), badimage (result URL serves garbage).
A key "sk-invalid" (or any key not starting with "sk-") is refused with 401, like a wrong key."""

from __future__ import annotations

import hashlib
import io
import json
import re
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse

import numpy as np
from PIL import Image, ImageDraw

KINDS = ("401", "429", "500", "inspection", "failed", "unknown", "poll500", "slow", "drop", "badimage")
_TOKEN = re.compile(r"\[fake:([a-z0-9]+)\]")


def render_image(width: int, height: int, prompt: str, seed: int, index: int) -> bytes:
    """A deterministic picture for (prompt, seed): a two-colour gradient and a few discs."""
    digest = hashlib.sha256(f"{prompt}|{seed}|{index}".encode()).digest()
    c1, c2 = tuple(digest[0:3]), tuple(digest[3:6])
    small = Image.linear_gradient("L").resize((64, 64))
    base = Image.composite(Image.new("RGB", (64, 64), c1), Image.new("RGB", (64, 64), c2), small)
    image = base.resize((width, height), Image.BILINEAR)
    # Grain, so the file is about as large and as slow to decode as a real picture (a flat gradient
    # compresses to almost nothing and would flatter every timing).
    rng = np.random.default_rng(int.from_bytes(digest[:8], "big"))
    grain = Image.fromarray(rng.integers(0, 256, (height, width), dtype=np.uint8)).convert("RGB")
    image = Image.blend(image, grain, 0.12)
    draw = ImageDraw.Draw(image)
    for k in range(3):
        x, y = digest[6 + k] / 255 * width, digest[9 + k] / 255 * height
        r = (0.08 + digest[12 + k] / 255 * 0.12) * min(width, height)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=tuple(digest[15 + 3 * k:18 + 3 * k]))
    buf = io.BytesIO()
    image.save(buf, "PNG", compress_level=1)
    return buf.getvalue()


class FakeDashScope:
    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, run_seconds: float = 0.0):
        self.run_seconds = run_seconds  # how long a task stays RUNNING before it succeeds
        self.tasks: dict[str, dict] = {}
        self.requests: list[dict] = []  # every request seen: method, path, headers, body
        self.submissions: list[float] = []  # monotonic times of submit requests
        self._injected: list[str] = []
        self._lock = threading.Lock()
        self.httpd = ThreadingHTTPServer((host, port), self._handler())
        self.httpd.daemon_threads = True
        self.thread: threading.Thread | None = None

    # -- control -------------------------------------------------------------------------------
    @property
    def port(self) -> int:
        return self.httpd.server_address[1]

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.root}/api/v1"

    def inject(self, kind: str, times: int = 1) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown failure kind {kind!r}; known: {', '.join(KINDS)}")
        with self._lock:
            self._injected.extend([kind] * times)

    def reset(self) -> None:
        with self._lock:
            self._injected.clear()
            self.tasks.clear()
            self.requests.clear()
            self.submissions.clear()

    def start(self) -> FakeDashScope:
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="fake-dashscope", daemon=True)
        self.thread.start()
        return self

    def serve_forever(self) -> None:
        self.httpd.serve_forever()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def _take_injected(self, prompt: str) -> str | None:
        match = _TOKEN.search(prompt or "")
        if match and match.group(1) in KINDS:
            return match.group(1)
        with self._lock:
            return self._injected.pop(0) if self._injected else None

    # -- protocol ------------------------------------------------------------------------------
    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def _send(self, status: int, body, content_type="application/json", headers=None):
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            def _error(self, status: int, code: str, message: str, headers=None):
                self._send(status, {"request_id": uuid.uuid4().hex, "code": code, "message": message}, headers=headers)

            def _body(self) -> dict:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    return json.loads(raw or b"{}")
                except json.JSONDecodeError:
                    return {}

            def _record(self, body=None):
                if len(fake.requests) > 5000:  # a long demo run keeps only the recent ones
                    del fake.requests[:1000]
                fake.requests.append({"method": self.command, "path": self.path, "headers": dict(self.headers),
                                      "body": body})

            def _key_ok(self) -> bool:
                auth = self.headers.get("Authorization", "")
                key = auth[7:] if auth.startswith("Bearer ") else ""
                if not key.startswith("sk-") or key == "sk-invalid":
                    self._error(401, "InvalidApiKey", "Invalid API-key provided.")
                    return False
                return True

            def do_POST(self):
                path = urlparse(self.path).path.rstrip("/")
                body = self._body()
                self._record(body)
                if path.endswith("/services/aigc/text2image/image-synthesis"):
                    return self._submit(body)
                m = re.search(r"/tasks/([^/]+)/cancel$", path)
                if m:
                    return self._cancel(m.group(1))
                self._error(404, "NotFound", f"no route {path}")

            def do_GET(self):
                path = urlparse(self.path).path.rstrip("/")
                self._record()
                m = re.search(r"/tasks/([^/]+)$", path)
                if m:
                    return self._poll(m.group(1))
                m = re.search(r"/images/([^/]+)/(\d+)\.png$", path)
                if m:
                    return self._image(m.group(1), int(m.group(2)))
                self._error(404, "NotFound", f"no route {path}")

            def _submit(self, body):
                fake.submissions.append(time.monotonic())
                if not self._key_ok():
                    return
                if self.headers.get("X-DashScope-Async") != "enable":
                    return self._error(403, "AccessDenied", "current user api does not support synchronous calls")
                inp, params = body.get("input") or {}, body.get("parameters") or {}
                failure = fake._take_injected(inp.get("prompt", ""))
                if failure == "drop":
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                if failure == "401":
                    return self._error(401, "InvalidApiKey", "Invalid API-key provided.")
                if failure == "429":
                    return self._error(429, "Throttling.RateQuota", "Requests rate limit exceeded, please try again later.",
                                       headers={"Retry-After": "0"})
                if failure == "500":
                    return self._error(500, "InternalError", "An internal error has occured, please try again later.")
                if not inp.get("prompt"):
                    return self._error(400, "InvalidParameter", "input.prompt is required")
                size = str(params.get("size", "1024*1024"))
                try:
                    w, h = (int(v) for v in size.split("*"))
                except ValueError:
                    return self._error(400, "InvalidParameter", f"size {size} is invalid")
                task_id = uuid.uuid4().hex
                fake.tasks[task_id] = {
                    "id": task_id, "model": body.get("model"), "prompt": inp["prompt"],
                    "negative_prompt": inp.get("negative_prompt", ""), "width": w, "height": h,
                    "n": int(params.get("n", 4)), "seed": int(params.get("seed", 42)),
                    "prompt_extend": params.get("prompt_extend", True), "failure": failure,
                    "created": time.monotonic(), "status": "PENDING",
                }
                self._send(200, {"request_id": uuid.uuid4().hex,
                                 "output": {"task_id": task_id, "task_status": "PENDING"}})

            def _cancel(self, task_id):
                if not self._key_ok():
                    return
                task = fake.tasks.get(task_id)
                if task is None:
                    return self._error(404, "NotFound", "task not found")
                # Like the real service, only a PENDING task can be cancelled; a "slow" one counts as pending.
                if task["status"] == "PENDING" or (task["status"] == "RUNNING" and task["failure"] == "slow"):
                    task["status"] = "CANCELED"
                    return self._send(200, {"request_id": uuid.uuid4().hex})
                self._error(400, "UnsupportedOperation", f"task in status {task['status']} cannot be canceled")

            def _poll(self, task_id):
                if not self._key_ok():
                    return
                task = fake.tasks.get(task_id)
                if task is None:
                    return self._error(404, "NotFound", "task not found")
                if task["failure"] == "poll500":
                    return self._error(500, "InternalError", "An internal error has occured.")
                rid = uuid.uuid4().hex
                if task["status"] == "CANCELED":
                    return self._send(200, {"request_id": rid, "output": {"task_id": task_id, "task_status": "CANCELED"}})
                age = time.monotonic() - task["created"]
                failure = task["failure"]
                if failure == "slow" or age < fake.run_seconds:
                    task["status"] = "RUNNING"
                    return self._send(200, {"request_id": rid, "output": {"task_id": task_id, "task_status": "RUNNING"}})
                if failure == "inspection":
                    task["status"] = "FAILED"
                    return self._send(200, {"request_id": rid, "output": {
                        "task_id": task_id, "task_status": "FAILED", "code": "DataInspectionFailed",
                        "message": "Input data may contain inappropriate content."}})
                if failure == "failed":
                    task["status"] = "FAILED"
                    return self._send(200, {"request_id": rid, "output": {
                        "task_id": task_id, "task_status": "FAILED", "code": "InternalError.Algo",
                        "message": "An internal error occured in the algorithm."}})
                if failure == "unknown":
                    task["status"] = "UNKNOWN"
                    return self._send(200, {"request_id": rid, "output": {"task_id": task_id, "task_status": "UNKNOWN"}})
                task["status"] = "SUCCEEDED"
                actual = task["prompt"] + ("，细节丰富，光影柔和" if task["prompt_extend"] else "")
                results = [{"url": f"{fake.root}/images/{task_id}/{i}.png", "orig_prompt": task["prompt"],
                            "actual_prompt": actual} for i in range(task["n"])]
                self._send(200, {"request_id": rid, "output": {
                    "task_id": task_id, "task_status": "SUCCEEDED", "results": results,
                    "task_metrics": {"TOTAL": task["n"], "SUCCEEDED": task["n"], "FAILED": 0}},
                    "usage": {"image_count": task["n"]}})

            def _image(self, task_id, index):
                task = fake.tasks.get(task_id)
                if task is None or index >= task["n"]:
                    return self._error(404, "NotFound", "no such image")
                if task["failure"] == "badimage":
                    return self._send(200, b"not a png", content_type="image/png")
                data = render_image(task["width"], task["height"], task["prompt"], task["seed"] + index, index)
                self._send(200, data, content_type="image/png")

        return Handler
