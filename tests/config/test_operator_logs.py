"""Operators' logs: English whatever the users' language, and UTC in every line (web master, web
workers and job workers), whatever TIME_ZONE the pages show."""

import logging
import os
import runpy
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from core.log_format import UtcFormatter

ROOT = Path(__file__).resolve().parents[2]


def _record(created: float) -> logging.LogRecord:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello", None, None)
    record.created, record.msecs = created, 0
    return record


def test_log_lines_are_in_utc_even_when_the_process_runs_in_shanghai_time(monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        line = UtcFormatter().format(_record(0.0))
    finally:
        monkeypatch.undo()
        time.tzset()
    assert line.startswith("1970-01-01T00:00:00.000Z ") and line.endswith("x: hello")


def test_django_and_gunicorn_both_log_with_the_utc_format():
    assert settings.LOGGING["formatters"]["utc"]["()"] == "core.log_format.UtcFormatter"
    assert settings.LOGGING["handlers"]["console"]["formatter"] == "utc"
    conf = runpy.run_path(str(ROOT / "config" / "gunicorn.conf.py"))
    logconfig = conf["logconfig_dict"]
    assert logconfig["formatters"]["utc"]["()"] == "core.log_format.UtcFormatter"
    for name in ("gunicorn.error", "gunicorn.access"):
        handler = logconfig["loggers"][name]["handlers"][0]
        assert logconfig["handlers"][handler]["formatter"] == "utc"


@pytest.mark.django_db
def test_the_worker_logs_in_english_and_utc(tmp_path):
    """A real `manage.py qcluster` (SQLite, ORM broker) for a few seconds: django-q2's own lines are
    translated, and used to come out as "Q 集群 … 正在启动"."""
    assert settings.LANGUAGE_CODE == "zh-hans"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.base", "DATA_DIR": str(tmp_path),
           "DJANGO_SECRET_KEY": "operator-logs-test-" + "k" * 40, "REDIS_URL": "", "DATABASE_URL": "",
           "TZ": "UTC"}
    for command in (["migrate", "-v", "0"], ["createcachetable"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True,
                       capture_output=True, timeout=300)
    proc = subprocess.Popen([sys.executable, "manage.py", "qcluster"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        lines = []
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "running." in line:
                break
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=30)
    text = "".join(lines)
    assert "Q Cluster" in text and "starting." in text, text
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in text), text
    cluster_lines = [l for l in lines if "django-q:" in l]
    assert cluster_lines and all(l[:24].endswith("Z") and l[10] == "T" for l in cluster_lines), text
