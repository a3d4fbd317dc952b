"""MEDIA_STORAGE=s3 when the bucket cannot be used: an unreachable endpoint, or keys it refuses.
Uploads and jobs fail with a translated error and store nothing; /healthz names the storage."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation

from editing.services import crop_job_create
from gallery.models import GalleryItem, Job
from tests import imaging
from tests.storage.conftest import s3_storage

pytestmark = pytest.mark.django_db

ITEMS = "/api/v1/gallery/items/"
EN = "The image storage cannot be reached right now. Please try again in a minute."
ZH = "图片存储暂时无法访问，请一分钟后再试。"


@pytest.fixture
def unreachable(settings, closed_port, s3_media):
    """The same bucket, addressed at a port where nothing listens."""
    settings.STORAGES = {**settings.STORAGES,
                         "default": s3_storage(f"http://127.0.0.1:{closed_port}", s3_media.name, max_attempts=1)}
    return s3_media


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_upload_page_with_unreachable_bucket_says_so_and_stores_nothing(unreachable, user, user_client):
    response = user_client.post(reverse("gallery:upload"), {"files": [imaging.png(), imaging.jpeg()]})
    assert response.status_code == 302
    assert _messages(response) == [EN]
    assert GalleryItem.objects.count() == 0
    assert unreachable.keys() == set()


def test_upload_api_with_unreachable_bucket_is_503_in_the_asked_language(unreachable, user):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_login(user)
    response = client.post(ITEMS, {"files": [imaging.png()]}, format="multipart", HTTP_ACCEPT_LANGUAGE="zh-Hans")
    assert response.status_code == 503
    assert response.json() == {"error": {"code": "storage_unavailable", "message": ZH}}
    assert GalleryItem.objects.count() == 0


def test_upload_with_refused_keys_says_so_and_stores_nothing(keys_refused, s3_media, user, user_client, user_api):
    with keys_refused():
        page = user_client.post(reverse("gallery:upload"), {"files": [imaging.png()]})
        api = user_api.post(ITEMS, {"files": [imaging.png()]}, format="multipart", HTTP_ACCEPT_LANGUAGE="en")
    assert _messages(page) == [EN]
    assert api.status_code == 503 and api.json()["error"] == {"code": "storage_unavailable", "message": EN}
    assert GalleryItem.objects.count() == 0
    assert s3_media.keys() == set()


def test_upload_to_a_bucket_that_does_not_exist_says_so_and_stores_nothing(s3_media, settings, user, user_client,
                                                                            monitor):
    settings.STORAGES = {**settings.STORAGES, "default": s3_storage(s3_media.endpoint, f"{s3_media.name}-gone")}
    response = user_client.post(reverse("gallery:upload"), {"files": [imaging.png()]})
    assert _messages(response) == [EN]
    assert GalleryItem.objects.count() == 0
    health = monitor()
    assert health.status_code == 503 and health.json()["storage"]["ok"] is False


def test_job_whose_result_cannot_be_stored_fails_with_the_storage_error(s3_media, settings, closed_port, user,
                                                                        make_item, run_jobs):
    # given: the source is stored, then the bucket becomes unreachable before the job saves its result
    source = make_item(user, size=(64, 48))
    from editing import handlers

    real_open = handlers._open

    def open_then_lose_storage(item, **kwargs):
        image = real_open(item, **kwargs)
        settings.STORAGES = {**settings.STORAGES,
                             "default": s3_storage(f"http://127.0.0.1:{closed_port}", s3_media.name, max_attempts=1)}
        return image

    handlers._open = open_then_lose_storage
    try:
        with run_jobs(), translation.override("zh-hans"):
            job = crop_job_create(user=user, params={"right": 50}, sources=[source])
    finally:
        handlers._open = real_open
    # then: failed with the translated message (in the submitter's language), no output row or object
    job.refresh_from_db()
    assert (job.status, job.error_code, job.error_message) == (Job.Status.FAILED, "storage_unavailable", ZH)
    assert list(GalleryItem.objects.all()) == [source]
    assert s3_media.keys() == {source.file.name, source.thumbnail.name}


def test_serving_a_file_with_unreachable_bucket_is_503_not_a_crash(s3_media, settings, closed_port, user,
                                                                  user_client, user_api, make_item):
    item = make_item(user)
    settings.STORAGES = {**settings.STORAGES,
                         "default": s3_storage(f"http://127.0.0.1:{closed_port}", s3_media.name, max_attempts=1)}
    page = user_client.get(reverse("gallery:item-file", args=[item.id]))
    assert page.status_code == 503 and EN in page.content.decode()
    api = user_api.get(f"{ITEMS}{item.id}/file/", HTTP_ACCEPT_LANGUAGE="en")
    assert api.status_code == 503 and api.json()["error"]["code"] == "storage_unavailable"


def test_zip_downloads_with_unreachable_bucket_go_back_with_the_message(s3_media, settings, closed_port, user,
                                                                       user_client, make_item):
    # given: a gallery item and a finished cutout job's result
    job = Job.objects.create(owner=user, kind="matting.cutout", status=Job.Status.SUCCEEDED)
    cutout = make_item(user, kind="cutout", job=job, name="me-cutout.png")
    settings.STORAGES = {**settings.STORAGES,
                         "default": s3_storage(f"http://127.0.0.1:{closed_port}", s3_media.name, max_attempts=1)}
    # when / then: the gallery's zip and the cutout page's zip
    gallery = user_client.post(reverse("gallery:bulk"), {"action": "zip", "ids": [str(cutout.id)]})
    assert (gallery.status_code, gallery["Location"], _messages(gallery)) == (302, reverse("gallery:list"), [EN])
    cutouts = user_client.get(reverse("matting:zip", args=[job.id]))
    assert (cutouts.status_code, cutouts["Location"], _messages(cutouts)[-1]) == (
        302, reverse("matting:result", args=[job.id]), EN)  # (the first redirect's message was not shown yet)


# --- /healthz ---------------------------------------------------------------------------------------

@pytest.fixture
def monitor(client, settings):
    settings.HEALTH_TOKEN = "monitor-secret-0123456789"
    return lambda: client.get("/healthz", HTTP_AUTHORIZATION="Bearer monitor-secret-0123456789")


def test_healthz_reports_the_bucket(s3_media, monitor):
    response = monitor()
    assert response.status_code == 200
    storage = response.json()["storage"]
    assert storage["ok"] is True and (storage["backend"], storage["bucket"]) == ("s3", s3_media.name)


def test_healthz_names_the_storage_when_the_bucket_is_unreachable(unreachable, monitor, client):
    response = monitor()
    assert response.status_code == 503
    body = response.json()
    assert body["ok"] is False
    assert body["database"]["ok"] is True and body["broker"]["ok"] is True
    assert body["storage"]["ok"] is False and "StorageUnavailable" in body["storage"]["error"]
    # anyone else: only that something is down
    client.defaults.pop("HTTP_AUTHORIZATION", None)
    assert client.get("/healthz").json() == {"ok": False}


def test_healthz_names_the_storage_when_the_keys_are_refused(keys_refused, monitor):
    with keys_refused():
        response = monitor()
    assert response.status_code == 503
    assert response.json()["storage"]["ok"] is False
