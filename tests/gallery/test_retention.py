"""Retention: expired items are deleted with their files; the periodic schedules exist."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_q.models import Schedule

from gallery.models import GalleryItem
from gallery.services import gallery_expired_delete
from gallery.tasks import retention_task
from tests import imaging

pytestmark = pytest.mark.django_db


def _expire(item, days_ago: float):
    GalleryItem.objects.filter(id=item.id).update(expires_at=timezone.now() - timedelta(days=days_ago))


def _files(settings) -> set[str]:
    return {p.relative_to(settings.MEDIA_ROOT).as_posix() for p in imaging.media_files(settings.MEDIA_ROOT)}


def test_retention_task_deletes_expired_items_and_files(user, other_user, make_item, run_jobs, settings):
    # given: two expired items (two owners), one fresh, one kept forever
    settings.RETENTION_DAYS = 30
    old_a, old_b = make_item(user, name="old-a.png"), make_item(other_user, name="old-b.png")
    fresh = make_item(user, name="fresh.png")
    forever = make_item(user, name="forever.png")
    _expire(old_a, 1)
    _expire(old_b, 0.001)
    GalleryItem.objects.filter(id=forever.id).update(expires_at=None)
    # when
    with run_jobs():
        deleted = retention_task()
    # then
    assert deleted == 2
    assert set(GalleryItem.objects.values_list("name", flat=True)) == {"fresh.png", "forever.png"}
    assert _files(settings) == {fresh.file.name, fresh.thumbnail.name, forever.file.name, forever.thumbnail.name}


def test_retention_task_deletes_in_batches(user, make_item, run_jobs, settings, monkeypatch):
    # many expired items are handled in several passes of the loop
    items = [make_item(user, name=f"{i}.png", size=(2, 2)) for i in range(5)]
    for item in items:
        _expire(item, 2)
    with run_jobs():
        assert gallery_expired_delete() == 5
    assert GalleryItem.objects.count() == 0
    assert _files(settings) == set()


def test_retention_off_sets_no_expiry_and_deletes_nothing(user, make_item, run_jobs, settings):
    # given: retention switched off after an item had an expiry
    old = make_item(user, name="old.png")
    _expire(old, 10)
    settings.RETENTION_DAYS = 0
    new = make_item(user, name="new.png")
    # when
    with run_jobs():
        deleted = retention_task()
    # then
    assert new.expires_at is None
    assert deleted == 0
    assert GalleryItem.objects.count() == 2
    assert len(_files(settings)) == 4


def test_retention_keeps_items_not_yet_expired(user, make_item, settings):
    settings.RETENTION_DAYS = 1
    item = make_item(user)
    assert gallery_expired_delete(now=timezone.now() + timedelta(hours=23)) == 0
    assert gallery_expired_delete(now=timezone.now() + timedelta(hours=25)) == 1
    assert not GalleryItem.objects.filter(id=item.id).exists()


def test_data_migration_created_the_schedules():
    schedules = {s.name: s for s in Schedule.objects.filter(name__startswith="gallery.")}
    assert set(schedules) == {"gallery.jobs_reap", "gallery.retention", "gallery.media_reconcile"}
    reap, retention = schedules["gallery.jobs_reap"], schedules["gallery.retention"]
    assert (reap.func, reap.schedule_type, reap.minutes, reap.repeats) == (
        "gallery.tasks.jobs_reap_task", Schedule.MINUTES, 1, -1)
    assert (retention.func, retention.schedule_type, retention.repeats) == (
        "gallery.tasks.retention_task", Schedule.HOURLY, -1)
