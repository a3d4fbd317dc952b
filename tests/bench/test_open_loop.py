"""The open-loop load generator of bench/scale.py (bench/foundation_http.open_loop): requests leave on
schedule whatever the answers, latency counts from the scheduled time, failures are counted by kind.
Against a tiny server on 127.0.0.1; about two seconds."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench.foundation_http import open_loop, open_loop_summary


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as gunicorn's gthread workers answer

    def do_GET(self):
        if self.path == "/slow":
            time.sleep(0.3)
        body = b"ok"
        self.send_response(404 if self.path == "/missing" else 200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def port():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_requests_leave_at_the_rate_asked_and_paths_take_turns(port):
    result = open_loop(port, ["/a", "/b", "/missing"], {}, rate=60, seconds=1.0, threads=4)
    assert result["requests"] == 60
    assert result["ok"] == 40 and result["error_statuses"] == {"404": 20}
    assert set(result["paths"]) == {"/a", "/b"}
    assert 30 <= result["achieved_rps"] <= 42  # 40 successes in about 1 s (the 404s do not count)
    assert result["p50"] < 0.1


def test_a_slow_answer_delays_those_queued_behind_it(port):
    # one connection: the requests scheduled while /slow is answered wait, and that wait counts
    result = open_loop(port, ["/slow", "/a", "/a", "/a"], {}, rate=20, seconds=0.2, threads=1)
    assert result["ok"] == 4
    latency = result["paths"]["/a"]
    assert latency["p50"] > 0.15  # scheduled 50-150 ms after /slow, answered only after its 300 ms
    assert result["lag_p95"] > 0.15


def test_summary_counts_failures_and_unfinished_requests():
    start = 100.0
    # (path, status, lag, latency, service, end)
    done = [("/", 200, 0.0, 0.01 * (i + 1), 0.01 * (i + 1), start + i / 10 + 0.01 * (i + 1)) for i in range(8)]
    done += [("/", 500, 0.0, 0.2, 0.2, start + 0.9), None]
    result = open_loop_summary(done, rate=10, start=start)
    assert result["requests"] == 10 and result["ok"] == 8
    assert result["errors"] == 2 and result["error_statuses"] == {"500": 1, "unfinished": 1}
    assert result["p50"] == pytest.approx(0.045)
    assert result["p99"] == pytest.approx(0.0793)
    assert result["achieved_rps"] == pytest.approx(8 / 0.9)
