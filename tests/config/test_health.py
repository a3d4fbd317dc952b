"""/healthz: database, broker, worker liveness and jobs, shown to staff or a token; anyone else
gets only whether the site is healthy."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.services import api_token_create
from gallery.models import Job, WorkerBeat
from gallery.tasks import jobs_reap_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, make_user):
    client.force_login(make_user("root", is_staff=True))
    return client


def test_healthz_anonymous_gets_only_ok(client):
    # when
    response = client.get("/healthz")
    # then: no login needed, and nothing about what runs here
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert response.json() == {"ok": True}


def test_healthz_anonymous_broker_down_is_503_without_details(client, monkeypatch):
    from django_q.brokers.orm import ORM

    monkeypatch.setattr(ORM, "ping", lambda self: False)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"ok": False}


def test_healthz_non_staff_user_gets_only_ok(user_client):
    assert user_client.get("/healthz").json() == {"ok": True}


def test_healthz_reports_database_broker_jobs_and_no_worker_to_staff(staff_client):
    # when
    response = staff_client.get("/healthz")
    # then
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True
    assert body["database"]["ok"] is True and body["database"]["vendor"] == "sqlite"
    assert body["broker"]["ok"] is True and body["broker"]["kind"] == "orm"
    assert body["broker"]["queued"] == 0
    assert body["worker"] == {"ok": True, "ms": body["worker"]["ms"], "seen": False, "last_seen": None}
    assert body["jobs"] == {"ok": True, "ms": body["jobs"]["ms"], "queued": 0, "running": 0, "oldest_queued_s": None}


def test_healthz_counts_jobs_in_the_database_not_the_broker(staff_client, user):
    # given: two queued jobs that no broker holds (e.g. taken by a cluster that died), one running,
    # one finished
    old = timezone.now() - timedelta(minutes=5)
    for _ in range(2):
        Job.objects.create(owner=user, kind="editing.crop")
    Job.objects.filter(owner=user).update(queued_at=old)
    Job.objects.create(owner=user, kind="editing.crop", status=Job.Status.RUNNING, heartbeat_at=timezone.now())
    Job.objects.create(owner=user, kind="editing.crop", status=Job.Status.SUCCEEDED)
    # when
    body = staff_client.get("/healthz").json()
    # then
    assert body["broker"]["queued"] == 0
    assert (body["jobs"]["queued"], body["jobs"]["running"]) == (2, 1)
    assert 299 <= body["jobs"]["oldest_queued_s"] <= 330


def test_healthz_token_shows_details(client, settings):
    settings.HEALTH_TOKEN = "monitor-secret-0123456789"
    body = client.get("/healthz", HTTP_AUTHORIZATION="Bearer monitor-secret-0123456789").json()
    assert body["database"]["vendor"] == "sqlite" and "jobs" in body


@pytest.mark.parametrize("header", ["Bearer wrong-secret", "Bearer", "Basic monitor-secret-0123456789",
                                    "Bearer ist_not-a-real-token"])
def test_healthz_wrong_token_gets_only_ok(client, settings, header):
    settings.HEALTH_TOKEN = "monitor-secret-0123456789"
    response = client.get("/healthz", HTTP_AUTHORIZATION=header)
    assert (response.status_code, response.json()) == (200, {"ok": True})


def test_healthz_empty_health_token_is_off(client, settings):
    settings.HEALTH_TOKEN = ""
    assert client.get("/healthz", HTTP_AUTHORIZATION="Bearer ").json() == {"ok": True}
    assert client.get("/healthz", HTTP_AUTHORIZATION="Bearer x").json() == {"ok": True}


def test_healthz_api_token_of_staff_user_shows_details(client, make_user, user):
    _, staff_secret = api_token_create(user=make_user("root", is_staff=True), name="monitor")
    _, user_secret = api_token_create(user=user, name="mine")
    assert "database" in client.get("/healthz", HTTP_AUTHORIZATION=f"Bearer {staff_secret}").json()
    assert client.get("/healthz", HTTP_AUTHORIZATION=f"Bearer {user_secret}").json() == {"ok": True}


def test_healthz_sees_worker_after_reaper_ran(staff_client):
    # given: the scheduled reaper ran in a worker
    jobs_reap_task()
    # when
    body = staff_client.get("/healthz").json()
    # then
    assert body["worker"]["seen"] is True
    assert 0 <= body["worker"]["age_s"] < 60
    assert body["worker"]["last_seen"] == WorkerBeat.objects.get().seen_at.isoformat()


def test_healthz_old_worker_beat_is_not_seen(staff_client):
    WorkerBeat.objects.create(name="host/studio", seen_at=timezone.now() - timedelta(minutes=10))
    body = staff_client.get("/healthz").json()
    assert body["ok"] is True
    assert body["worker"]["seen"] is False
    assert body["worker"]["age_s"] >= 599


def test_healthz_broker_down_is_503(staff_client, monkeypatch):
    from django_q.brokers.orm import ORM

    monkeypatch.setattr(ORM, "ping", lambda self: False)
    response = staff_client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["ok"] is False
    assert body["broker"] == {"ok": False, "error": "ConnectionError: broker did not answer"}
    assert body["database"]["ok"] is True


def test_worker_start_is_reported_at_once(staff_client):
    from django_q.signals import post_spawn

    assert WorkerBeat.objects.count() == 0
    post_spawn.send(sender="django_q", proc_name="Process-1")
    assert staff_client.get("/healthz").json()["worker"]["seen"] is True


def test_healthz_reports_the_filesystem_storage(staff_client):
    body = staff_client.get("/healthz").json()
    assert body["storage"] == {"ok": True, "ms": body["storage"]["ms"], "backend": "filesystem"}


def test_healthz_storage_that_cannot_be_written_is_503_and_named(staff_client, settings, tmp_path):
    # given: MEDIA_ROOT is a file, so no folder can be made there (as a read-only or unmounted disk)
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    settings.MEDIA_ROOT = blocked
    # when
    response = staff_client.get("/healthz")
    # then
    assert response.status_code == 503
    body = response.json()
    assert body["ok"] is False and body["database"]["ok"] is True and body["broker"]["ok"] is True
    assert body["storage"]["ok"] is False and body["storage"]["error"]
