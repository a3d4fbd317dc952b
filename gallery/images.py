"""Upload validation and image encoding. Every upload is fully decoded with Pillow before anything
is stored, so a bad file is refused with a clear message and leaves no row or file behind."""

import io
import warnings
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


def _human_size(n: int) -> str:
    """1536 -> "1.5 KB", 25 MiB -> "25 MB"; one decimal, so a file just over the limit does not
    read as the limit itself ("0 MB; the limit is 0 MB")."""
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if n >= scale:
            return f"{n / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{n} B"


def image_decode_upload(upload) -> DecodedImage:
    """Decode an uploaded file completely; raise ValidationError (code + translated message) if it
    is not an acceptable image. Applies EXIF orientation."""
    name = PurePath(getattr(upload, "name", "") or "image").name[:200]
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
            image.load()
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
    image = ImageOps.exif_transpose(image)
    return DecodedImage(image=image, source_format=fmt, name=name)


def _too_many_pixels(name: str, width: int | None, height: int | None, limit: int) -> ValidationError:
    size = f"{width}×{height}" if width else _("too many pixels")
    return ValidationError(
        _("“%(name)s” is too large (%(size)s); the limit is %(limit)s megapixels.")
        % {"name": name, "size": size, "limit": f"{limit / 1_000_000:g}"},
        code="too_many_pixels",
    )


def normalize_mode(image: Image.Image, fmt: str) -> Image.Image:
    """Converts to a mode the target format can store, keeping transparency where it can."""
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


def thumbnail_encode(image: Image.Image, size: int) -> bytes:
    thumb = image.copy()
    if thumb.mode not in ("RGB", "RGBA"):
        thumb = thumb.convert("RGBA" if "A" in thumb.getbands() or "transparency" in thumb.info else "RGB")
    thumb.thumbnail((size, size), Image.Resampling.LANCZOS, reducing_gap=3.0)
    buf = io.BytesIO()
    thumb.save(buf, "WEBP", quality=80, method=4)
    return buf.getvalue()


def extension_for(fmt: str) -> str:
    return EXTENSIONS.get(fmt.upper(), fmt.lower())
