"""MEDIA_STORAGE=s3: uploads, results, thumbnails, serving, zips, retention and account deletion
all keep their files in the bucket (none on the filesystem), still streamed after the ownership check."""

import io
import zipfile
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from editing.services import crop_job_create
from gallery.models import GalleryItem, Job
from gallery.tasks import retention_task
from tests import imaging

pytestmark = pytest.mark.django_db

ITEMS = "/api/v1/gallery/items/"


def _content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _item_keys(item) -> set[str]:
    return {item.file.name, item.thumbnail.name}


def test_upload_page_stores_file_and_thumbnail_in_the_bucket(s3_media, settings, user, user_client):
    # when
    response = user_client.post(reverse("gallery:upload"), {"files": [imaging.png(size=(40, 30), name="cat.png")]})
    # then: the row, and its two objects in the bucket; nothing on the filesystem
    assert response.status_code == 302
    [item] = GalleryItem.objects.filter(owner=user)
    assert item.file.name.startswith(f"items/{user.id}/") and item.thumbnail.name.startswith(f"thumbs/{user.id}/")
    assert s3_media.keys() == _item_keys(item)
    assert imaging.media_files(settings.MEDIA_ROOT) == []
    assert Image.open(io.BytesIO(s3_media.get(item.file.name))).size == (40, 30)
    assert Image.open(io.BytesIO(s3_media.get(item.thumbnail.name))).format == "WEBP"


def test_upload_api_stores_in_the_bucket(s3_media, user, user_api):
    response = user_api.post(ITEMS, {"files": [imaging.png(), imaging.jpeg()]}, format="multipart")
    assert response.status_code == 201, response.content
    items = GalleryItem.objects.filter(owner=user)
    assert len(items) == 2
    assert s3_media.keys() == set().union(*(_item_keys(i) for i in items))


def test_file_and_thumbnail_are_streamed_to_the_owner_and_404_to_anyone_else(s3_media, user, user_client,
                                                                           other_client, make_item):
    # given
    item = make_item(user, size=(30, 20), name="mine.png")
    # when / then: the owner gets the bytes from the bucket, through the studio (no redirect to S3)
    file_response = user_client.get(reverse("gallery:item-file", args=[item.id]))
    assert file_response.status_code == 200
    assert file_response["Content-Type"] == "image/png"
    assert file_response["Cache-Control"] == "private, max-age=3600"
    assert _content(file_response) == s3_media.get(item.file.name)
    thumb = user_client.get(reverse("gallery:item-thumbnail", args=[item.id]))
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/webp"
    assert _content(thumb) == s3_media.get(item.thumbnail.name)
    converted = user_client.get(reverse("gallery:item-download", args=[item.id]), {"format": "jpeg"})
    assert converted.status_code == 200 and Image.open(io.BytesIO(converted.content)).format == "JPEG"
    # and another user learns nothing, not even that it exists
    for name in ("gallery:item-file", "gallery:item-thumbnail", "gallery:item-download"):
        assert other_client.get(reverse(name, args=[item.id])).status_code == 404


def test_zip_download_reads_every_file_from_the_bucket(s3_media, user, user_client, make_item):
    a = make_item(user, name="a.png", size=(10, 10))
    b = make_item(user, name="b.png", size=(20, 10))
    response = user_client.post(reverse("gallery:bulk"), {"action": "zip", "ids": [str(a.id), str(b.id)]})
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as zf:
        assert {n: zf.read(n) for n in zf.namelist()} == {
            "a.png": s3_media.get(a.file.name), "b.png": s3_media.get(b.file.name),
        }


def test_job_reads_its_source_from_and_stores_its_result_in_the_bucket(s3_media, settings, user, make_item, run_jobs):
    # given
    source = make_item(user, size=(64, 48), name="cat.png")
    # when: a crop job, run by the real runner
    with run_jobs():
        job = crop_job_create(user=user, params={"right": 50}, sources=[source])
    # then
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error_message
    [out] = job.outputs.all()
    assert (out.width, out.height, out.parent_id) == (32, 48, source.id)
    assert s3_media.keys() == _item_keys(source) | _item_keys(out)
    assert Image.open(io.BytesIO(s3_media.get(out.file.name))).size == (32, 48)
    assert imaging.media_files(settings.MEDIA_ROOT) == []


def test_retention_deletes_expired_objects(s3_media, settings, user, make_item, run_jobs):
    settings.RETENTION_DAYS = 30
    old, fresh = make_item(user, name="old.png"), make_item(user, name="fresh.png")
    GalleryItem.objects.filter(id=old.id).update(expires_at=timezone.now() - timedelta(days=1))
    with run_jobs():
        assert retention_task() == 1
    assert list(GalleryItem.objects.values_list("name", flat=True)) == ["fresh.png"]
    assert s3_media.keys() == _item_keys(fresh)


def test_account_deletion_deletes_the_users_objects_only(s3_media, user, other_user, user_client, make_item, run_jobs):
    # given: an upload and a job result of alice's, an item of bob's
    mine = make_item(user, name="mine.png")
    with run_jobs():
        crop_job_create(user=user, params={"right": 50}, sources=[mine])
    bobs = make_item(other_user, name="bobs.png")
    assert len(s3_media.keys()) == 6
    # when
    with run_jobs():
        response = user_client.post(reverse("accounts:delete"), {"password": "correct-horse-battery"})
    # then
    assert response.status_code == 302
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == ["Your account and all your images have been deleted."]
    assert GalleryItem.objects.filter(owner_id=user.id).count() == 0
    assert s3_media.keys() == _item_keys(bobs)


def test_failure_after_the_first_object_leaves_neither_object_nor_row(s3_media, user, user_api, monkeypatch):
    # given: the thumbnail step fails once the file itself is already in the bucket
    from gallery import services

    def broken(*args, **kwargs):
        assert len(s3_media.keys()) == 1  # the original went in first
        raise RuntimeError("thumbnailer crashed")

    monkeypatch.setattr(services, "thumbnail_encode", broken)
    # when
    with pytest.raises(RuntimeError):
        services.gallery_uploads_create(owner=user, files=[imaging.png()])
    # then: the object written before the failure is gone again, and there is no row
    assert s3_media.keys() == set()
    assert GalleryItem.objects.count() == 0
