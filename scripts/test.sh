#!/usr/bin/env bash
# Installs what the tests need and runs the whole suite: unit, API, browser (Debian's Chromium via
# Playwright), live tests (a real qcluster against PostgreSQL and Redis on 127.0.0.1) and the object
# storage tests (moto's S3 server on 127.0.0.1, started here).
#
#   bash scripts/test.sh                 # everything
#   bash scripts/test.sh -x -q tests/gallery   # extra arguments go to pytest
#
# Exits with pytest's exit status. Never runs `playwright install`: the browser is /usr/bin/chromium.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

# gettext: compilemessages; chromium: browser tests; fonts-noto-cjk, fonts-dejavu-core: Chinese and
# Latin text in pages and images (Text in images draws with them).
debian_packages gettext chromium fonts-noto-cjk fonts-dejavu-core fonts-dejavu-extra
ensure_venv
pip_requirements requirements-test.txt
# Test settings from here on (manage.py included: base settings need a secret key, tests bring one).
export DJANGO_SETTINGS_MODULE=config.settings.test
compile_messages

# PostgreSQL and Redis run on CI machines; if one has stopped, start it (best effort, quietly).
if command -v pg_ctlcluster >/dev/null 2>&1 && ! (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then
    for version in $(ls /etc/postgresql 2>/dev/null); do
        pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null || true
    done
fi
if command -v redis-server >/dev/null 2>&1 && ! (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; then
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no >/dev/null || true
fi

# The MEDIA_STORAGE=s3 tests (tests/storage) need an S3 protocol server: moto's, on 127.0.0.1 at a
# free port, stopped when this script exits. Without it they start one in-process themselves.
if [[ -z "${STUDIO_TEST_S3_ENDPOINT:-}" && -x "$VENV/bin/moto_server" ]]; then
    s3_port="$("$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    s3_log="$(mktemp -t studio-moto.XXXXXX.log)"
    "$VENV/bin/moto_server" -H 127.0.0.1 -p "$s3_port" >"$s3_log" 2>&1 &
    S3_PID=$!
    trap 'kill "$S3_PID" 2>/dev/null; wait "$S3_PID" 2>/dev/null; rm -f "$s3_log"' EXIT
    for attempt in $(seq 300); do
        (exec 3<>"/dev/tcp/127.0.0.1/$s3_port") 2>/dev/null && break
        if ! kill -0 "$S3_PID" 2>/dev/null || ((attempt == 300)); then
            cat "$s3_log" >&2
            die "moto_server did not start on 127.0.0.1:$s3_port"
        fi
        sleep 0.1
    done
    export STUDIO_TEST_S3_ENDPOINT="http://127.0.0.1:$s3_port"
fi

# Model hubs are unreachable here: fail at once instead of retrying DNS.
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1

set +e
"$VENV/bin/python" -m pytest "$@"
exit $?
