# Shared helpers of scripts/run.sh and scripts/test.sh (sourced, not run).
# Targets a fresh Debian 12 with Python 3.11; every step is idempotent and quick when already done.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PYTHON="${PYTHON:-}"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Installs the Debian packages given as arguments that are not installed yet. Runs `apt-get update`
# only when something must be installed, and sudo only when not root.
debian_packages() {
    local missing=() pkg
    if ! command -v dpkg-query >/dev/null 2>&1; then
        say "Not a Debian system: make sure these are installed: $*"
        return 0
    fi
    for pkg in "$@"; do
        if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
            missing+=("$pkg")
        fi
    done
    [[ ${#missing[@]} -eq 0 ]] && return 0
    local sudo=()
    if [[ $(id -u) -ne 0 ]]; then
        command -v sudo >/dev/null 2>&1 || die "need root or sudo to install: ${missing[*]}"
        sudo=(sudo)
    fi
    say "Installing Debian packages: ${missing[*]}"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# Picks the interpreter for a new virtual environment: python3.11 if present, else python3 (>= 3.10).
_base_python() {
    local candidate
    for candidate in ${PYTHON:-python3.11 python3}; do
        if command -v "$candidate" >/dev/null 2>&1 \
            && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
            echo "$candidate"
            return 0
        fi
    done
    die "Python 3.10+ (3.11 on Debian 12) is needed: apt-get install python3"
}

_remove_broken_venv() {
    if [[ -e "$VENV" ]]; then
        [[ -f "$VENV/pyvenv.cfg" || -z "$(ls -A "$VENV")" ]] || die "$VENV exists but is not a virtual environment"
        rm -rf "$VENV"
    fi
}

# Creates .venv when missing (installing Debian's python3-venv first if venv cannot work without it).
ensure_venv() {
    if [[ -x "$VENV/bin/python" ]] && "$VENV/bin/python" -c 'import sys' 2>/dev/null; then
        return 0
    fi
    local base
    base="$(_base_python)"
    if ! "$base" -c 'import ensurepip, venv' 2>/dev/null; then
        debian_packages python3-venv
    fi
    say "Creating virtual environment $VENV"
    _remove_broken_venv
    if ! "$base" -m venv "$VENV"; then
        # Debian ships ensurepip's wheels in python3-venv: without it venv fails half-way.
        _remove_broken_venv
        debian_packages python3-venv
        "$base" -m venv "$VENV"
    fi
}

# pip-installs a requirements file into .venv unless exactly this content (with the files it includes
# by -r) was installed before by this function: a re-run costs a checksum, not a pip resolve.
pip_requirements() {
    local req="$1" stamp sum files=("$ROOT/$1") inc
    while read -r inc; do
        files+=("$ROOT/$inc")
    done < <(sed -n 's/^[[:space:]]*-r[[:space:]]*\([^[:space:]#]*\).*/\1/p' "$ROOT/$req")
    stamp="$VENV/.installed-$(basename "$req").sha256"
    sum="$(cat "${files[@]}" | sha256sum | cut -d' ' -f1) $("$VENV/bin/python" -V 2>&1)"
    if [[ -f "$stamp" && "$(cat "$stamp")" == "$sum" ]]; then
        return 0
    fi
    say "Installing Python packages from $req"
    "$VENV/bin/python" -m pip install --disable-pip-version-check -q -r "$ROOT/$req"
    # rapidocr-onnxruntime pulls opencv-python, easyocr opencv-python-headless; both own cv2/ and
    # removing either deletes it. Keep only the headless build (see requirements.txt).
    if "$VENV/bin/python" -m pip show -q opencv-python >/dev/null 2>&1; then
        local headless
        headless="$(sed -n 's/^opencv-python-headless==\([^[:space:]#]*\).*/\1/p' "$ROOT/requirements.txt")"
        "$VENV/bin/python" -m pip uninstall --disable-pip-version-check -q -y opencv-python
        "$VENV/bin/python" -m pip install --disable-pip-version-check -q --force-reinstall --no-deps \
            "opencv-python-headless${headless:+==$headless}"
    fi
    echo "$sum" >"$stamp"
}

# Compiles the project's .po catalogues into .mo (needs Debian's gettext). The virtual environment
# and build output are skipped: their packages ship compiled catalogues of their own.
compile_messages() {
    local ignore=(.venv staticfiles var node_modules .git)
    if [[ -z "$(cd "$ROOT" && find . \( -name .venv -o -name node_modules -o -name .git \) -prune \
            -o -name '*.po' -print -quit)" ]]; then
        return 0  # no catalogue yet (compilemessages would fail on a checkout without locale/)
    fi
    (cd "$ROOT" && "$VENV/bin/python" manage.py compilemessages -v 0 "${ignore[@]/#/--ignore=}")
}

# Reads KEY=VALUE lines of a .env file into the environment. Variables already set win; empty values
# are skipped (an empty value means "use the default"); surrounding quotes are removed.
load_dotenv() {
    local file="$1" line key value
    [[ -f "$file" ]] || return 0
    while IFS= read -r line || [[ -n "$line" ]]; do
        line="${line#"${line%%[![:space:]]*}"}"
        [[ -z "$line" || "$line" == \#* ]] && continue
        line="${line#export }"
        [[ "$line" == *=* ]] || continue
        key="${line%%=*}"
        value="${line#*=}"
        [[ "$key" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || continue
        if [[ "$value" =~ ^\"(.*)\"$ || "$value" =~ ^\'(.*)\'$ ]]; then
            value="${BASH_REMATCH[1]}"
        fi
        [[ -z "$value" || -n "${!key+x}" ]] && continue
        export "$key=$value"
    done <"$file"
}

# Runs the web server (the command in the array WEB_CMD) and the job worker (WORKER_CMD) until
# Ctrl-C or SIGTERM, each in its own session and process group: the terminal's Ctrl-C reaches only
# this shell, which forwards one clean SIGTERM to each (gunicorn and qcluster both shut down
# gracefully on TERM) and gives them STOP_TIMEOUT seconds (default 60: a running job gets the time
# to finish) before killing what is left.
# A worker that exits is started again after a pause (1 s, doubling up to 60 s; back to 1 s once one
# has run for WORKER_STABLE_SECONDS, default 300), while the web server goes on serving: jobs wait
# in the database meanwhile, and the new cluster sends again the ones the dead one had taken. If the
# web server exits, the worker is stopped too and this returns non-zero. Returns 0 after a signal.
supervise() {
    SUP_WEB="" SUP_WORKER="" SUP_PAUSE="" SUP_STOPPING=0
    local delay=1 rc=0 status done_pid pid
    trap _supervise_stop INT TERM
    # Whatever happens to this shell, leave nothing running.
    trap '_supervise_stop; for p in $SUP_WEB $SUP_WORKER; do kill -KILL -- "-$p" 2>/dev/null || true; done' EXIT
    setsid "${WEB_CMD[@]}" &
    SUP_WEB=$!
    _supervise_start_worker
    set +e
    while ((SUP_STOPPING == 0)); do
        done_pid=""
        wait -n -p done_pid $SUP_WEB $SUP_WORKER $SUP_PAUSE
        status=$?
        ((SUP_STOPPING)) && break
        if [[ "$done_pid" == "$SUP_WEB" ]]; then
            say "The web server (gunicorn) exited with status $status; stopping the worker"
            rc=$status
            ((rc == 0)) && rc=1
            _supervise_stop
        elif [[ "$done_pid" == "$SUP_WORKER" ]]; then
            # A qcluster killed alone leaves its worker processes behind, still taking tasks: they go.
            kill -KILL -- "-$SUP_WORKER" 2>/dev/null
            ((SECONDS - SUP_WORKER_SINCE >= ${WORKER_STABLE_SECONDS:-300})) && delay=1
            say "The worker (qcluster) exited with status $status; starting it again in ${delay}s"
            SUP_WORKER=""
            sleep "$delay" &
            SUP_PAUSE=$!
            delay=$((delay * 2 > 60 ? 60 : delay * 2))
        elif [[ -n "$done_pid" && "$done_pid" == "$SUP_PAUSE" ]]; then
            SUP_PAUSE=""
            _supervise_start_worker
        fi
    done
    ((rc == 0)) && say "Stopping web server and worker"

    local alive_pids deadline=$((SECONDS + ${STOP_TIMEOUT:-60}))
    alive() { kill -0 -- "-$1" 2>/dev/null; }
    while :; do
        alive_pids=""
        for pid in $SUP_WEB $SUP_WORKER; do
            alive "$pid" && alive_pids+=" $pid"
        done
        [[ -z "$alive_pids" ]] && break
        # A group that outlives its leader (worker processes of a killed qcluster) gets TERM too.
        for pid in $alive_pids; do
            kill -0 "$pid" 2>/dev/null || kill -TERM -- "-$pid" 2>/dev/null
        done
        if ((SECONDS >= deadline)); then
            say "Still running after ${STOP_TIMEOUT:-60}s: killing"
            for pid in $alive_pids; do kill -KILL -- "-$pid" 2>/dev/null; done
            break
        fi
        sleep 0.2
    done
    wait 2>/dev/null
    SUP_WEB="" SUP_WORKER=""  # all reaped: nothing left for the EXIT trap
    return "$rc"
}

_supervise_start_worker() {
    setsid "${WORKER_CMD[@]}" &
    SUP_WORKER=$!
    SUP_WORKER_SINCE=$SECONDS
}

_supervise_stop() {
    SUP_STOPPING=1
    local pid
    for pid in $SUP_WEB $SUP_WORKER $SUP_PAUSE; do
        kill -TERM "$pid" 2>/dev/null || true
    done
}
