"""Uploads through the page (gallery:upload) and the API (POST /api/v1/gallery/items/)."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from gallery.models import GalleryItem
from tests import imaging

pytestmark = pytest.mark.django_db

API_URL = "/api/v1/gallery/items/"


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def assert_page_shows(response, message: str) -> None:
    """The message reached the rendered page: in the template context and in the HTML."""
    from django.utils.html import escape

    assert message in [str(m) for m in response.context["messages"]]
    assert escape(message) in response.content.decode()


# --- page -----------------------------------------------------------------------------------------

def test_gallery_upload_page_stores_files_and_redirects_to_list(user, user_client):
    # when
    response = user_client.post(
        reverse("gallery:upload"), {"files": [imaging.png(name="a.png"), imaging.jpeg(name="b.jpg")]}, follow=True
    )
    # then
    assert response.redirect_chain == [(reverse("gallery:list"), 302)]
    assert response.status_code == 200
    assert_page_shows(response, "Uploaded 2 images.")
    assert sorted(GalleryItem.objects.filter(owner=user).values_list("name", flat=True)) == ["a.png", "b.jpg"]


def test_gallery_upload_page_returns_to_editor_with_selection(user, user_client):
    # when
    response = user_client.post(
        reverse("gallery:upload"),
        {"files": [imaging.png(name="a.png"), imaging.png(name="b.png")], "next": reverse("editing:crop")},
    )
    # then: the editor gets the first as source and both as the batch
    items = list(GalleryItem.objects.filter(owner=user).order_by("name"))
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(reverse("editing:crop") + "?source=")
    assert str(items[0].id) in location and str(items[1].id) in location
    assert "batch=" in location


def test_gallery_upload_page_ignores_foreign_next(user_client):
    response = user_client.post(
        reverse("gallery:upload"), {"files": [imaging.png()], "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("gallery:list")


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: imaging.file("x.png", b"plain text", "image/png"), "“x.png” is not an image we can read."),
        (lambda: imaging.file("a.gif", imaging.encode(imaging.solid(), "GIF")),
         "“a.gif” is a GIF image; please upload PNG, JPEG, BMP or WebP."),
        (lambda: imaging.file("e.png", b""), "“e.png” is empty."),
    ],
)
def test_gallery_upload_page_shows_error_and_stores_nothing(user_client, settings, make, message):
    # when
    response = user_client.post(reverse("gallery:upload"), {"files": [make()]}, follow=True)
    # then
    assert response.status_code == 200
    assert_page_shows(response, message)
    assert GalleryItem.objects.count() == 0
    assert imaging.media_files(settings.MEDIA_ROOT) == []


def test_gallery_upload_page_error_goes_back_to_next(user_client):
    # when
    response = user_client.post(
        reverse("gallery:upload"), {"files": [imaging.file("x.png", b"nope")], "next": reverse("editing:resize")}
    )
    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("editing:resize")
    assert _messages(response) == ["“x.png” is not an image we can read."]


def test_gallery_upload_page_without_files_says_so(user_client):
    response = user_client.post(reverse("gallery:upload"), {})
    assert _messages(response) == ["Choose at least one image."]


def test_gallery_upload_page_needs_login(client):
    response = client.post(reverse("gallery:upload"), {"files": [imaging.png()]})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert GalleryItem.objects.count() == 0


def test_gallery_upload_page_refuses_get(user_client):
    assert user_client.get(reverse("gallery:upload")).status_code == 405


# --- API ------------------------------------------------------------------------------------------

def test_gallery_item_list_api_upload_returns_items(user, user_api):
    # when
    response = user_api.post(API_URL, {"files": [imaging.png(name="a.png"), imaging.file(
        "b.bmp", imaging.encode(imaging.solid((5, 7)), "BMP"))]}, format="multipart")
    # then
    assert response.status_code == 201, response.content
    body = response.json()
    items = {i.name: i for i in GalleryItem.objects.filter(owner=user)}
    assert [b["name"] for b in body] == ["a.png", "b.bmp"]
    bmp = body[1]
    item = items["b.bmp"]
    assert bmp == {
        "id": str(item.id),
        "name": "b.bmp",
        "kind": "upload",
        "width": 5,
        "height": 7,
        "format": "PNG",
        "bytes": item.bytes,
        "sha256": item.sha256,
        "parent": None,
        "job": None,
        "metadata": {"original_format": "BMP"},
        "created_at": bmp["created_at"],
        "expires_at": bmp["expires_at"],
        "file_url": f"http://testserver/api/v1/gallery/items/{item.id}/file/",
        "thumbnail_url": f"http://testserver/api/v1/gallery/items/{item.id}/thumbnail/",
        "download_url": f"http://testserver/api/v1/gallery/items/{item.id}/download/",
    }


def test_gallery_item_list_api_upload_accepts_single_file_field(user, user_api):
    response = user_api.post(API_URL, {"file": imaging.png()}, format="multipart")
    assert response.status_code == 201
    assert GalleryItem.objects.filter(owner=user).count() == 1


@pytest.mark.parametrize(
    ("make", "code", "message"),
    [
        (lambda: imaging.file("x.png", b"plain text"), "not_an_image", "“x.png” is not an image we can read."),
        (lambda: imaging.file("cut.jpg", imaging.encode(imaging.noisy(), "JPEG")[:3000]), "truncated",
         "“cut.jpg” is damaged or incomplete (truncated)."),
        (lambda: imaging.file("s.tif", imaging.encode(imaging.solid(), "TIFF")), "unsupported_format",
         "“s.tif” is a TIFF image; please upload PNG, JPEG, BMP or WebP."),
        (lambda: imaging.file("bomb.png", imaging.one_bit_png(12000, 12000)), "too_many_pixels",
         "“bomb.png” is too large (too many pixels); the limit is 50 megapixels."),
        (lambda: imaging.file("e.png", b""), "empty_file", "“e.png” is empty."),
    ],
)
def test_gallery_item_list_api_upload_error_body(user_api, settings, make, code, message):
    # when
    response = user_api.post(API_URL, {"files": [make()]}, format="multipart")
    # then
    assert response.status_code == 400
    assert response.json() == {"error": {"code": code, "message": message}}
    assert GalleryItem.objects.count() == 0
    assert imaging.media_files(settings.MEDIA_ROOT) == []


def test_gallery_item_list_api_upload_batch_with_one_bad_stores_none(user_api, settings):
    files = [imaging.png(name="1.png"), imaging.file("2.png", b"text"), imaging.png(name="3.png")]
    response = user_api.post(API_URL, {"files": files}, format="multipart")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "not_an_image"
    assert GalleryItem.objects.count() == 0
    assert imaging.media_files(settings.MEDIA_ROOT) == []


def test_gallery_item_list_api_upload_without_files(user_api):
    response = user_api.post(API_URL, {}, format="multipart")
    assert response.status_code == 400
    assert response.json() == {"error": {"code": "no_file", "message": "Choose at least one image."}}


def test_gallery_item_list_api_upload_too_many_files_gets_our_message(user_api, settings):
    # Django's own file-count limit is set above ours, so the client gets the translated message.
    files = [imaging.png((2, 2), name=f"{i}.png") for i in range(settings.UPLOAD_MAX_FILES + 1)]
    response = user_api.post(API_URL, {"files": files}, format="multipart")
    assert response.status_code == 400
    assert response.json() == {"error": {
        "code": "too_many_files", "message": f"At most {settings.UPLOAD_MAX_FILES} images at once.",
    }}
    assert GalleryItem.objects.count() == 0


def test_htmx_request_after_session_expiry_redirects_whole_page(client):
    response = client.get(reverse("gallery:job-list"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith(reverse("account_login"))
