"""Upload validation (gallery.images) through the service that stores uploads."""

import pytest
from django.core.exceptions import ValidationError
from PIL import ExifTags, Image

from gallery.models import GalleryItem
from gallery.services import gallery_uploads_create
from tests import imaging
from tests.imaging import BLUE

pytestmark = pytest.mark.django_db


def _assert_nothing_stored(settings):
    assert GalleryItem.objects.count() == 0
    assert imaging.media_files(settings.MEDIA_ROOT) == []


# --- accepted formats -----------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("name", "fmt", "stored_format", "extension"),
    [
        ("photo.png", "PNG", "PNG", "png"),
        ("photo.jpg", "JPEG", "JPEG", "jpg"),
        ("photo.bmp", "BMP", "PNG", "png"),  # BMP is stored as PNG
        ("photo.webp", "WEBP", "WEBP", "webp"),
    ],
)
def test_gallery_uploads_create_accepts_format(user, settings, name, fmt, stored_format, extension):
    # given
    data = imaging.encode(imaging.solid((64, 48), (200, 30, 30)), fmt, **({"lossless": True} if fmt == "WEBP" else {}))
    # when
    [item] = gallery_uploads_create(owner=user, files=[imaging.file(name, data)])
    # then: the row
    item.refresh_from_db()
    assert item.owner == user
    assert item.kind == GalleryItem.Kind.UPLOAD
    assert item.name == name
    assert (item.width, item.height) == (64, 48)
    assert item.format == stored_format
    assert item.metadata == {"original_format": fmt}
    assert item.file.name.endswith(f"{item.id.hex}.{extension}")
    assert item.file.name.startswith(f"items/{user.id}/")
    # then: the files on disk
    stored = imaging.open_stored(item.file)
    assert stored.format == stored_format
    assert stored.size == (64, 48)
    r, g, b = stored.convert("RGB").getpixel((10, 10))
    assert abs(r - 200) <= 6 and abs(g - 30) <= 6 and abs(b - 30) <= 6
    assert item.bytes == item.file.size
    thumb = imaging.open_stored(item.thumbnail)
    assert thumb.format == "WEBP"
    assert sorted(p.name for p in imaging.media_files(settings.MEDIA_ROOT)) == sorted(
        [f"{item.id.hex}.{extension}", f"{item.id.hex}.webp"]
    )


def test_gallery_uploads_create_thumbnail_fits_the_box(user, settings):
    # given
    settings.THUMBNAIL_SIZE = 32
    # when
    [item] = gallery_uploads_create(owner=user, files=[imaging.png(size=(200, 100))])
    # then
    assert imaging.open_stored(item.thumbnail).size == (32, 16)


def test_gallery_uploads_create_sets_sha256_and_expiry(user, settings):
    import hashlib

    settings.RETENTION_DAYS = 7
    [item] = gallery_uploads_create(owner=user, files=[imaging.png()])
    with item.file.open("rb") as fh:
        assert item.sha256 == hashlib.sha256(fh.read()).hexdigest()
    assert item.expires_at is not None
    assert 6.9 < (item.expires_at - item.created_at).total_seconds() / 86400 < 7.1


def test_gallery_uploads_create_no_expiry_when_retention_off(user, settings):
    settings.RETENTION_DAYS = 0
    [item] = gallery_uploads_create(owner=user, files=[imaging.png()])
    assert item.expires_at is None


# --- EXIF ------------------------------------------------------------------------------------------

def test_gallery_uploads_create_applies_exif_orientation_and_strips_exif(user):
    # given: a 40x20 picture, left red and right blue, that asks to be shown rotated 90° clockwise
    data = imaging.jpeg_with_exif(imaging.two_colour((40, 20)), orientation=6, gps=True)
    source_exif = Image.open(imaging.file("x.jpg", data)).getexif()
    assert source_exif.get_ifd(ExifTags.IFD.GPSInfo)  # the input really carries GPS
    # when
    [item] = gallery_uploads_create(owner=user, files=[imaging.file("phone.jpg", data, "image/jpeg")])
    # then: stored upright, width and height swapped
    assert (item.width, item.height) == (20, 40)
    stored = imaging.open_stored(item.file)
    assert stored.size == (20, 40)
    # the left edge is now the top: red above, blue below
    top, bottom = stored.getpixel((10, 5)), stored.getpixel((10, 35))
    assert top[0] > 200 and top[2] < 60, top
    assert bottom[2] > 200 and bottom[0] < 60, bottom
    # and no EXIF is left: no orientation (which would rotate it twice), no GPS, no camera
    exif = stored.getexif()
    assert exif.get_ifd(ExifTags.IFD.GPSInfo) == {}
    assert dict(exif) == {}
    assert "exif" not in stored.info


def test_gallery_uploads_create_strips_gps_from_png(user):
    # given
    exif = Image.Exif()
    exif[ExifTags.IFD.GPSInfo] = {ExifTags.GPS.GPSLatitudeRef: "S"}
    data = imaging.encode(imaging.solid(), "PNG", exif=exif.tobytes())
    # when
    [item] = gallery_uploads_create(owner=user, files=[imaging.file("gps.png", data)])
    # then
    stored = imaging.open_stored(item.file)
    assert dict(stored.getexif()) == {}


# --- refused files ---------------------------------------------------------------------------------

def _cut(data: bytes) -> bytes:
    return data[: len(data) // 2]


BAD_FILES = {
    "truncated_jpeg": (
        lambda: imaging.file("cut.jpg", _cut(imaging.encode(imaging.noisy(), "JPEG")), "image/jpeg"),
        "truncated", "“cut.jpg” is damaged or incomplete (truncated).",
    ),
    "truncated_png": (
        lambda: imaging.file("cut.png", _cut(imaging.encode(imaging.noisy(), "PNG")), "image/png"),
        "truncated", "“cut.png” is damaged or incomplete (truncated).",
    ),
    "text_named_png": (
        lambda: imaging.file("x.png", b"just some text, not a picture\n" * 4, "image/png"),
        "not_an_image", "“x.png” is not an image we can read.",
    ),
    "gif": (
        lambda: imaging.file("anim.gif", imaging.encode(imaging.solid(), "GIF"), "image/gif"),
        "unsupported_format", "“anim.gif” is a GIF image; please upload PNG, JPEG, BMP or WebP.",
    ),
    "tiff": (
        lambda: imaging.file("scan.tiff", imaging.encode(imaging.solid(), "TIFF"), "image/tiff"),
        "unsupported_format", "“scan.tiff” is a TIFF image; please upload PNG, JPEG, BMP or WebP.",
    ),
    "gif_named_png": (
        lambda: imaging.file("liar.png", imaging.encode(imaging.solid(), "GIF"), "image/png"),
        "unsupported_format", "“liar.png” is a GIF image; please upload PNG, JPEG, BMP or WebP.",
    ),
    "zero_bytes": (
        lambda: imaging.file("empty.png", b"", "image/png"),
        "empty_file", "“empty.png” is empty.",
    ),
    "decompression_bomb": (
        # 144 megapixels, about 40 KB on disk; Pillow's own bomb warning fires before the size check.
        lambda: imaging.file("bomb.png", imaging.one_bit_png(12000, 12000), "image/png"),
        "too_many_pixels", "“bomb.png” is too large (too many pixels); the limit is 50 megapixels.",
    ),
    "zero_width": (
        # A valid PNG structure whose IHDR says width 0: Pillow refuses to identify it at all.
        lambda: imaging.file("zero.png", imaging.png_with_ihdr(0, 10), "image/png"),
        "not_an_image", "“zero.png” is not an image we can read.",
    ),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_gallery_uploads_create_refuses_bad_file(user, settings, case):
    # given
    make, code, message = BAD_FILES[case]
    # when
    with pytest.raises(ValidationError) as exc_info:
        gallery_uploads_create(owner=user, files=[make()])
    # then
    assert exc_info.value.code == code
    assert exc_info.value.messages == [message]
    _assert_nothing_stored(settings)


def test_gallery_uploads_create_refuses_too_many_bytes(user, settings):
    # given
    settings.UPLOAD_MAX_BYTES = 1024
    big = imaging.file("noise.png", imaging.encode(imaging.noisy((100, 100)), "PNG"), "image/png")
    assert big.size > 1024
    # when
    with pytest.raises(ValidationError) as exc_info:
        gallery_uploads_create(owner=user, files=[big])
    # then
    assert exc_info.value.code == "too_many_bytes"
    size_kb = f"{big.size / 1024:.1f}".removesuffix(".0")
    assert exc_info.value.messages == [f"“noise.png” is {size_kb} KB; the limit is 1 KB."]
    _assert_nothing_stored(settings)


def test_gallery_uploads_create_refuses_too_many_pixels_setting(user, settings):
    # given
    settings.UPLOAD_MAX_PIXELS = 1000
    # when
    with pytest.raises(ValidationError) as exc_info:
        gallery_uploads_create(owner=user, files=[imaging.png(size=(64, 48), name="big.png")])
    # then
    assert exc_info.value.code == "too_many_pixels"
    assert exc_info.value.messages == ["“big.png” is too large (64×48); the limit is 0.001 megapixels."]
    _assert_nothing_stored(settings)


def test_gallery_uploads_create_refuses_whole_batch_when_one_is_bad(user, settings):
    # given: two good files around a bad one
    files = [
        imaging.png(name="one.png"),
        imaging.file("two.png", b"not an image", "image/png"),
        imaging.jpeg(name="three.jpg"),
    ]
    # when
    with pytest.raises(ValidationError) as exc_info:
        gallery_uploads_create(owner=user, files=files)
    # then
    assert exc_info.value.code == "not_an_image"
    assert "two.png" in exc_info.value.messages[0]
    _assert_nothing_stored(settings)


def test_gallery_uploads_create_removes_files_when_saving_fails(user, settings, monkeypatch):
    # given: the second row fails to save after the first item's files were written
    from gallery import services

    real_create = services.gallery_item_create
    calls = []

    def flaky_create(**kwargs):
        calls.append(kwargs["name"])
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real_create(**kwargs)

    monkeypatch.setattr(services, "gallery_item_create", flaky_create)
    # when
    with pytest.raises(RuntimeError):
        gallery_uploads_create(owner=user, files=[imaging.png(name="a.png"), imaging.png(name="b.png")])
    # then
    assert calls == ["a.png", "b.png"]
    _assert_nothing_stored(settings)


def test_gallery_uploads_create_needs_a_file(user):
    with pytest.raises(ValidationError) as exc_info:
        gallery_uploads_create(owner=user, files=[])
    assert exc_info.value.code == "no_file"


def test_gallery_uploads_create_refuses_too_many_files(user, settings):
    settings.UPLOAD_MAX_FILES = 2
    with pytest.raises(ValidationError) as exc_info:
        gallery_uploads_create(owner=user, files=[imaging.png(name=f"{i}.png") for i in range(3)])
    assert exc_info.value.code == "too_many_files"
    assert exc_info.value.messages == ["At most 2 images at once."]
    _assert_nothing_stored(settings)


def test_gallery_uploads_create_keeps_alpha_in_png(user):
    data = imaging.encode(Image.new("RGBA", (10, 10), (0, 255, 0, 0)), "PNG")
    [item] = gallery_uploads_create(owner=user, files=[imaging.file("clear.png", data)])
    stored = imaging.open_stored(item.file)
    assert stored.mode == "RGBA"
    assert stored.getpixel((5, 5))[3] == 0


def test_gallery_uploads_create_blue_jpeg_stays_blue(user):
    [item] = gallery_uploads_create(owner=user, files=[imaging.jpeg(color=BLUE)])
    stored = imaging.open_stored(item.file)
    assert stored.mode == "RGB"
    r, g, b = stored.getpixel((5, 5))
    assert b > 240 and r < 15 and g < 15


def test_gallery_uploads_create_size_message_is_precise_near_the_limit(user, settings):
    # given: 25 MB allowed, a file of 25.5 MB (the size is faked: no need to build 25 MB)
    settings.UPLOAD_MAX_BYTES = 25 * 1024 * 1024
    big = imaging.png(name="huge.png")
    big.size = int(25.5 * 1024 * 1024)
    # when
    with pytest.raises(ValidationError) as exc_info:
        gallery_uploads_create(owner=user, files=[big])
    # then: the two sizes differ in the message
    assert exc_info.value.messages == ["“huge.png” is 25.5 MB; the limit is 25 MB."]


def test_gallery_item_rename_updates_search_text(user, make_item):
    from core.exceptions import ApplicationError
    from gallery.services import gallery_item_rename

    item = make_item(user, name="a.png", metadata={"ocr_text": "Hello"})
    gallery_item_rename(item=item, name="  Sunset at Sea.png ")
    item.refresh_from_db()
    assert item.name == "Sunset at Sea.png"
    assert item.search_text == "sunset at sea.png\nhello"
    with pytest.raises(ApplicationError) as exc_info:
        gallery_item_rename(item=item, name="   ")
    assert exc_info.value.code == "name_required"
