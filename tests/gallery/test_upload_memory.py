"""One decoded upload at a time (issue 15, item 4): a request of many files must not hold their pixels
together, and the pixels one request brings in total are bounded (UPLOAD_MAX_REQUEST_PIXELS)."""

import gc
import weakref

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from gallery import services
from gallery.models import GalleryItem
from gallery.services import gallery_uploads_create
from tests import imaging
from tests.gallery.test_upload_edges import API_URL, assert_page_shows

pytestmark = pytest.mark.django_db

TOO_MANY = ("These images have 1.2 megapixels together; one upload may bring at most 1 megapixels. "
            "Please upload them in smaller groups.")


def _nothing_stored(settings) -> bool:
    return GalleryItem.objects.count() == 0 and imaging.media_files(settings.MEDIA_ROOT) == []


@pytest.fixture
def decodes(monkeypatch):
    """Spies on the decoder the service calls: for each decode, the names of the images decoded
    before it that are still alive (after a full garbage collection) when it starts."""
    real = services.image_decode_upload
    refs: list[tuple[str, weakref.ref]] = []
    alive: list[list[str]] = []

    def spy(upload):
        gc.collect()
        alive.append([name for name, ref in refs if ref() is not None])
        decoded = real(upload)
        refs.append((decoded.name, weakref.ref(decoded.image)))
        return decoded

    monkeypatch.setattr(services, "image_decode_upload", spy)
    spy.alive, spy.refs = alive, refs
    return spy


def _still_alive(decodes) -> list[str]:
    gc.collect()
    return [name for name, ref in decodes.refs if ref() is not None]


def _pngs(n: int, size=(64, 48)) -> list:
    return [imaging.png(size, name=f"{i + 1}.png") for i in range(n)]


# --- one decoded image at a time --------------------------------------------------------------------

def test_gallery_uploads_create_frees_each_image_before_decoding_the_next(user, decodes):
    # when
    items = gallery_uploads_create(owner=user, files=_pngs(4))
    # then: when each file was decoded, none decoded before it was still held
    assert len(items) == 4
    assert decodes.alive == [[], [], [], []]
    assert _still_alive(decodes) == []


def test_gallery_item_list_api_upload_frees_each_image_before_decoding_the_next(user_api, decodes):
    # when
    response = user_api.post(API_URL, {"files": _pngs(3)}, format="multipart")
    # then
    assert response.status_code == 201, response.content
    assert decodes.alive == [[], [], []]
    assert _still_alive(decodes) == []


def test_gallery_upload_page_frees_each_image_before_decoding_the_next(user_client, decodes):
    response = user_client.post(reverse("gallery:upload"), {"files": _pngs(3)})
    assert response.status_code == 302
    assert decodes.alive == [[], [], []]


# --- all or none --------------------------------------------------------------------------------------

def test_gallery_uploads_create_bad_third_file_leaves_nothing(user, settings, decodes):
    # given: the third file's header is fine; only decoding it finds it cut short
    cut = imaging.file("3.png", imaging.encode(imaging.noisy(), "PNG")[:5000], "image/png")
    # when
    with pytest.raises(ValidationError) as exc_info:
        gallery_uploads_create(owner=user, files=[*_pngs(2), cut])
    # then: files 1 and 2 were stored, then removed with their rows
    assert exc_info.value.code == "truncated"
    assert exc_info.value.messages == ["“3.png” is damaged or incomplete (truncated)."]
    assert len(decodes.alive) == 3
    assert _nothing_stored(settings)


def test_gallery_item_list_api_upload_bad_third_file_leaves_nothing(user_api, settings):
    cut = imaging.file("3.jpg", imaging.encode(imaging.noisy(), "JPEG")[:3000], "image/jpeg")
    response = user_api.post(API_URL, {"files": [*_pngs(2), cut]}, format="multipart")
    assert response.status_code == 400
    assert response.json() == {"error": {"code": "truncated", "message": "“3.jpg” is damaged or incomplete (truncated)."}}
    assert _nothing_stored(settings)


def test_gallery_uploads_create_refuses_bad_header_before_decoding_any(user, settings, decodes):
    # when: the third is not an image at all, which its header already tells
    with pytest.raises(ValidationError) as exc_info:
        gallery_uploads_create(owner=user, files=[*_pngs(2), imaging.file("3.png", b"plain text")])
    # then
    assert exc_info.value.code == "not_an_image"
    assert decodes.alive == []
    assert _nothing_stored(settings)


# --- the pixels of one request ----------------------------------------------------------------------

def test_gallery_uploads_create_refuses_too_many_pixels_together_before_decoding(user, settings, decodes):
    # given: three files of 0.4 MP, each allowed alone, 1.2 MP together
    settings.UPLOAD_MAX_REQUEST_PIXELS = 1_000_000
    # when
    with pytest.raises(ValidationError) as exc_info:
        gallery_uploads_create(owner=user, files=_pngs(3, size=(800, 500)))
    # then
    assert exc_info.value.code == "too_many_request_pixels"
    assert exc_info.value.messages == [TOO_MANY]
    assert decodes.alive == []
    assert _nothing_stored(settings)


def test_gallery_uploads_create_takes_exactly_the_request_pixel_limit(user, settings):
    settings.UPLOAD_MAX_REQUEST_PIXELS = 1_200_000
    assert len(gallery_uploads_create(owner=user, files=_pngs(3, size=(800, 500)))) == 3


def test_gallery_item_list_api_upload_too_many_pixels_together(user_api, settings):
    settings.UPLOAD_MAX_REQUEST_PIXELS = 1_000_000
    response = user_api.post(API_URL, {"files": _pngs(3, size=(800, 500))}, format="multipart")
    assert response.status_code == 400
    assert response.json() == {"error": {"code": "too_many_request_pixels", "message": TOO_MANY}}
    assert _nothing_stored(settings)


def test_gallery_upload_page_too_many_pixels_together(user_client, settings):
    settings.UPLOAD_MAX_REQUEST_PIXELS = 1_000_000
    response = user_client.post(reverse("gallery:upload"), {"files": _pngs(3, size=(800, 500))}, follow=True)
    assert response.status_code == 200
    assert_page_shows(response, TOO_MANY)
    assert _nothing_stored(settings)


def test_gallery_upload_page_too_many_pixels_together_in_chinese(user, client, settings):
    # the site's default language
    settings.UPLOAD_MAX_REQUEST_PIXELS = 1_000_000
    client.force_login(user)
    response = client.post(reverse("gallery:upload"), {"files": _pngs(3, size=(800, 500))}, follow=True)
    assert_page_shows(response, "这些图片合计 1.2 百万像素，单次上传最多 1 百万像素。请分几次上传。")


# --- thumbnails without a full-size copy ------------------------------------------------------------

def _thumbnail_as_before(image, size: int) -> bytes:
    """What thumbnail_encode did before: a full-size copy, shrunk in place."""
    import io

    from PIL import Image

    thumb = image.copy()
    if thumb.mode not in ("RGB", "RGBA"):
        thumb = thumb.convert("RGBA" if "A" in thumb.getbands() or "transparency" in thumb.info else "RGB")
    thumb.thumbnail((size, size), Image.Resampling.LANCZOS, reducing_gap=3.0)
    buf = io.BytesIO()
    thumb.save(buf, "WEBP", quality=80, method=4)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("mode", "size"),
    [("RGB", (2000, 1000)), ("RGB", (333, 1001)), ("RGBA", (700, 700)), ("L", (1280, 719)),
     ("LA", (640, 480)), ("P", (900, 300)), ("RGB", (320, 200)), ("RGB", (100, 50)), ("RGB", (5000, 3))],
)
def test_thumbnail_encode_gives_the_same_thumbnail_as_before(mode, size):
    from gallery.images import thumbnail_encode

    image = imaging.noisy(size).convert(mode)
    assert thumbnail_encode(image, 320) == _thumbnail_as_before(image, 320)
