"""Upload validation and image encoding. Every upload's header is read before anything is decoded,
and every upload is fully decoded with Pillow before it is stored, so a bad file is refused with a
clear message and leaves no row or file behind."""

import contextlib
import ctypes
import ctypes.util
import io
import math
import sys
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

# Truncated files must fail, not decode to half a picture.
ImageFile.LOAD_TRUNCATED_IMAGES = False

ALLOWED_FORMATS = {"PNG", "JPEG", "BMP", "WEBP"}
# BMP is accepted but stored as PNG: same pixels, a fraction of the bytes.
STORED_FORMAT = {"PNG": "PNG", "JPEG": "JPEG", "BMP": "PNG", "WEBP": "WEBP"}
OUTPUT_FORMATS = ("PNG", "JPEG", "WEBP")
EXTENSIONS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp", "BMP": "bmp"}


@dataclass
class DecodedImage:
    image: Image.Image
    source_format: str
    name: str


@dataclass
class ImageHeader:
    """What a file says about itself before a single pixel is decoded."""

    name: str
    source_format: str
    width: int
    height: int

    @property
    def pixels(self) -> int:
        return self.width * self.height


def _human_size(n: int) -> str:
    """1536 -> "1.5 KB", 25 MiB -> "25 MB"; one decimal, so a file just over the limit does not
    read as the limit itself ("0 MB; the limit is 0 MB")."""
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if n >= scale:
            return f"{n / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{n} B"


def _megapixels(n: int) -> str:
    return f"{n / 1_000_000:.1f}".removesuffix(".0")


def _upload_name(upload) -> str:
    return PurePath(getattr(upload, "name", "") or "image").name[:200]


def _check_bytes(upload, name: str) -> None:
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
    if size == 0:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name}, code="empty_file")
    if size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("“%(name)s” is %(size)s; the limit is %(limit)s.")
            % {"name": name, "size": _human_size(size), "limit": _human_size(settings.UPLOAD_MAX_BYTES)},
            code="too_many_bytes",
        )


@contextlib.contextmanager
def _opened(upload, name: str) -> Iterator[Image.Image]:
    """Opens the upload (Pillow reads the header only) and checks what the header tells; whatever
    the caller then does with the image (decoding it) raises our ValidationError, not Pillow's."""
    upload.seek(0)
    max_pixels = settings.UPLOAD_MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(upload)
            fmt = image.format
            width, height = image.size
            if fmt not in ALLOWED_FORMATS:
                raise ValidationError(
                    _("“%(name)s” is a %(format)s image; please upload PNG, JPEG, BMP or WebP.")
                    % {"name": name, "format": fmt or "?"},
                    code="unsupported_format",
                )
            if width <= 0 or height <= 0:
                raise ValidationError(_("“%(name)s” has no pixels.") % {"name": name}, code="zero_size")
            if width * height > max_pixels:
                raise _too_many_pixels(name, width, height, max_pixels)
            yield image
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(name, None, None, max_pixels) from None
    except (UnidentifiedImageError, SyntaxError, ValueError) as exc:
        raise ValidationError(
            _("“%(name)s” is not an image we can read.") % {"name": name}, code="not_an_image"
        ) from exc
    except OSError as exc:
        raise ValidationError(
            _("“%(name)s” is damaged or incomplete (truncated).") % {"name": name}, code="truncated"
        ) from exc
    finally:
        upload.seek(0)


def image_header_check(upload) -> ImageHeader:
    """Refuses what the bytes and the header already tell (empty, too many bytes, not an image, a
    format we do not take, too many pixels) without decoding: cheap enough to run on every file of a
    request before the first one is decoded."""
    name = _upload_name(upload)
    _check_bytes(upload, name)
    with _opened(upload, name) as image:
        return ImageHeader(name=name, source_format=image.format, width=image.width, height=image.height)


def image_headers_check(uploads: list) -> list[ImageHeader]:
    """Checks every file's header, then the pixels the request brings in total
    (UPLOAD_MAX_REQUEST_PIXELS): decoding one file at a time bounds the memory, this bounds the
    time one request may spend decoding and encoding."""
    headers = [image_header_check(upload) for upload in uploads]
    total = sum(h.pixels for h in headers)
    limit = settings.UPLOAD_MAX_REQUEST_PIXELS
    if total > limit:
        raise ValidationError(
            _("These images have %(total)s megapixels together; one upload may bring at most %(limit)s "
              "megapixels. Please upload them in smaller groups.")
            % {"total": _megapixels(total), "limit": _megapixels(limit)},
            code="too_many_request_pixels",
        )
    return headers


def image_decode_upload(upload) -> DecodedImage:
    """Decode an uploaded file completely; raise ValidationError (code + translated message) if it
    is not an acceptable image. Applies EXIF orientation."""
    name = _upload_name(upload)
    _check_bytes(upload, name)
    with _opened(upload, name) as image:
        image.load()
    fmt = image.format
    # In place: without an orientation tag this is a no-op, where the default returns a full copy.
    ImageOps.exif_transpose(image, in_place=True)
    return DecodedImage(image=image, source_format=fmt, name=name)


def _too_many_pixels(name: str, width: int | None, height: int | None, limit: int) -> ValidationError:
    size = f"{width}×{height}" if width else _("too many pixels")
    return ValidationError(
        _("“%(name)s” is too large (%(size)s); the limit is %(limit)s megapixels.")
        % {"name": name, "size": size, "limit": f"{limit / 1_000_000:g}"},
        code="too_many_pixels",
    )


# Grey at 16 bits a sample (PNG); Pillow's convert() to L or RGB clips them, turning mid grey white.
SIXTEEN_BIT_MODES = ("I;16", "I;16B", "I;16L", "I")


def _eight_bit(image: Image.Image) -> Image.Image:
    return image.convert("I").point(lambda v: v / 257).convert("L")


def normalize_mode(image: Image.Image, fmt: str) -> Image.Image:
    """Converts to a mode the target format can store, keeping transparency where it can."""
    if image.mode in SIXTEEN_BIT_MODES and not (fmt == "PNG" and image.mode == "I;16"):
        image = _eight_bit(image)
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    if fmt == "JPEG":
        if has_alpha:
            rgba = image.convert("RGBA")
            flat = Image.new("RGB", rgba.size, (255, 255, 255))
            flat.paste(rgba, mask=rgba.getchannel("A"))
            return flat
        return image if image.mode in ("RGB", "L") else image.convert("RGB")
    if image.mode in ("RGB", "RGBA", "L", "LA") or (fmt == "PNG" and image.mode in ("P", "I;16", "1")):
        return image
    return image.convert("RGBA" if has_alpha else "RGB")


def image_encode(image: Image.Image, fmt: str, *, quality: int = 92, lossless: bool = False) -> bytes:
    """Encodes without EXIF/XMP/GPS; keeps the ICC profile so colours stay right. `lossless` applies
    to WebP (PNG always is; JPEG never)."""
    fmt = fmt.upper()
    image = normalize_mode(image, fmt)
    kwargs: dict = {}
    icc = image.info.get("icc_profile")
    if icc:
        kwargs["icc_profile"] = icc
    if fmt == "JPEG":
        # Baseline, not progressive: a progressive 12 MP JPEG takes 3x longer to decode and to
        # encode (bench/foundation.py, part p), for about 5% fewer bytes.
        kwargs.update(quality=quality, optimize=True)
    elif fmt == "WEBP":
        kwargs.update(quality=quality, method=4, lossless=lossless, exact=lossless)
    elif fmt == "PNG":
        kwargs.update(compress_level=6)
    buf = io.BytesIO()
    image.save(buf, fmt, **kwargs)
    return buf.getvalue()


def _thumbnail_size(width: int, height: int, box: int) -> tuple[int, int] | None:
    """The size Image.thumbnail((box, box)) gives (same rounding), or None if it fits already."""
    if width <= box and height <= box:
        return None
    aspect = width / height

    def round_aspect(number: float, key) -> int:
        return max(min(math.floor(number), math.ceil(number), key=key), 1)

    if 1 >= aspect:
        return round_aspect(box * aspect, key=lambda n: abs(aspect - n / box)), box
    return box, round_aspect(box / aspect, key=lambda n: 0 if n == 0 else abs(aspect - box / n))


def thumbnail_encode(image: Image.Image, size: int) -> bytes:
    """The pixels of Image.thumbnail (LANCZOS, reducing_gap 3), resized into a new small image: no
    full-size copy of the original first (196 MB for a 49 MP RGB upload)."""
    if image.mode in SIXTEEN_BIT_MODES:
        image = _eight_bit(image)
    if image.mode not in ("RGB", "RGBA", "L", "LA"):  # P and 1 resize badly
        image = image.convert("RGBA" if "A" in image.getbands() or "transparency" in image.info else "RGB")
    target = _thumbnail_size(image.width, image.height, size)
    thumb = image.resize(target, Image.Resampling.LANCZOS, reducing_gap=3.0) if target else image
    if thumb.mode in ("L", "LA"):  # converted after resizing: grey channels resize the same, 3x fewer bytes
        thumb = thumb.convert("RGBA" if thumb.mode == "LA" else "RGB")
    buf = io.BytesIO()
    thumb.save(buf, "WEBP", quality=80, method=4)
    return buf.getvalue()


def extension_for(fmt: str) -> str:
    return EXTENSIONS.get(fmt.upper(), fmt.lower())


def heap_trim() -> None:
    """Gives freed heap memory back to the system (glibc's malloc_trim; elsewhere nothing). After a
    large upload, glibc may keep the freed pages of Pillow's image blocks in its arenas."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim(0)
    except (OSError, AttributeError):  # musl has no malloc_trim
        pass
