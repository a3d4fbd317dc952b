"""/healthz: database, broker, and whether a worker showed life recently. 200 when the database
and broker answer (a missing worker is reported, not fatal: the web side still serves)."""

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


def _worker() -> dict:
    from gallery.models import WorkerBeat

    beat = WorkerBeat.objects.order_by("-seen_at").first()
    if beat is None:
        return {"seen": False, "last_seen": None}
    age = (timezone.now() - beat.seen_at).total_seconds()
    return {"seen": age <= WORKER_SEEN_SECONDS, "last_seen": beat.seen_at.isoformat(), "age_s": round(age)}


@never_cache
def healthz(request):
    checks = {"database": _check(_database), "broker": _check(_broker), "worker": _check(_worker)}
    ok = checks["database"]["ok"] and checks["broker"]["ok"]
    return JsonResponse({"ok": ok, **checks}, status=200 if ok else 503)
