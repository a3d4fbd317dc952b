"""/healthz: database, broker and worker liveness."""

from datetime import timedelta

import pytest
from django.utils import timezone

from gallery.models import WorkerBeat
from gallery.tasks import jobs_reap_task

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_broker_and_no_worker(client):
    # when
    response = client.get("/healthz")
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    body = response.json()
    assert body["ok"] is True
    assert body["database"]["ok"] is True and body["database"]["vendor"] == "sqlite"
    assert body["broker"]["ok"] is True and body["broker"]["kind"] == "orm"
    assert body["broker"]["queued"] == 0
    assert body["worker"] == {"ok": True, "ms": body["worker"]["ms"], "seen": False, "last_seen": None}


def test_healthz_sees_worker_after_reaper_ran(client):
    # given: the scheduled reaper ran in a worker
    jobs_reap_task()
    # when
    body = client.get("/healthz").json()
    # then
    assert body["worker"]["seen"] is True
    assert 0 <= body["worker"]["age_s"] < 60
    assert body["worker"]["last_seen"] == WorkerBeat.objects.get().seen_at.isoformat()


def test_healthz_old_worker_beat_is_not_seen(client):
    WorkerBeat.objects.create(name="host/studio", seen_at=timezone.now() - timedelta(minutes=10))
    body = client.get("/healthz").json()
    assert body["ok"] is True
    assert body["worker"]["seen"] is False
    assert body["worker"]["age_s"] >= 599


def test_healthz_broker_down_is_503(client, monkeypatch):
    from django_q.brokers.orm import ORM

    monkeypatch.setattr(ORM, "ping", lambda self: False)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["ok"] is False
    assert body["broker"] == {"ok": False, "error": "ConnectionError: broker did not answer"}
    assert body["database"]["ok"] is True


def test_healthz_needs_no_login(client):
    assert client.get("/healthz").status_code == 200


def test_worker_start_is_reported_at_once(client, db):
    from django_q.signals import post_spawn

    from gallery.models import WorkerBeat

    assert WorkerBeat.objects.count() == 0
    post_spawn.send(sender="django_q", proc_name="Process-1")
    assert client.get("/healthz").json()["worker"]["seen"] is True
