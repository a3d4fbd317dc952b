"""Classes of bad and odd uploads, one table each, sent through both edges: the upload page
(gallery:upload) and the API (POST /api/v1/gallery/items/)."""

import io
from dataclasses import dataclass, field
from typing import Callable

import pytest
from django.urls import reverse
from PIL import ExifTags, Image

from gallery.models import GalleryItem
from tests import imaging
from tests.gallery.test_upload_edges import API_URL, assert_page_shows

pytestmark = pytest.mark.django_db

EDGES = ("page", "api")


def _animated(fmt: str) -> bytes:
    frames = [Image.new("RGB", (20, 10), c) for c in ((255, 0, 0), (0, 255, 0), (0, 0, 255))]
    extra = {"lossless": True} if fmt == "WEBP" else {}
    buf = io.BytesIO()
    frames[0].save(buf, fmt, save_all=True, append_images=frames[1:], duration=100, loop=0, **extra)
    return buf.getvalue()


def _gif_html_polyglot() -> bytes:
    """A GIF whose trailing bytes are HTML with a script: a browser sniffing it could run it."""
    return imaging.encode(imaging.solid((4, 4)), "GIF") + b"<html><script>alert(document.cookie)</script></html>"


NOISE_PNG = imaging.encode(imaging.noisy((100, 100)), "PNG")  # about 30 KB, never compresses


@dataclass
class Bad:
    make: Callable[[], object]
    code: str
    message: str
    settings: dict = field(default_factory=dict)


BAD = {
    "zero_bytes": Bad(lambda: imaging.file("empty.png", b"", "image/png"), "empty_file", "“empty.png” is empty."),
    "text_as_png": Bad(lambda: imaging.file("notes.png", b"shopping list: eggs\n" * 5, "image/png"),
                       "not_an_image", "“notes.png” is not an image we can read."),
    "truncated_png": Bad(lambda: imaging.file("cut.png", imaging.encode(imaging.noisy(), "PNG")[:5000]),
                         "truncated", "“cut.png” is damaged or incomplete (truncated)."),
    "truncated_jpeg": Bad(lambda: imaging.file("cut.jpg", imaging.encode(imaging.noisy(), "JPEG")[:3000]),
                          "truncated", "“cut.jpg” is damaged or incomplete (truncated)."),
    # The header claims 400 MP: Pillow's own bomb check fires before ours, so no size in the message.
    "pixel_bomb_header": Bad(lambda: imaging.file("bomb.png", imaging.png_with_ihdr(20000, 20000)),
                             "too_many_pixels", "“bomb.png” is too large (too many pixels); the limit is 50 megapixels."),
    "over_pixel_limit_header": Bad(lambda: imaging.file("big.png", imaging.png_with_ihdr(8000, 8000)),
                                   "too_many_pixels", "“big.png” is too large (8000×8000); the limit is 50 megapixels."),
    "over_byte_limit": Bad(lambda: imaging.file("noise.png", NOISE_PNG), "too_many_bytes",
                           f"“noise.png” is {len(NOISE_PNG) / 1024:.1f} KB; the limit is 10 KB.".replace(".0 KB;", " KB;"),
                           settings={"UPLOAD_MAX_BYTES": 10 * 1024}),
    "svg": Bad(lambda: imaging.file("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9">'
                                    b'<rect width="9" height="9"/></svg>', "image/svg+xml"),
               "not_an_image", "“logo.svg” is not an image we can read."),
    "pdf_named_jpg": Bad(lambda: imaging.file("scan.jpg", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
                                              "image/jpeg"),
                         "not_an_image", "“scan.jpg” is not an image we can read."),
    "gif_html_polyglot": Bad(lambda: imaging.file("page.gif", _gif_html_polyglot(), "image/gif"), "unsupported_format",
                             "“page.gif” is a GIF image; please upload PNG, JPEG, BMP or WebP."),
    "animated_gif": Bad(lambda: imaging.file("anim.gif", _animated("GIF"), "image/gif"), "unsupported_format",
                        "“anim.gif” is a GIF image; please upload PNG, JPEG, BMP or WebP."),
}


def _post(edge: str, request, files: list):
    if edge == "page":
        return request.getfixturevalue("user_client").post(reverse("gallery:upload"), {"files": files}, follow=True)
    return request.getfixturevalue("user_api").post(API_URL, {"files": files}, format="multipart")


@pytest.mark.parametrize("edge", EDGES)
@pytest.mark.parametrize("case", list(BAD))
def test_bad_upload_is_refused_with_its_message_and_stores_nothing(request, settings, edge, case):
    # given
    bad = BAD[case]
    for name, value in bad.settings.items():
        setattr(settings, name, value)
    # when: beside a good file, so "nothing" also means the good one
    response = _post(edge, request, [imaging.png(name="good.png"), bad.make()])
    # then
    if edge == "page":
        assert response.status_code == 200
        assert_page_shows(response, bad.message)
    else:
        assert response.status_code == 400
        assert response.json() == {"error": {"code": bad.code, "message": bad.message}}
    assert GalleryItem.objects.count() == 0
    assert imaging.media_files(settings.MEDIA_ROOT) == []


# --- accepted, and normalised ---------------------------------------------------------------------

def _check_cmyk(item, stored):
    assert (item.format, stored.format, stored.mode) == ("JPEG", "JPEG", "RGB")
    r, g, b = stored.getpixel((5, 5))
    assert r > 200 and g < 60 and b < 60  # CMYK (0, 255, 255, 0) is red


def _check_16_bit(item, stored):
    # kept at 16 bits in the PNG; the thumbnail is the same mid grey, not clipped to white
    assert (item.format, stored.mode) == ("PNG", "I;16")
    assert stored.getpixel((5, 5)) == 40000
    thumb = imaging.open_stored(item.thumbnail).convert("RGB").getpixel((5, 5))
    assert all(abs(c - 155) <= 3 for c in thumb), thumb


def _check_exif_rotated(item, stored):
    assert (item.width, item.height) == (20, 40)
    top, bottom = stored.getpixel((10, 5)), stored.getpixel((10, 35))
    assert top[0] > 200 and bottom[2] > 200  # the left (red) half is on top: upright
    assert dict(stored.getexif()) == {}
    assert stored.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}


def _check_animated_webp(item, stored):
    # the first frame, stored as a still picture
    assert (item.format, item.width, item.height) == ("WEBP", 20, 10)
    assert getattr(stored, "n_frames", 1) == 1
    r, g, b = stored.convert("RGB").getpixel((5, 5))
    assert r > 240 and g < 15 and b < 15  # red, not the green or blue frames


ACCEPTED = {
    "cmyk_jpeg": (lambda: imaging.file("print.jpg", imaging.encode(Image.new("CMYK", (20, 10), (0, 255, 255, 0)),
                                                                   "JPEG", quality=95)), _check_cmyk),
    "png_16_bit": (lambda: imaging.file("scan.png", imaging.encode(Image.new("I;16", (20, 10), 40000), "PNG")),
                   _check_16_bit),
    "exif_rotated_jpeg": (lambda: imaging.file("phone.jpg", imaging.jpeg_with_exif(imaging.two_colour((40, 20)))),
                          _check_exif_rotated),
    "animated_webp": (lambda: imaging.file("anim.webp", _animated("WEBP")), _check_animated_webp),
}


@pytest.mark.parametrize("edge", EDGES)
@pytest.mark.parametrize("case", list(ACCEPTED))
def test_odd_upload_is_accepted_and_normalised(request, user, edge, case):
    # given
    make, check = ACCEPTED[case]
    # when
    response = _post(edge, request, [make()])
    # then
    assert response.status_code == (200 if edge == "page" else 201), response.content
    [item] = GalleryItem.objects.filter(owner=user)
    check(item, imaging.open_stored(item.file))
