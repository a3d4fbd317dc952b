"""Reconciliation (gallery.reconcile): objects no row names and rows whose object is gone, found
on the filesystem default and on the bucket alike; the command reports, the daily task also deletes
the orphans past the grace period."""

import io
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.db import transaction
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_q.models import Schedule

from gallery.models import GalleryItem
from gallery.reconcile import media_reconcile
from gallery.tasks import media_reconcile_task

pytestmark = pytest.mark.django_db

LATER = timedelta(hours=7)  # past the default grace period of six hours


@pytest.fixture(params=["filesystem", "s3"])
def media(request, settings):
    """Lists what the storage holds, whichever backend the test runs on."""
    if request.param == "s3":
        bucket = request.getfixturevalue("s3_media")
        return bucket.keys
    from tests import imaging

    return lambda: {p.relative_to(settings.MEDIA_ROOT).as_posix() for p in imaging.media_files(settings.MEDIA_ROOT)}


class _Killed(Exception):
    pass


@pytest.fixture
def crash_leftovers(user, make_item):
    """Both ways round: an item whose objects were written but whose transaction never committed
    (a process killed between the two: the database drops the row, nothing removes the objects),
    and an item whose object was removed behind the studio's back."""
    kept = make_item(user, name="kept.png")
    lost = make_item(user, name="lost.png")
    default_storage.delete(lost.file.name)
    with pytest.raises(_Killed), transaction.atomic():
        # gallery_item_create outside files_removed_on_error: no clean-up, as in a killed process
        abandoned = make_item(user, name="abandoned.png")
        raise _Killed()
    assert not GalleryItem.objects.filter(id=abandoned.id).exists()
    return {"kept": kept, "lost": lost, "orphans": sorted([abandoned.file.name, abandoned.thumbnail.name])}


def test_reconcile_finds_the_orphan_and_the_row_without_its_object(media, crash_leftovers):
    lost = crash_leftovers["lost"]
    report = media_reconcile(now=timezone.now() + LATER)
    assert report.orphans == crash_leftovers["orphans"]
    assert report.missing == [(str(lost.id), lost.file.name)]
    assert not report.clean
    assert set(crash_leftovers["orphans"]) <= media()  # reporting deletes nothing


def test_reconcile_leaves_a_young_object_alone(media, crash_leftovers):
    # just written: it may be an upload whose row is not committed yet
    report = media_reconcile(delete_orphans=True)
    assert (report.orphans, report.young, report.deleted) == ([], 2, 0)
    assert set(crash_leftovers["orphans"]) <= media()


def test_reconcile_command_reports_both_and_exits_1(media, crash_leftovers, monkeypatch):
    lost = crash_leftovers["lost"]
    monkeypatch.setattr(timezone, "now", lambda real=timezone.now: real() + LATER)
    out = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("reconcile_media", stdout=out)
    assert raised.value.returncode == 1
    lines = out.getvalue().splitlines()
    assert lines == [*(f"orphan object: {name}" for name in crash_leftovers["orphans"]),
                     f"missing object: {lost.file.name} (gallery item {lost.id})",
                     "2 orphan(s), 1 missing, 0 recent object(s) without a row left alone"]
    assert set(crash_leftovers["orphans"]) <= media()


def test_reconcile_task_deletes_old_orphans_only(media, crash_leftovers, monkeypatch):
    kept, lost = crash_leftovers["kept"], crash_leftovers["lost"]
    monkeypatch.setattr(timezone, "now", lambda real=timezone.now: real() + LATER)
    assert media_reconcile_task() == 2
    assert media() == {kept.file.name, kept.thumbnail.name, lost.thumbnail.name}


def test_reconcile_on_consistent_storage_is_clean(media, user, make_item):
    make_item(user)
    out = io.StringIO()
    call_command("reconcile_media", "--delete", stdout=out)
    assert out.getvalue().splitlines() == [
        "0 orphan(s), 0 deleted, 0 missing, 0 recent object(s) without a row left alone"]


def test_reconcile_runs_daily():
    schedule = Schedule.objects.get(name="gallery.media_reconcile")
    assert (schedule.func, schedule.schedule_type, schedule.repeats) == ("gallery.tasks.media_reconcile_task", "D", -1)


def test_a_row_without_its_object_answers_404_not_a_crash(media, crash_leftovers, user_client):
    from django.urls import reverse

    lost = crash_leftovers["lost"]
    assert user_client.get(reverse("gallery:item-file", args=[lost.id])).status_code == 404
    # its thumbnail is still there and still served
    assert user_client.get(reverse("gallery:item-thumbnail", args=[lost.id])).status_code == 200


def test_reconcile_under_a_key_prefix_sees_only_the_studios_objects(s3_media, settings, user, make_item):
    # given: the studio keeps its objects under studio-a/; another studio shares the bucket
    from tests.storage.conftest import s3_storage

    settings.STORAGES = {**settings.STORAGES, "default": s3_storage(s3_media.endpoint, s3_media.name,
                                                                     location="studio-a")}
    item = make_item(user)
    s3_media.put("studio-b/items/1/ab/theirs.png")
    s3_media.put("studio-a/items/1/ab/ours.png")
    # when
    report = media_reconcile(now=timezone.now() + LATER)
    # then
    assert s3_media.keys() >= {f"studio-a/{item.file.name}", f"studio-a/{item.thumbnail.name}"}
    assert (report.orphans, report.missing) == (["items/1/ab/ours.png"], [])
