"""scripts/lib.sh `supervise`, the run phase of scripts/run.sh, with stand-ins for gunicorn and
qcluster (real processes, real signals; set-up is not run). The worker stand-in, like qcluster,
is a process group: a leader and a child it started."""

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.live

LIB = Path(__file__).resolve().parents[2] / "scripts" / "lib.sh"


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
        return True
    except ProcessLookupError:
        return False


def _wait_for(predicate, timeout: float = 10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    return predicate()


class Supervised:
    def __init__(self, tmp: Path):
        self.tmp, self.log = tmp, tmp / "supervise.log"
        script = f"""
            source {LIB}
            WEB_CMD=(bash -c 'echo $$ > {tmp}/web.pid; exec sleep 300')
            WORKER_CMD=(bash -c 'echo $$ >> {tmp}/worker.pids; sleep 300 & exec sleep 301')
            STOP_TIMEOUT=5 supervise
        """
        self.proc = subprocess.Popen(["bash", "-c", script], stderr=self.log.open("wb"), start_new_session=True)

    def workers(self) -> list[int]:
        path = self.tmp / "worker.pids"
        return [int(p) for p in path.read_text().split()] if path.exists() else []

    def web(self) -> int:
        return int(_wait_for(lambda: (self.tmp / "web.pid").exists() and (self.tmp / "web.pid").read_text().strip()))

    def text(self) -> str:
        return self.log.read_text()

    def worker_count(self, n: int, timeout: float = 10) -> list[int]:
        workers = _wait_for(lambda: len(self.workers()) >= n and self.workers(), timeout)
        assert workers and len(workers) >= n, f"worker not started again:\n{self.text()}"
        return workers

    def cleanup(self) -> None:
        for pgid in [self.proc.pid, *self.workers()] + ([self.web()] if (self.tmp / "web.pid").exists() else []):
            try:
                os.killpg(pgid, signal.SIGKILL)
            except ProcessLookupError:
                pass


@pytest.fixture
def supervised(tmp_path):
    started = Supervised(tmp_path)
    yield started
    started.cleanup()


def test_dead_worker_is_restarted_with_back_off_and_web_stays_up(supervised):
    web = supervised.web()
    [first] = supervised.worker_count(1)
    # when: the whole worker group is killed (as the OOM killer or `kill -9 -PGID` would)
    os.killpg(first, signal.SIGKILL)
    # then: it comes back after 1 s; the web server is untouched
    second = supervised.worker_count(2, timeout=5)[-1]
    assert "The worker (qcluster) exited with status 137; starting it again in 1s" in supervised.text()
    # when: only its leader dies, leaving its child behind
    os.kill(second, signal.SIGKILL)
    # then: the orphan goes, and the next start waits twice as long
    third = supervised.worker_count(3, timeout=6)[-1]
    assert not _group_alive(second)
    assert "starting it again in 2s" in supervised.text()
    assert _group_alive(web) and _group_alive(third) and supervised.proc.poll() is None
    # when: SIGTERM (what Ctrl-C forwards)
    supervised.proc.send_signal(signal.SIGTERM)
    # then: both stop cleanly, nothing is left, and the status says so
    assert supervised.proc.wait(timeout=10) == 0, supervised.text()
    assert not _group_alive(web) and not _group_alive(third)
    assert "Stopping web server and worker" in supervised.text()


def test_sigterm_during_back_off_stops_at_once(supervised):
    web = supervised.web()
    [first] = supervised.worker_count(1)
    os.killpg(first, signal.SIGKILL)
    _wait_for(lambda: "starting it again" in supervised.text())
    supervised.proc.send_signal(signal.SIGINT)
    assert supervised.proc.wait(timeout=5) == 0, supervised.text()
    assert not _group_alive(web) and supervised.workers() == [first]


def test_dead_web_server_stops_the_worker_and_fails(supervised):
    web = supervised.web()
    [worker] = supervised.worker_count(1)
    os.killpg(web, signal.SIGKILL)
    assert supervised.proc.wait(timeout=10) != 0
    assert not _group_alive(worker)
    assert "The web server (gunicorn) exited with status 137; stopping the worker" in supervised.text()
