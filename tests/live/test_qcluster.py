"""A real `manage.py qcluster` runs jobs submitted by another process: against PostgreSQL + Redis
(the production set-up) and against SQLite + the ORM broker (the default one).

Each test gets a fresh database (PostgreSQL: a new `studio_live_*` database, dropped afterwards;
SQLite: a file in a tmp dir), its own Redis db number (flushed), its own media folder and cluster
name. Every subprocess runs in its own process group and is killed at teardown."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.live

ROOT = Path(__file__).resolve().parents[2]
DRIVER = ROOT / "tests" / "live" / "driver.py"
PG = ("127.0.0.1", 5432)
REDIS = ("127.0.0.1", 6379)
REDIS_DB = 7
WORKER_LOST = "The worker running this job stopped before it finished. Please try again."


def _reachable(address) -> bool:
    try:
        with socket.create_connection(address, timeout=1):
            return True
    except OSError:
        return False


def _pg_connect():
    import psycopg

    last = None
    for user in ("postgres", "root"):
        try:
            return psycopg.connect(host=PG[0], port=PG[1], user=user, dbname="postgres", autocommit=True,
                                   connect_timeout=3), user
        except psycopg.Error as exc:
            last = exc
    pytest.skip(f"PostgreSQL at {PG[0]}:{PG[1]} refused users postgres and root: {last}")


@pytest.fixture(scope="module")
def postgres_url():
    if not _reachable(PG):
        pytest.skip(f"PostgreSQL is not reachable at {PG[0]}:{PG[1]}")
    conn, user = _pg_connect()
    name = f"studio_live_{uuid.uuid4().hex[:10]}"
    conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgres://{user}@{PG[0]}:{PG[1]}/{name}"
    finally:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.close()


@pytest.fixture(scope="module")
def redis_url():
    if not _reachable(REDIS):
        pytest.skip(f"Redis is not reachable at {REDIS[0]}:{REDIS[1]}")
    import redis

    url = f"redis://{REDIS[0]}:{REDIS[1]}/{REDIS_DB}"
    client = redis.Redis.from_url(url)
    client.flushdb()
    try:
        yield url
    finally:
        client.flushdb()
        client.close()


class Stack:
    """The environment shared by the cluster and the driver, and the processes started in it."""

    def __init__(self, tmp_path: Path, **env):
        self.tmp = tmp_path
        self.media = tmp_path / "media"
        self.media.mkdir(parents=True, exist_ok=True)
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_", "DATABASE_URL",
                                                                          "REDIS_URL"))},
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "DATA_DIR": str(tmp_path),
            "MEDIA_ROOT": str(self.media),
            "Q_CLUSTER_NAME": f"live-{uuid.uuid4().hex[:8]}",
            "Q_WORKERS": "1",
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
            **env,
        }
        self.processes: list[subprocess.Popen] = []
        self.logs: list[Path] = []

    def manage(self, *args: str, timeout: float = 180) -> str:
        result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True,
                                text=True, timeout=timeout)
        assert result.returncode == 0, f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
        return result.stdout

    def prepare(self) -> None:
        self.manage("migrate", "--noinput", "-v", "0")
        self.manage("createcachetable")

    def start_cluster(self) -> subprocess.Popen:
        log = self.tmp / f"qcluster-{len(self.logs)}.log"
        self.logs.append(log)
        proc = subprocess.Popen(
            [sys.executable, "manage.py", "qcluster"], cwd=ROOT, env=self.env, stdout=log.open("wb"),
            stderr=subprocess.STDOUT, start_new_session=True,
        )
        self.processes.append(proc)
        time.sleep(0.5)
        assert proc.poll() is None, f"qcluster exited at once:\n{self.log_text()}"
        return proc

    def driver(self, *args: str, timeout: float = 120) -> dict:
        result = subprocess.run([sys.executable, str(DRIVER), *args], cwd=ROOT, env=self.env, capture_output=True,
                                text=True, timeout=timeout)
        assert result.returncode == 0, f"driver {args} failed:\n{result.stdout}\n{result.stderr}\n{self.log_text()}"
        return json.loads(result.stdout.strip().splitlines()[-1])

    def log_text(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-4000:]}" for p in self.logs if p.exists())

    @staticmethod
    def kill(proc: subprocess.Popen, sig=signal.SIGKILL) -> None:
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass

    def stop_all(self) -> None:
        for proc in self.processes:
            if proc.poll() is None:
                self.kill(proc, signal.SIGTERM)
        deadline = time.monotonic() + 1.5
        for proc in self.processes:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
            self.kill(proc, signal.SIGKILL)  # the whole group: workers and monitor too
            proc.wait(timeout=10)


@pytest.fixture(scope="module")
def pg_env(postgres_url, redis_url, tmp_path_factory):
    """PostgreSQL + Redis, migrated once for this module's tests."""
    Stack(tmp_path_factory.mktemp("pg-migrate"), DATABASE_URL=postgres_url, REDIS_URL=redis_url).prepare()
    return {"DATABASE_URL": postgres_url, "REDIS_URL": redis_url}


@pytest.fixture
def make_stack(tmp_path):
    stacks: list[Stack] = []

    def make(**env) -> Stack:
        stack = Stack(tmp_path / f"stack-{len(stacks)}", **env)
        stacks.append(stack)
        return stack

    yield make
    for stack in stacks:
        stack.stop_all()


@pytest.fixture(scope="module")
def sqlite_stack(tmp_path_factory):
    """The default set-up (SQLite + ORM broker), with a cluster running for this module's tests."""
    stack = Stack(tmp_path_factory.mktemp("sqlite"))
    try:
        stack.prepare()
        stack.start_cluster()
        yield stack
    finally:
        stack.stop_all()


def _assert_crop_succeeded(stack: Stack, result: dict) -> None:
    assert result["status"] == "succeeded", f"{result}\n{stack.log_text()}"
    assert result["task_id"]
    [output] = result["outputs"]
    assert output["size"] == [32, 24]
    assert output["format"] == "PNG"
    path = Path(output["path"])
    assert path.is_file() and stack.media in path.parents
    from PIL import Image

    with Image.open(path) as image:
        assert image.size == (32, 24)
    assert result["queue_wait_s"] is not None and result["queue_wait_s"] >= 0


def test_qcluster_runs_crop_job_on_postgres_and_redis(make_stack, pg_env):
    # given: a migrated PostgreSQL database, an empty Redis db, a running cluster
    stack = make_stack(**pg_env)
    stack.start_cluster()
    # when: another process submits a crop job (enqueued to Redis on commit)
    result = stack.driver("crop")
    # then
    assert result["database"] == "django.db.backends.postgresql"
    assert result["broker"] == "redis"
    _assert_crop_succeeded(stack, result)


def test_qcluster_killed_mid_job_is_reported_dead(make_stack, pg_env):
    # given: a cluster with a slow test handler, whose heartbeat is every second, where 3 s of
    # silence means dead
    stack = make_stack(DJANGO_SETTINGS_MODULE="tests.live.settings", JOB_HEARTBEAT_SECONDS="1",
                       JOB_STALE_SECONDS="3", **pg_env)
    cluster = stack.start_cluster()
    job = stack.driver("slow", "120")
    running = stack.driver("wait", job["id"], "running", "60")
    assert running["status"] == "running", stack.log_text()
    # when: the machine loses the worker (SIGKILL to the whole cluster: no clean-up, no hook)
    stack.kill(cluster)
    cluster.wait(timeout=10)
    # then: nothing else notices; the row still says running
    assert stack.driver("get", job["id"])["status"] == "running"
    # and once the heartbeat is older than JOB_STALE_SECONDS, the next read of the job (what a page
    # or API GET does) finds it dead and says so
    time.sleep(4)
    dead = stack.driver("liveness", job["id"])
    assert dead["status"] == "failed"
    assert dead["error_code"] == "worker_lost"
    assert dead["error_message"] == WORKER_LOST


def test_qcluster_runs_crop_job_on_sqlite_and_orm_broker(sqlite_stack):
    # given: the default set-up, nothing configured (see sqlite_stack)
    # when
    result = sqlite_stack.driver("crop")
    # then
    assert result["database"] == "django.db.backends.sqlite3"
    assert result["broker"] == "orm"
    _assert_crop_succeeded(sqlite_stack, result)
    assert (sqlite_stack.tmp / "db.sqlite3").is_file()


def test_qcluster_scheduler_reaps_stale_job(sqlite_stack):
    # given: a job left "running" by a worker that died long ago
    job = sqlite_stack.driver("stale")
    assert job["status"] == "running"
    # when: the cluster's scheduler runs gallery.jobs_reap (django-q2 looks at schedules every ~30 s)
    reaped = sqlite_stack.driver("wait", job["id"], "failed", "100")
    # then
    assert reaped["status"] == "failed", sqlite_stack.log_text()
    assert reaped["error_code"] == "worker_lost"
    assert reaped["error_message"] == WORKER_LOST
