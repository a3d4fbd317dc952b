"""HTTP helpers and the load generators of the benchmarks: gunicorn started as the studio starts it,
a closed loop of N clients (bench/foundation.py's part d) and an open loop at a fixed rate
(bench/scale.py's pages)."""

from __future__ import annotations

import contextlib
import http.client
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench.common import pct

ROOT = Path(__file__).resolve().parent.parent


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


def get_on(conn: http.client.HTTPConnection, path: str, headers: dict) -> tuple[int, http.client.HTTPConnection]:
    """GET on a keep-alive connection: (status, or -1 when it failed; the connection to use next,
    a fresh one after a failure)."""
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        if response.will_close:
            conn.close()
        return response.status, conn
    except (OSError, http.client.HTTPException):
        conn.close()
        return -1, http.client.HTTPConnection(conn.host, conn.port, timeout=conn.timeout)


def terminate(process: subprocess.Popen, wait: float = 30) -> None:
    """SIGTERM, then SIGKILL to its whole session if it has not ended within `wait` seconds."""
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(wait)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


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
            status, conn = get_on(conn, path, headers)
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


@contextlib.contextmanager
def gunicorn_server(logdir: Path):
    """gunicorn with config/gunicorn.conf.py (its default workers and threads unless the environment
    sets them) on a free port of 127.0.0.1; yields (port, process) once /healthz answers."""
    port = free_port()
    env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(port)}
    env.pop("GUNICORN_BIND", None)
    logfile = open(logdir / "gunicorn.log", "wb")
    gunicorn = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "-c", "config/gunicorn.conf.py"],
        cwd=ROOT, env=env, stdout=logfile, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        wait_http(port, "/healthz", timeout=60)
        yield port, gunicorn
    finally:
        terminate(gunicorn)
        logfile.close()


def latency_summary(values: list[float]) -> dict:
    return {"p50": pct(values, 50), "p95": pct(values, 95), "p99": pct(values, 99)}


def open_loop(port: int, paths: list[str], headers: dict, *, rate: float, seconds: float,
              threads: int = 32, timeout: float = 10.0) -> dict:
    """Requests sent at fixed times (request i at start + i / rate, paths in turn), whatever the
    answers before them: the open loop of real users, where a slow server meets a growing queue
    rather than a slower client. `threads` keep-alive connections carry them; a request that finds
    them all busy waits, and that wait counts. Latency is measured from the scheduled time (p50/p95/
    p99 of the successful requests); "service" from when the request was actually written."""
    count = int(rate * seconds)
    todo: queue.SimpleQueue = queue.SimpleQueue()
    done: list[tuple | None] = [None] * count

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        while (item := todo.get()) is not None:
            index, scheduled = item
            path = paths[index % len(paths)]
            sent = time.perf_counter()
            status, conn = get_on(conn, path, headers)
            end = time.perf_counter()
            done[index] = (path, status, sent - scheduled, end - scheduled, end - sent, end)
        conn.close()

    pool = [threading.Thread(target=worker, daemon=True) for _ in range(threads)]
    for t in pool:
        t.start()
    start = time.perf_counter() + 0.05
    for index in range(count):
        scheduled = start + index / rate
        if (delay := scheduled - time.perf_counter()) > 0:
            time.sleep(delay)
        todo.put((index, scheduled))
    for _ in pool:
        todo.put(None)
    for t in pool:
        t.join(timeout + 5)
    return open_loop_summary(done, rate=rate, start=start)


def open_loop_summary(done: list[tuple | None], *, rate: float, start: float) -> dict:
    """The figures of one open-loop run from its requests, each (path, status, lag, latency,
    service, end) or None when it never finished."""
    ok = [r for r in done if r and r[1] == 200]
    errors: dict[str, int] = {}
    for r in done:
        key = "unfinished" if r is None else str(r[1])
        if r is None or r[1] != 200:
            errors[key] = errors.get(key, 0) + 1
    last = max((r[5] for r in done if r), default=start)
    per_path = {}
    for path in dict.fromkeys(r[0] for r in ok):
        per_path[path] = latency_summary([r[3] for r in ok if r[0] == path])
    return {
        "rate": rate, "requests": len(done), "ok": len(ok),
        # successful answers per second, from the first scheduled send to the last answer
        "achieved_rps": len(ok) / (last - start) if last > start else 0.0,
        **latency_summary([r[3] for r in ok]),
        "service_p95": pct([r[4] for r in ok], 95),
        # how late the generator itself wrote requests (the shared CPU, or all connections busy)
        "lag_p95": pct([r[2] for r in ok], 95),
        "errors": sum(errors.values()), "error_statuses": errors, "paths": per_path,
    }
