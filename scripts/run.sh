#!/usr/bin/env bash
# Sets up and starts the studio on this machine: the web server (gunicorn) and one job worker
# (django-q2 `qcluster`), together. Ctrl-C (or SIGTERM) stops both; if either dies, the other is
# stopped too and the script exits non-zero.
#
#   bash scripts/run.sh                      # http://127.0.0.1:8000/, data in ./var
#   HOST=0.0.0.0 PORT=8080 DATA_DIR=/srv/studio bash scripts/run.sh
#
# Safe to run again: every set-up step is skipped or a no-op when already done. Configuration comes
# from the environment and from ./.env if it exists (see .env.example); with nothing set it uses
# SQLite and the database as job broker. Set DATABASE_URL / REDIS_URL for PostgreSQL / Redis.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

load_dotenv "$ROOT/.env"
export HOST="${HOST:-127.0.0.1}" PORT="${PORT:-8000}"
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-config.settings.base}"
[[ "$DJANGO_SETTINGS_MODULE" == *.test ]] && die "DJANGO_SETTINGS_MODULE=$DJANGO_SETTINGS_MODULE is for tests only"

# --- Set up (idempotent) -------------------------------------------------------------------------
# gettext: compilemessages; fonts: the faces Text in images draws with (Noto Sans/Serif CJK, DejaVu).
debian_packages gettext fonts-noto-cjk fonts-dejavu-core
ensure_venv
pip_requirements requirements.txt
PY="$VENV/bin/python"

# SQLite and uploads live under DATA_DIR (default ./var); it must exist before the first query.
mkdir -p "${DATA_DIR:-$ROOT/var}"
[[ -n "${MEDIA_ROOT:-}" ]] && mkdir -p "$MEDIA_ROOT"

# This installation's own secret key, made once and kept private (the settings refuse to start
# without one rather than fall back to a public key).
KEY_FILE="${DATA_DIR:-$ROOT/var}/secret_key"
if [[ -z "${DJANGO_SECRET_KEY:-}" && -z "${DJANGO_SECRET_KEY_FILE:-}" && ! -s "$KEY_FILE" ]]; then
    say "Creating a secret key in $KEY_FILE"
    (umask 077 && "$PY" -c 'import secrets; print(secrets.token_urlsafe(50))' > "$KEY_FILE.tmp" && mv "$KEY_FILE.tmp" "$KEY_FILE")
fi

say "Preparing translations, database, cache table and static files"
compile_messages
"$PY" manage.py migrate --noinput -v 0
"$PY" manage.py createcachetable
"$PY" manage.py collectstatic --noinput -v 0

# --- Run -----------------------------------------------------------------------------------------
WEB_PID="" WORKER_PID="" STOPPING=0

stop_all() {
    STOPPING=1
    local pid
    for pid in $WEB_PID $WORKER_PID; do
        kill -TERM "$pid" 2>/dev/null || true
    done
}
trap stop_all INT TERM
# Whatever happens to this script, leave nothing running.
trap 'stop_all; for p in $WEB_PID $WORKER_PID; do kill -KILL -- "-$p" 2>/dev/null || true; done' EXIT

# Each in its own session/process group: the terminal's Ctrl-C reaches only this script, which
# forwards one clean SIGTERM to each (gunicorn and qcluster both shut down gracefully on TERM).
setsid "$VENV/bin/gunicorn" -c config/gunicorn.conf.py &
WEB_PID=$!
setsid "$PY" manage.py qcluster &
WORKER_PID=$!

url_host="$HOST"
[[ "$url_host" == "0.0.0.0" || "$url_host" == "::" ]] && url_host="$(hostname -f 2>/dev/null || hostname)"
[[ "$url_host" == *:* ]] && url_host="[$url_host]"
cat >&2 <<EOF

  Image Studio is starting: http://$url_host:$PORT/
  Health:  http://$url_host:$PORT/healthz     API docs: http://$url_host:$PORT/api/v1/docs/
  Create an admin account (in another terminal):  $VENV/bin/python manage.py createsuperuser
  Stop with Ctrl-C.

EOF

set +e
wait -n "$WEB_PID" "$WORKER_PID"
rc=$?
if [[ $STOPPING -eq 0 ]]; then
    if ! kill -0 "$WEB_PID" 2>/dev/null; then who="web server (gunicorn)"; else who="worker (qcluster)"; fi
    say "The $who exited with status $rc; stopping the other process"
    [[ $rc -eq 0 ]] && rc=1
    stop_all
else
    say "Stopping web server and worker"
    rc=0
fi

# Give both up to STOP_TIMEOUT seconds (a running job gets the time to finish), then kill what is
# left. A process group that outlives its leader (worker processes of a killed qcluster) gets TERM.
alive() { kill -0 -- "-$1" 2>/dev/null; }
deadline=$((SECONDS + ${STOP_TIMEOUT:-60}))
while alive "$WEB_PID" || alive "$WORKER_PID"; do
    for pid in $WEB_PID $WORKER_PID; do
        if alive "$pid" && ! kill -0 "$pid" 2>/dev/null; then kill -TERM -- "-$pid" 2>/dev/null; fi
    done
    if ((SECONDS >= deadline)); then
        say "Still running after ${STOP_TIMEOUT:-60}s: killing"
        kill -KILL -- "-$WEB_PID" "-$WORKER_PID" 2>/dev/null
        break
    fi
    sleep 0.2
done
wait 2>/dev/null
WEB_PID="" WORKER_PID=""  # both reaped: nothing left for the EXIT trap
exit "$rc"
