"""HTTP helpers and the load generator of bench/foundation.py's part d."""

from __future__ import annotations

import http.client
import socket
import subprocess
import threading
import time

from bench.common import pct


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
