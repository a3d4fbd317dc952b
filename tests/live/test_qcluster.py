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
def redis_url(request):
    """An empty Redis db for the module: its own REDIS_DB when it sets one (tests/live/test_deploy.py
    runs clusters with the site's fixed names, which must not meet this module's)."""
    if not _reachable(REDIS):
        pytest.skip(f"Redis is not reachable at {REDIS[0]}:{REDIS[1]}")
    import redis

    url = f"redis://{REDIS[0]}:{REDIS[1]}/{getattr(request.module, 'REDIS_DB', REDIS_DB)}"
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
            # Fixed and long: the base settings refuse to start without one when DEBUG is off.
            "DJANGO_SECRET_KEY": "live-tests-only-0b6f1c2e9d4a4f7e8c3b5a6d7e8f9a0b1c2d3e4f",
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

    def start_cluster(self, **env) -> subprocess.Popen:
        return self.start([sys.executable, "manage.py", "qcluster"], name="qcluster", **env)

    def start(self, argv: list[str], *, name: str, **env) -> subprocess.Popen:
        """Starts argv in ROOT with this stack's environment plus env, in its own process group, its
        output in <name>-<n>.log (log_path)."""
        log = self.tmp / f"{name}-{len(self.logs)}.log"
        self.logs.append(log)
        proc = subprocess.Popen(
            argv, cwd=ROOT, env={**self.env, **env}, stdout=log.open("wb"), stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        proc.log_path = log
        self.processes.append(proc)
        time.sleep(0.5)
        assert proc.poll() is None, f"{name} exited at once:\n{self.log_text()}"
        return proc

    def driver(self, *args: str, timeout: float = 120) -> dict:
        result = subprocess.run([sys.executable, str(DRIVER), *args], cwd=ROOT, env=self.env, capture_output=True,
                                text=True, timeout=timeout)
        assert result.returncode == 0, f"driver {args} failed:\n{result.stdout}\n{result.stderr}\n{self.log_text()}"
        return json.loads(result.stdout.strip().splitlines()[-1])

    def driver_session(self) -> "DriverSession":
        return DriverSession(self)

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


class DriverSession:
    """One long-lived `driver.py serve`: many reads a second, without a Django start-up each."""

    def __init__(self, stack: Stack):
        self.stack = stack
        self.log = stack.tmp / f"driver-{len(stack.logs)}.log"
        stack.logs.append(self.log)
        self.proc = subprocess.Popen([sys.executable, str(DRIVER), "serve"], cwd=ROOT, env=stack.env, text=True,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log.open("wb"),
                                     start_new_session=True)
        stack.processes.append(self.proc)

    def call(self, *args) -> dict:
        self.proc.stdin.write(json.dumps([str(a) for a in args]) + "\n")
        self.proc.stdin.flush()
        while line := self.proc.stdout.readline():
            if line.startswith("@@ "):
                return json.loads(line[3:])
        raise AssertionError(f"driver {args} died:\n{self.stack.log_text()}")


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
    """The default set-up (SQLite + ORM broker), with a cluster running for this module's tests. Its
    cluster has the site's default name: django-q2 runs the schedules only in a cluster named like the
    site (the broker is this stack's own database, so the name meets no other test's)."""
    stack = Stack(tmp_path_factory.mktemp("sqlite"), Q_CLUSTER_NAME="studio")
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


def test_model_jobs_run_on_the_model_cluster_and_the_rest_on_the_default_one(make_stack, pg_env):
    # given: the two-machine set-up on one machine: a default cluster, and a model cluster run as on a
    # GPU machine (ML_DEVICE=cuda; this one has no GPU, so its engines fall back to the CPU)
    models = f"models-{uuid.uuid4().hex[:8]}"
    stack = make_stack(MODEL_JOB_CLUSTER=models, **pg_env)
    default = stack.env["Q_CLUSTER_NAME"]
    stack.start_cluster()
    stack.start_cluster(Q_CLUSTER_NAME=models, ML_DEVICE="cuda")
    # when: another process submits a crop and an OCR job
    crop = stack.driver("crop")
    read = stack.driver("ocr", timeout=180)
    # then: each ran on the cluster its kind names, and the OCR job read its line
    _assert_crop_succeeded(stack, crop)
    assert crop["worker"].startswith(f"{default}@"), crop
    assert read["status"] == "succeeded", f"{read}\n{stack.log_text()}"
    assert read["worker"].startswith(f"{models}@"), read
    assert read["text"] == "Routed to the model workers"
    assert "PP-OCR: cuda was asked for" in stack.log_text() or _has_gpu()


def _has_gpu() -> bool:
    import torch

    return torch.cuda.is_available()


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


# --- Worker-kill soak ----------------------------------------------------------------------------

SOAK = {"jobs": 36, "seconds": 1.0, "kills": 10, "stale": 4, "heartbeat": 1, "redispatch": 4}
# What a job may wait beyond JOB_STALE_SECONDS: a heartbeat period, the driver's poll and slack
# for two shared CPU cores.
SOAK_MARGIN_S = 4


def _runs(stack: Stack) -> dict[str, list[tuple[int, int]]]:
    """job id -> the (pid, process group) of each run of its handler."""
    runs: dict[str, list[tuple[int, int]]] = {}
    path = stack.tmp / "runs.log"
    for line in path.read_text().splitlines() if path.exists() else []:
        job_id, pid, pgid = line.split()
        runs.setdefault(job_id, []).append((int(pid), int(pgid)))
    return runs


def _soak(stack: Stack) -> dict:
    """Submits SOAK["jobs"] one-second jobs to a 2-worker cluster and SIGKILLs, while a job runs,
    alternately the whole cluster (then starts a new one, as scripts/run.sh does) and the one worker
    process running that job. Returns what happened, for the checks and the report."""
    started = time.monotonic()
    cluster = stack.start_cluster()
    session = stack.driver_session()
    ids = session.call("soak_submit", SOAK["jobs"], SOAK["seconds"])["ids"]
    kills: list[dict] = []  # at (epoch), what, pids or pgid killed
    deadline = time.monotonic() + 150
    while len(kills) < SOAK["kills"] and time.monotonic() < deadline:
        state = session.call("soak_state")
        runs = _runs(stack)
        # a job in its handler for a moment already, run by the current cluster
        victims = [j for j in state["jobs"] if j["status"] == "running" and j["started_at"]
                   and state["now"] - j["started_at"] > 0.3 and runs.get(j["id"], [(0, 0)])[-1][1] == cluster.pid]
        if not victims:
            if not any(j["status"] in ("queued", "running") for j in state["jobs"]):
                break
            time.sleep(0.1)
            continue
        if len(kills) % 2 == 0:
            kills.append({"at": time.time(), "what": "cluster", "pgid": cluster.pid})
            stack.kill(cluster)
            cluster.wait(timeout=10)
            cluster = stack.start_cluster()
        else:
            pid = runs[victims[0]["id"]][-1][0]
            kills.append({"at": time.time(), "what": "worker", "pid": pid})
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                kills.pop()  # it finished meanwhile
        time.sleep(0.2)
    # every job must end: at worst a stale window after the last kill, plus the work left
    settle = time.monotonic() + SOAK["stale"] + SOAK_MARGIN_S + SOAK["jobs"] * SOAK["seconds"] / 2 + 20
    while time.monotonic() < settle:
        state = session.call("soak_state")
        if not any(j["status"] in ("queued", "running") for j in state["jobs"]):
            break
        time.sleep(0.2)
    return {"ids": ids, "kills": kills, "jobs": state["jobs"], "runs": _runs(stack),
            "seconds": time.monotonic() - started}


def _check_soak(stack: Stack, soak: dict) -> dict:
    jobs, runs, kills = {j["id"]: j for j in soak["jobs"]}, soak["runs"], soak["kills"]
    where = f"\nkills: {kills}\n{stack.log_text()}"
    assert sorted(jobs) == sorted(soak["ids"])
    window = SOAK["stale"] + SOAK_MARGIN_S
    stuck = [j for j in jobs.values() if j["status"] not in ("succeeded", "failed")]
    assert not stuck, f"{len(stuck)} jobs never ended: {stuck}{where}"
    assert len(kills) >= SOAK["kills"], f"only {len(kills)} kills: too few jobs were running{where}"

    def killed_by(run) -> dict | None:
        pid, pgid = run
        return next((k for k in kills if k.get("pid") == pid or k.get("pgid") == pgid), None)

    for job_id, job in jobs.items():
        job_runs = runs.get(job_id, [])
        # none twice: one run at most, and one output for a success, none for a failure
        assert len(job_runs) <= 1, f"job {job_id} ran {len(job_runs)} times: {job_runs}{where}"
        if job["status"] == "succeeded":
            assert len(job_runs) == 1 and job["outputs"] == 1, f"{job}{where}"
        else:
            # failed only because its worker was killed under it, and said so within the window
            assert job["error_code"] == "worker_lost" and job["outputs"] == 0, f"{job}{where}"
            kill = killed_by(job_runs[0]) if job_runs else None
            assert kill is not None, f"job {job_id} failed but its worker was not killed: {job}{where}"
            assert job["finished_at"] - kill["at"] <= window, f"{job} reported late after {kill}{where}"
    # after a cluster was killed, the queued jobs it had taken (Redis: lost for good; ORM broker:
    # back only after `retry`) must not wait: the next job starts within the window
    starts = sorted(j["started_at"] for j in jobs.values() if j["started_at"])
    waits = []
    for kill in (k for k in kills if k["what"] == "cluster"):
        queued = [j for j in jobs.values() if j["queued_at"] < kill["at"]
                  and (j["started_at"] or float("inf")) > kill["at"]]
        if queued:
            waits.append(next(s for s in starts if s > kill["at"]) - kill["at"])
    assert waits and max(waits) <= window, f"queued jobs waited {waits} s after a crash{where}"
    return {
        "kills": len(kills), "cluster_kills": sum(k["what"] == "cluster" for k in kills),
        "worker_lost": sum(j["status"] == "failed" for j in jobs.values()),
        "succeeded": sum(j["status"] == "succeeded" for j in jobs.values()),
        "longest_wait_after_crash_s": round(max(waits), 2), "soak_s": round(soak["seconds"], 1),
    }


def _soak_env(**env) -> dict:
    return {"DJANGO_SETTINGS_MODULE": "tests.live.settings", "Q_WORKERS": "2",
            "JOB_STALE_SECONDS": str(SOAK["stale"]), "JOB_HEARTBEAT_SECONDS": str(SOAK["heartbeat"]),
            "JOB_REDISPATCH_SECONDS": str(SOAK["redispatch"]), "JOB_MAX_ACTIVE_PER_USER": "100",
            "JOB_TIMEOUT_SECONDS": "30", **env}


def test_worker_kill_soak_on_postgres_and_redis(make_stack, pg_env):
    # given: PostgreSQL + Redis, where a killed cluster's prefetched tasks are gone for good
    stack = make_stack(**_soak_env(**pg_env))
    # when: ten kills, half of the whole cluster, half of one worker, each while a job runs
    figures = _check_soak(stack, _soak(stack))
    # then (checked above): every job ended, once, in time
    print(f"\nsoak postgres+redis: {figures}")


def test_worker_kill_soak_on_sqlite_and_orm_broker(make_stack):
    stack = make_stack(**_soak_env())
    stack.prepare()
    figures = _check_soak(stack, _soak(stack))
    print(f"\nsoak sqlite+orm: {figures}")
