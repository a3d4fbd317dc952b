"""deploy/: the Procfile and the systemd units name the same processes, and each process, started as
the Procfile writes it with the environment of deploy/studio.env.example, does its part against
PostgreSQL + Redis on 127.0.0.1: the web server answers, the default worker runs a crop and the
schedules, the model worker an OCR job, and a worker sent SIGTERM (what systemd's KillMode=mixed
sends) drains: the job it runs finishes, and it takes no new one.

The clusters run with the site's own names ("studio", "gpu"), so this module has its own Redis db."""

import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.live.test_qcluster import ROOT, Stack, make_stack, pg_env, postgres_url, redis_url  # noqa: F401

pytestmark = pytest.mark.live

REDIS_DB = 8  # read by the redis_url fixture
DEPLOY = ROOT / "deploy"
UNITS = {"web": "studio-web.service", "worker": "studio-worker.service", "models": "studio-models.service"}
UNIT_ROOT = "/srv/studio/app"  # the checkout the units run in (WorkingDirectory=)
# What the env file says about machines the test does not have: the test's own database, broker,
# folders and port, on 127.0.0.1, one web process. Everything else is used as written.
MACHINE = ("DATABASE_URL", "REDIS_URL", "DATA_DIR", "MEDIA_ROOT", "ML_WEIGHTS_DIR", "STATIC_ROOT", "HOST", "PORT",
           "WEB_CONCURRENCY")
HOST_NAME = "studio.example.com"  # DJANGO_ALLOWED_HOSTS in the env file


def _procfile() -> dict[str, list[str]]:
    lines = (DEPLOY / "Procfile").read_text().splitlines()
    return {m[1]: shlex.split(m[2]) for m in (re.match(r"^([a-z]+):\s*(.+)$", line) for line in lines) if m}


def _split_env(argv: list[str]) -> tuple[dict[str, str], list[str]]:
    """`NAME=value ... command args` -> ({NAME: value}, [command, args])."""
    env = {}
    while argv and re.match(r"^[A-Z_][A-Z0-9_]*=", argv[0]):
        name, value = argv[0].split("=", 1)
        env[name] = value
        argv = argv[1:]
    return env, argv


def _env_file() -> dict[str, str]:
    env = {}
    for line in (DEPLOY / "studio.env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, value = line.split("=", 1)
            env[name.strip()] = value.strip()
    return env


def _unit(name: str) -> dict[str, list[str]]:
    """The [Service] (and other) keys of a unit file, each with the list of its values."""
    keys: dict[str, list[str]] = {}
    for line in (DEPLOY / "systemd" / name).read_text().splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, value = line.split("=", 1)
            keys.setdefault(key.strip(), []).append(value.strip())
    return keys


def _argv(command: list[str]) -> list[str]:
    """A Procfile command with its `.venv/bin/` programs taken from the virtual environment running
    the tests (the same one when the tests run from the checkout's .venv)."""
    program, *args = command
    if program.startswith(".venv/bin/"):
        program = str(Path(sys.executable).parent / program.removeprefix(".venv/bin/"))
    return [program, *args]


def test_procfile_and_units_run_the_same_commands():
    procfile, env_file = _procfile(), _env_file()
    assert set(procfile) == set(UNITS)
    for process, unit_name in UNITS.items():
        unit = _unit(unit_name)
        env, command = _split_env(procfile[process])
        [workdir] = unit["WorkingDirectory"]
        [exec_start] = unit["ExecStart"]
        assert workdir == UNIT_ROOT
        # the same program (the checkout's venv) and arguments
        assert shlex.split(exec_start.replace(f"{UNIT_ROOT}/", "", 1)) == command, unit_name
        # the same per-process variables, none of them in the shared file (it would win over them)
        unit_env = dict(pair.split("=", 1) for value in unit.get("Environment", []) for pair in shlex.split(value))
        assert unit_env == env, unit_name
        assert not set(env) & set(env_file), f"{unit_name}: {set(env) & set(env_file)} also in studio.env"
        assert unit["EnvironmentFile"] == ["/etc/studio/studio.env"]
        assert unit["Restart"] == ["on-failure"]
        # TERM to the main process only: qcluster's sentinel and workers die at once on their own TERM
        assert unit["KillMode"] == ["mixed"] and unit["KillSignal"] == ["SIGTERM"]
    # a drain may take a whole job
    for name in ("studio-worker.service", "studio-models.service"):
        assert int(_unit(name)["TimeoutStopSec"][0]) > int(env_file["JOB_TIMEOUT_SECONDS"])
    # the default worker keeps the site's cluster name: only that cluster runs the schedules
    assert "Q_CLUSTER_NAME" not in _split_env(procfile["worker"])[0]
    assert _split_env(procfile["models"])[0]["Q_CLUSTER_NAME"] == env_file["MODEL_JOB_CLUSTER"]


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is not installed")
def test_units_pass_systemd_analyze_verify(tmp_path):
    # the units as installed in this checkout (their programs must exist)
    for unit in (DEPLOY / "systemd").iterdir():
        (tmp_path / unit.name).write_text(unit.read_text().replace(UNIT_ROOT, str(ROOT)))
    result = subprocess.run(["systemd-analyze", "verify", *sorted(map(str, tmp_path.iterdir()))],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _deploy_stack(make_stack, pg_env, **env) -> Stack:  # noqa: F811
    """A Stack whose environment is the env file's, with this machine's places, plus env."""
    port = _free_port()
    machine = {"HOST": "127.0.0.1", "PORT": str(port), "WEB_CONCURRENCY": "1", "ML_WEIGHTS_DIR": str(ROOT / "weights")}
    stack = make_stack(**{**_env_file(), **machine, **pg_env, **env})
    stack.env.update(DATA_DIR=str(stack.tmp), MEDIA_ROOT=str(stack.media), STATIC_ROOT=str(stack.tmp / "static"))
    # the Stack's own per-test cluster name and worker count: here the Procfile decides
    for name in ("Q_CLUSTER_NAME", "Q_WORKERS"):
        stack.env.pop(name, None)
    written = _env_file()
    assert {k: v for k, v in stack.env.items() if k in written and k not in MACHINE and k not in env} == {
        k: v for k, v in written.items() if k not in MACHINE and k not in env}
    stack.port = port
    return stack


def _start(stack: Stack, process: str) -> subprocess.Popen:
    env, command = _split_env(_procfile()[process])
    return stack.start(_argv(command), name=process, **env)


def _get(url: str, **headers) -> tuple[int, dict]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def _wait_for(predicate, timeout: float, what: str, stack: Stack):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if value := predicate():
                return value
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{what} within {timeout} s:\n{stack.log_text()}")


def _log(proc: subprocess.Popen) -> str:
    return proc.log_path.read_text(errors="replace")


def _pool_pid(job: dict) -> int:
    """The pid in Job.worker, "<cluster>@<host>:<pid>": the cluster's worker process that ran it."""
    return int(job["worker"].rsplit(":", 1)[1])


def _parent(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def test_procfile_processes_serve_the_site(make_stack, pg_env):  # noqa: F811
    # given: the three Procfile processes, as on a CPU machine (web, worker) and a GPU machine (models)
    stack = _deploy_stack(make_stack, pg_env)
    web, worker, models = (_start(stack, p) for p in ("web", "worker", "models"))
    # when / then: the web server answers /healthz (for the host name of the env file; a monitor
    # with HEALTH_TOKEN sees the details, the worker's check-in among them)
    url = f"http://127.0.0.1:{stack.port}/healthz"
    status, body = _wait_for(lambda: _get(url, Host=HOST_NAME), 60, "gunicorn answering", stack)
    assert (status, body) == (200, {"ok": True}), stack.log_text()
    token = stack.env["HEALTH_TOKEN"]
    details = _wait_for(lambda: (b := _get(url, Host=HOST_NAME, Authorization=f"Bearer {token}")[1])["worker"]
                        .get("seen") and b, 30, "a worker seen by /healthz", stack)
    assert details["database"]["ok"] and details["broker"]["ok"], details
    # a crop runs on the default worker, an OCR job on the model worker
    crop = stack.driver("crop")
    assert crop["status"] == "succeeded", f"{crop}\n{stack.log_text()}"
    assert crop["broker"] == "redis" and crop["database"] == "django.db.backends.postgresql"
    assert crop["worker"].startswith("studio@") and _parent(_parent(_pool_pid(crop))) == worker.pid, crop
    read = stack.driver("ocr", timeout=180)
    assert read["status"] == "succeeded", f"{read}\n{stack.log_text()}"
    assert read["worker"].startswith("gpu@") and _parent(_parent(_pool_pid(read))) == models.pid, read
    assert read["text"] == "Routed to the model workers"
    # the schedules run on the default worker alone: a job left running by a dead worker is reaped
    # (django-q2's scheduler looks every ~30 s), by a task the default cluster made and ran
    stale = stack.driver("stale")
    reaped = stack.driver("wait", stale["id"], "failed", "100")
    assert reaped["error_code"] == "worker_lost", f"{reaped}\n{stack.log_text()}"
    clusters = stack.driver("tasks", "gallery.tasks.jobs_reap_task")["clusters"]
    assert clusters and set(clusters) == {"studio"}, clusters
    assert "from schedule [gallery.jobs_reap]" in _log(worker)
    assert "from schedule" not in _log(models)
    assert web.poll() is None and worker.poll() is None and models.poll() is None, stack.log_text()


def _drain_stack(make_stack, pg_env) -> Stack:  # noqa: F811
    # tests.live.settings: the base settings plus the test.slow job kind
    return _deploy_stack(make_stack, pg_env, DJANGO_SETTINGS_MODULE="tests.live.settings")


def test_sigterm_drains_a_worker(make_stack, pg_env):  # noqa: F811
    # given: the default worker running a slow job
    stack = _drain_stack(make_stack, pg_env)
    worker = _start(stack, "worker")
    slow = stack.driver("slow", "8")
    running = stack.driver("wait", slow["id"], "running", "60")
    assert running["status"] == "running", stack.log_text()
    # when: systemd stops the unit (KillMode=mixed: TERM to the main process only)
    os.kill(worker.pid, signal.SIGTERM)
    # then: it stops taking tasks from the broker (within a second: the pusher's wait on Redis)
    _wait_for(lambda: "stopped pushing tasks" in _log(worker), 10, "the pusher stopping", stack)
    crop = stack.driver("crop", "0")
    # the running job finishes, and the worker exits cleanly after it
    assert worker.wait(timeout=60) == 0, stack.log_text()
    done = stack.driver("get", slow["id"])
    assert done["status"] == "succeeded", f"{done}\n{stack.log_text()}"
    assert done["worker"] == running["worker"]
    # the job submitted meanwhile was not taken: it waits in the queue for another worker
    assert stack.driver("get", crop["id"])["status"] == "queued"
    replacement = _start(stack, "worker")
    ran = stack.driver("wait", crop["id"], "succeeded,failed", "60")
    assert ran["status"] == "succeeded", f"{ran}\n{stack.log_text()}"
    assert _parent(_parent(_pool_pid(ran))) == replacement.pid, ran


def test_sigterm_to_the_whole_group_kills_the_running_job(make_stack, pg_env):  # noqa: F811
    """Why the units say KillMode=mixed: systemd's default sends TERM to every process of the unit,
    and django-q2's sentinel and workers do not drain on it (SIG_DFL, django_q/cluster.py)."""
    stack = _drain_stack(make_stack, pg_env)
    worker = _start(stack, "worker")
    slow = stack.driver("slow", "8")
    running = stack.driver("wait", slow["id"], "running", "60")
    assert running["status"] == "running", stack.log_text()
    pool_pid = _pool_pid(running)
    # when: TERM to every process of the cluster at once
    stack.kill(worker, signal.SIGTERM)
    # then: the process running the job is gone at once, the job unfinished
    _wait_for(lambda: not Path(f"/proc/{pool_pid}").exists() or "Z" in _state(pool_pid), 5,
              "the job's process gone", stack)
    assert stack.driver("get", slow["id"])["status"] == "running"


def _state(pid: int) -> str:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
