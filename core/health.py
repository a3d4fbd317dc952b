"""/healthz: database, broker, media storage, and whether a worker showed life recently. 200 when
the database, broker and storage answer (a missing worker is reported, not fatal: the web side
still serves; without the storage no upload, result or image can be stored or shown).

Anyone gets `{"ok": ...}`; the details (database vendor, broker, job counts) tell an attacker what
runs here, so only staff, a staff user's API token or HEALTH_TOKEN see them."""

import hmac
import time

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

WORKER_SEEN_SECONDS = 180


def _check(fn) -> dict:
    started = time.perf_counter()
    try:
        detail = fn()
        return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1), **(detail or {})}
    except Exception as exc:  # health must report any failure, whatever its type
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}


def _database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"vendor": connection.vendor}


def _broker() -> dict:
    from django_q.brokers import get_broker

    broker = get_broker()
    if not broker.ping():
        raise ConnectionError("broker did not answer")
    return {"kind": "redis" if settings.REDIS_URL else "orm", "queued": broker.queue_size()}


def _storage() -> dict:
    from gallery.storage import storage_ping

    return storage_ping()


def _jobs() -> dict:
    """Counted in the database, the source of truth: the broker's queue does not hold the jobs a
    dead cluster took with it, nor those a cluster has taken but not started."""
    from django.db.models import Count, Min

    from gallery.models import Job

    counts = dict(Job.objects.filter(status__in=Job.ACTIVE).values_list("status").annotate(n=Count("id")))
    oldest = Job.objects.filter(status=Job.Status.QUEUED).aggregate(t=Min("queued_at"))["t"]
    return {
        "queued": counts.get(Job.Status.QUEUED, 0),
        "running": counts.get(Job.Status.RUNNING, 0),
        "oldest_queued_s": round((timezone.now() - oldest).total_seconds()) if oldest else None,
    }


def _may_see_details(request) -> bool:
    if request.user.is_authenticated and request.user.is_staff:
        return True
    header = request.headers.get("Authorization", "").split()
    if len(header) != 2 or header[0].lower() not in ("bearer", "token"):
        return False
    if settings.HEALTH_TOKEN and hmac.compare_digest(header[1].encode(), settings.HEALTH_TOKEN.encode()):
        return True
    from rest_framework.exceptions import AuthenticationFailed

    from accounts.authentication import ApiTokenAuthentication

    try:
        found = ApiTokenAuthentication().authenticate(request)
    except AuthenticationFailed:
        return False
    return bool(found and found[0].is_staff)


def _worker() -> dict:
    from gallery.models import WorkerBeat

    beat = WorkerBeat.objects.order_by("-seen_at").first()
    if beat is None:
        return {"seen": False, "last_seen": None}
    age = (timezone.now() - beat.seen_at).total_seconds()
    return {"seen": age <= WORKER_SEEN_SECONDS, "last_seen": beat.seen_at.isoformat(), "age_s": round(age)}


@never_cache
def healthz(request):
    checks = {"database": _check(_database), "broker": _check(_broker), "storage": _check(_storage),
              "worker": _check(_worker)}
    ok = checks["database"]["ok"] and checks["broker"]["ok"] and checks["storage"]["ok"]
    body = {"ok": ok}
    try:
        details = _may_see_details(request)
    except Exception:  # the session or token lookup needs the database, which may be what is down
        details = False
    if details:
        body.update(checks, jobs=_check(_jobs))
    return JsonResponse(body, status=200 if ok else 503)
