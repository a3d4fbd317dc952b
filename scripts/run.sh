#!/usr/bin/env bash
# Sets up and starts the studio on this machine: the web server (gunicorn) and one job worker
# (django-q2 `qcluster`), together. Ctrl-C (or SIGTERM) stops both. A worker that dies is started
# again after a pause (1 s, doubling up to 60 s) while the web server stays up; if the web server
# dies, the worker is stopped too and the script exits non-zero (see `supervise` in lib.sh).
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
debian_packages gettext fonts-noto-cjk fonts-dejavu-core fonts-dejavu-extra
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
WEB_CMD=("$VENV/bin/gunicorn" -c config/gunicorn.conf.py)
WORKER_CMD=("$PY" manage.py qcluster)

url_host="$HOST"
[[ "$url_host" == "0.0.0.0" || "$url_host" == "::" ]] && url_host="$(hostname -f 2>/dev/null || hostname)"
[[ "$url_host" == *:* ]] && url_host="[$url_host]"
cat >&2 <<EOF

  Image Studio is starting: http://$url_host:$PORT/
  Health:  http://$url_host:$PORT/healthz     API docs: http://$url_host:$PORT/api/v1/docs/
  Create an admin account (in another terminal):  $VENV/bin/python manage.py createsuperuser
  Stop with Ctrl-C.

EOF

rc=0
supervise || rc=$?
exit "$rc"
