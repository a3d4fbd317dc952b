"""The gallery and jobs REST API: lists, search, files, downloads, delete, cancel, authentication."""

import io
import os
import zipfile
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from accounts.services import api_token_create, api_token_revoke
from gallery.models import GalleryItem, Job
from gallery.services import gallery_item_create
from tests import imaging

pytestmark = pytest.mark.django_db

ITEMS = "/api/v1/gallery/items/"
JOBS = "/api/v1/jobs/"


def _body_image(response) -> Image.Image:
    data = b"".join(response.streaming_content) if response.streaming else response.content
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


# --- list, filter, search -------------------------------------------------------------------------

def test_gallery_item_list_api_paginates(user, user_api, make_item, other_user):
    # given: 5 of mine, 1 of someone else
    mine = [make_item(user, name=f"{i}.png", size=(4, 4)) for i in range(5)]
    make_item(other_user, name="theirs.png")
    # when
    first = user_api.get(ITEMS, {"page_size": 2}).json()
    last = user_api.get(ITEMS, {"page_size": 2, "page": 3}).json()
    # then: newest first, only mine
    assert first["count"] == 5
    assert first["previous"] is None
    assert first["next"] == "http://testserver/api/v1/gallery/items/?page=2&page_size=2"
    assert [r["id"] for r in first["results"]] == [str(mine[4].id), str(mine[3].id)]
    assert last["next"] is None
    assert [r["name"] for r in last["results"]] == ["0.png"]


def test_gallery_item_list_api_page_out_of_range(user_api):
    response = user_api.get(ITEMS, {"page": 9})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_gallery_item_list_api_filters_by_kind(user, user_api, make_item):
    upload = make_item(user, name="up.png")
    edited = make_item(user, name="ed.png", kind="edited", parent=upload)
    body = user_api.get(ITEMS, {"kind": "edited"}).json()
    assert body["count"] == 1
    assert body["results"][0]["id"] == str(edited.id)
    assert body["results"][0]["parent"] == str(upload.id)
    assert user_api.get(ITEMS, {"kind": "upload"}).json()["results"][0]["id"] == str(upload.id)


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("天路", True), ("bronze", True), ("BRONZE bird", True), ("scan", True), ("temple", False),
        ("bronze temple", False),
    ],
)
def test_gallery_item_list_api_searches_name_and_metadata(user, user_api, make_item, query, found):
    # given
    item = make_item(user, name="scan-01.png", kind="ocr", metadata={"ocr_text": "bronze bird 天路", "lines": ["x"]})
    make_item(user, name="other.png")
    # when
    body = user_api.get(ITEMS, {"q": query}).json()
    # then
    assert [r["id"] for r in body["results"]] == ([str(item.id)] if found else [])
    if found:
        assert body["results"][0]["metadata"] == {"ocr_text": "bronze bird 天路", "lines": ["x"]}


def test_gallery_item_create_builds_search_text(user):
    item = gallery_item_create(owner=user, image=imaging.solid(), kind="ocr", name="Note.PNG", fmt="PNG",
                               metadata={"ocr_text": "Bronze Bird 天路", "nested": {"prompt": ["Red Sky"]}, "n": 3})
    assert item.search_text == "note.png\nbronze bird 天路\nred sky"


def test_gallery_item_list_api_does_not_search_other_users(user, other_user, user_api, make_item):
    make_item(other_user, name="secret.png", metadata={"ocr_text": "天路"})
    assert user_api.get(ITEMS, {"q": "天路"}).json()["count"] == 0


# --- detail, files, downloads ---------------------------------------------------------------------

def test_gallery_item_detail_api(user, user_api, make_item):
    item = make_item(user, name="x.png")
    body = user_api.get(f"{ITEMS}{item.id}/").json()
    assert body["id"] == str(item.id)
    assert body["sha256"] == item.sha256
    assert body["expires_at"] is not None


def test_gallery_item_file_api_streams_inline_with_nosniff(user, user_api, make_item):
    # given
    item = make_item(user, name="red.png", size=(30, 20), color=(255, 0, 0))
    # when
    response = user_api.get(f"{ITEMS}{item.id}/file/")
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "private, max-age=3600"
    assert response["Content-Disposition"] == 'inline; filename="red.png"'
    image = _body_image(response)
    assert (image.format, image.size, image.getpixel((1, 1))) == ("PNG", (30, 20), (255, 0, 0))


def test_gallery_item_thumbnail_api_is_webp(user, user_api, make_item, settings):
    settings.THUMBNAIL_SIZE = 10
    item = make_item(user, size=(40, 20))
    response = user_api.get(f"{ITEMS}{item.id}/thumbnail/")
    assert response["Content-Type"] == "image/webp"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert _body_image(response).size == (10, 5)


def test_gallery_item_download_api_as_stored(user, user_api, make_item):
    item = make_item(user, name="holiday photo.png")
    response = user_api.get(f"{ITEMS}{item.id}/download/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="holiday photo.png"'
    assert response["X-Content-Type-Options"] == "nosniff"
    with item.file.open("rb") as fh:
        assert b"".join(response.streaming_content) == fh.read()


@pytest.mark.parametrize(("fmt", "content_type", "extension"), [
    ("JPEG", "image/jpeg", "jpg"), ("jpeg", "image/jpeg", "jpg"), ("WEBP", "image/webp", "webp"),
])
def test_gallery_item_download_api_converts(user, user_api, make_item, fmt, content_type, extension):
    # given: a transparent PNG
    item = make_item(user, name="logo.png", image=Image.new("RGBA", (12, 8), (0, 0, 255, 255)))
    # when
    response = user_api.get(f"{ITEMS}{item.id}/download/", {"format": fmt})
    # then
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="logo.{extension}"'
    assert response["X-Content-Type-Options"] == "nosniff"
    image = _body_image(response)
    assert image.format == fmt.upper() and image.size == (12, 8)
    if fmt.upper() == "JPEG":
        assert image.mode == "RGB"
        r, g, b = image.getpixel((6, 4))
        assert b > 230 and r < 25 and g < 25


def test_gallery_item_download_api_unicode_name(user, user_api, make_item):
    item = make_item(user, name="天路.png")
    response = user_api.get(f"{ITEMS}{item.id}/download/", {"format": "JPEG"})
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''%E5%A4%A9%E8%B7%AF.jpg"


def test_gallery_item_download_api_refuses_other_format(user, user_api, make_item):
    item = make_item(user)
    response = user_api.get(f"{ITEMS}{item.id}/download/", {"format": "GIF"})
    assert response.status_code == 400
    assert response.json() == {"error": {"code": "bad_format", "message": "Choose PNG, JPEG or WebP."}}


def test_gallery_item_download_page_converts(user, user_client, make_item):
    from django.urls import reverse

    item = make_item(user, name="p.png")
    response = user_client.get(reverse("gallery:item-download", args=[item.id]), {"format": "WEBP"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="p.webp"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert _body_image(response).format == "WEBP"
    bad = user_client.get(reverse("gallery:item-download", args=[item.id]), {"format": "TIFF"})
    assert bad.status_code == 302 and bad["Location"] == reverse("gallery:item-detail", args=[item.id])


# --- delete ----------------------------------------------------------------------------------------

def test_gallery_item_delete_api_removes_row_and_files(user, user_api, make_item, run_jobs):
    # given
    item = make_item(user)
    keep = make_item(user, name="keep.png")
    paths = [item.file.path, item.thumbnail.path]
    # when
    with run_jobs():
        response = user_api.delete(f"{ITEMS}{item.id}/")
    # then
    assert response.status_code == 204
    assert not GalleryItem.objects.filter(id=item.id).exists()
    assert not any(os.path.exists(p) for p in paths)
    assert GalleryItem.objects.filter(id=keep.id).exists()
    assert imaging.open_stored(keep.file).size == (64, 48)


def test_gallery_item_delete_keeps_children_and_job_history(user, make_item, run_jobs):
    from editing.services import crop_job_create
    from gallery.services import gallery_items_delete

    source = make_item(user)
    with run_jobs():
        job = crop_job_create(user=user, params={}, sources=[source])
    child = job.outputs.get()
    with run_jobs():
        gallery_items_delete(items=[source])
    child.refresh_from_db()
    assert child.parent is None  # SET_NULL, the edited copy stays
    assert imaging.open_stored(child.file)
    job.refresh_from_db()
    assert job.inputs.count() == 0


# --- jobs API --------------------------------------------------------------------------------------

def test_job_list_api_paginates_and_filters(user, other_user, user_api):
    for i in range(3):
        Job.objects.create(owner=user, kind="editing.crop", status=Job.Status.SUCCEEDED)
    Job.objects.create(owner=user, kind="editing.resize", status=Job.Status.FAILED, error_code="x", error_message="no")
    Job.objects.create(owner=other_user, kind="editing.crop")
    body = user_api.get(JOBS, {"page_size": 3}).json()
    assert body["count"] == 4 and len(body["results"]) == 3 and body["next"]
    failed = user_api.get(JOBS, {"status": "failed"}).json()
    assert failed["count"] == 1
    assert failed["results"][0]["error"] == {"code": "x", "message": "no"}
    assert user_api.get(JOBS, {"kind": "editing.crop"}).json()["count"] == 3


def test_job_detail_api_reaps_stale_running_job(user, user_api):
    old = timezone.now() - timedelta(minutes=10)
    job = Job.objects.create(owner=user, kind="editing.crop", status=Job.Status.RUNNING, started_at=old,
                             heartbeat_at=old, language="en")
    body = user_api.get(f"{JOBS}{job.id}/").json()
    assert body["status"] == "failed"
    assert body["error"] == {
        "code": "worker_lost", "message": "The worker running this job stopped before it finished. Please try again.",
    }


def test_job_cancel_api_cancels_queued_job(user, user_api, make_item):
    from editing.services import crop_job_create
    from gallery import runner

    job = crop_job_create(user=user, params={}, sources=[make_item(user)])  # enqueue never runs
    response = user_api.post(f"{JOBS}{job.id}/cancel/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "cancelled"
    assert body["error"] == {"code": "cancelled", "message": "Cancelled by you."}
    assert runner.job_run(job_id=job.id) == "skipped"
    assert user_api.get(f"{JOBS}{job.id}/").json()["outputs"] == []


@pytest.mark.parametrize("status", [Job.Status.RUNNING, Job.Status.SUCCEEDED])
def test_job_cancel_api_conflict(user, user_api, status):
    job = Job.objects.create(owner=user, kind="editing.crop", status=status, heartbeat_at=timezone.now())
    response = user_api.post(f"{JOBS}{job.id}/cancel/")
    assert response.status_code == 409
    assert response.json() == {"error": {
        "code": "not_cancellable", "message": f"Only a job that is still waiting can be cancelled; this one is: {status.label}.",
    }}
    job.refresh_from_db()
    assert job.status == status


# --- authentication --------------------------------------------------------------------------------

@pytest.mark.parametrize(("method", "url"), [
    ("get", ITEMS), ("post", ITEMS), ("get", JOBS), ("get", f"{JOBS}00000000-0000-0000-0000-000000000000/"),
    ("get", f"{ITEMS}00000000-0000-0000-0000-000000000000/file/"),
])
def test_api_unauthenticated_answers_401_in_error_format(method, url):
    response = getattr(APIClient(), method)(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    assert response.json() == {"error": {
        "code": "not_authenticated", "message": "Authentication credentials were not provided.",
    }}


def test_api_token_authenticates_and_revoke_locks_out(user, make_item):
    # given
    item = make_item(user)
    token, secret = api_token_create(user=user, name="laptop")
    client = APIClient(HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_ACCEPT_LANGUAGE="en")
    # when / then: it works, and records its use
    response = client.get(ITEMS)
    assert response.status_code == 200
    assert response.json()["results"][0]["id"] == str(item.id)
    token.refresh_from_db()
    assert token.last_used_at is not None
    # the "Token" keyword works too, and a POST needs no CSRF token
    token_client = APIClient(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Token {secret}")
    assert token_client.post(ITEMS, {"files": [imaging.png()]}, format="multipart").status_code == 201
    # when: revoked
    api_token_revoke(token=token)
    response = client.get(ITEMS)
    # then
    assert response.status_code == 401
    assert response.json() == {"error": {"code": "authentication_failed", "message": "Invalid API token."}}


@pytest.mark.parametrize("header", ["Bearer nope", "Bearer ist_wrong", "Bearer a b", "Token"])
def test_api_token_bad_header_is_401(header):
    response = APIClient(HTTP_AUTHORIZATION=header, HTTP_ACCEPT_LANGUAGE="en").get(ITEMS)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_api_token_of_inactive_user_is_refused(user):
    _token, secret = api_token_create(user=user, name="x")
    user.is_active = False
    user.save()
    response = APIClient(HTTP_AUTHORIZATION=f"Bearer {secret}").get(ITEMS)
    assert response.status_code == 401


def test_api_session_post_needs_csrf(user):
    client = APIClient(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    response = client.post(ITEMS, {"files": [imaging.png()]}, format="multipart")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert "CSRF" in response.json()["error"]["message"]
    assert GalleryItem.objects.count() == 0


# --- bulk (page) -----------------------------------------------------------------------------------

def test_gallery_bulk_zip_contains_the_files(user, user_client, make_item):
    from django.urls import reverse

    a = make_item(user, name="same.png", color=(255, 0, 0))
    b = make_item(user, name="same.png", color=(0, 255, 0))
    c = make_item(user, name="photo.jpg", fmt="JPEG")
    response = user_client.post(reverse("gallery:bulk"), {"ids": [a.id, b.id, c.id], "action": "zip"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="gallery.zip"'
    assert response["X-Content-Type-Options"] == "nosniff"
    with zipfile.ZipFile(io.BytesIO(response.content)) as zf:
        assert sorted(zf.namelist()) == ["photo.jpg", "same-2.png", "same.png"]
        stored = {}
        for item in (a, b, c):
            with item.file.open("rb") as fh:
                stored[item.id] = fh.read()
        assert sorted([zf.read(n) for n in zf.namelist()]) == sorted(stored.values())


def test_gallery_bulk_delete_removes_rows_and_files(user, user_client, make_item, run_jobs, settings):
    from django.urls import reverse

    a, b, keep = make_item(user), make_item(user), make_item(user, name="keep.png")
    with run_jobs():
        response = user_client.post(reverse("gallery:bulk"), {"ids": [a.id, b.id], "action": "delete"})
    assert response.status_code == 302
    assert list(GalleryItem.objects.values_list("id", flat=True)) == [keep.id]
    remaining = {p.relative_to(settings.MEDIA_ROOT).as_posix() for p in imaging.media_files(settings.MEDIA_ROOT)}
    assert remaining == {keep.file.name, keep.thumbnail.name}


def test_gallery_bulk_without_ids_says_so(user_client):
    from django.contrib.messages import get_messages
    from django.urls import reverse

    response = user_client.post(reverse("gallery:bulk"), {"action": "delete"})
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Select at least one image first."]


def test_gallery_bulk_with_a_malformed_id_is_404(user, user_client, make_item):
    # no browser sends it; like every selection, an id that is not one of the user's images is 404
    from django.urls import reverse

    mine = make_item(user)
    response = user_client.post(reverse("gallery:bulk"), {"ids": [mine.id, "not-a-uuid"], "action": "delete"})
    assert response.status_code == 404
    assert GalleryItem.objects.filter(id=mine.id).exists()
