"""Gunicorn settings, all from environment variables (scripts/run.sh starts gunicorn with this file):

    gunicorn -c config/gunicorn.conf.py config.wsgi

HOST / PORT        where to listen (127.0.0.1:8000); GUNICORN_BIND overrides both, e.g. "unix:/run/studio.sock"
WEB_CONCURRENCY    worker processes; default 2 x cores + 1, at most 8 (each holds its own Django + Pillow)
GUNICORN_THREADS   threads per worker (default 4): requests mostly wait on the database and the disk
GUNICORN_TIMEOUT   seconds before a stuck worker is restarted (default 120: big uploads are decoded in the request)
GUNICORN_MAX_REQUESTS  recycle a worker after this many requests (default 2000, 0 = never)
GUNICORN_CONTROL_SOCKET  path of gunicorn's control socket (for `gunicornc`); off by default
"""

import multiprocessing
import os
import sys
from pathlib import Path

# gunicorn reads this file before the project is importable (its working directory may be elsewhere)
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core import log_format  # noqa: E402


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "")
    try:
        return int(raw) if raw.strip() else default
    except ValueError as exc:
        raise SystemExit(f"{name} must be an integer, got {raw!r}") from exc


wsgi_app = "config.wsgi:application"

bind = [os.environ.get("GUNICORN_BIND") or f"{os.environ.get('HOST') or '127.0.0.1'}:{_int('PORT', 8000)}"]

workers = _int("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 8))
threads = _int("GUNICORN_THREADS", 4)
# gthread: a thread pool per worker and keep-alive connections (the plain sync worker closes every
# connection and serves one request at a time).
worker_class = "gthread" if threads > 1 else "sync"
timeout = _int("GUNICORN_TIMEOUT", 120)
graceful_timeout = 30
keepalive = 5

# Bounds memory growth (large images pass through Pillow in the web process on upload and download).
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = max_requests // 10

# Headers of a reverse proxy are trusted only from this machine (gunicorn's default, made explicit).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS") or "127.0.0.1,::1"

# Logs to stdout/stderr, so run.sh, systemd or a container runtime collects them.
accesslog = "-"
errorlog = "-"
loglevel = (os.environ.get("LOG_LEVEL") or "info").lower()
# One format, in UTC, for the master and its workers (core/log_format.py).
logconfig_dict = log_format.dict_config(loglevel.upper())
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
proc_name = "studio-web"

# Gunicorn's control socket defaults to one fixed path per user ($HOME/.gunicorn/gunicorn.ctl), which
# two servers on one machine (a second studio, a benchmark) would fight over: only on request.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not control_socket
