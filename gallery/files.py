"""Streaming private files to their owner: original, thumbnail, converted copy, zip of several.
Every read goes through the field's storage (filesystem or bucket); a storage that cannot be reached
raises gallery.storage.StorageUnavailable, a translated 503."""

import io
import zipfile
from pathlib import PurePath

from django.http import FileResponse, Http404, HttpResponse
from django.utils.translation import gettext as _
from PIL import Image

from core.exceptions import ApplicationError
from gallery.images import OUTPUT_FORMATS, extension_for, image_encode
from gallery.models import GalleryItem


def _download_name(item: GalleryItem, fmt: str) -> str:
    stem = PurePath(item.name).stem or "image"
    return f"{stem}.{extension_for(fmt)}"


def _open(field):
    try:
        return field.open("rb")
    except FileNotFoundError:
        # A row whose object is gone (gallery.reconcile reports it): nothing to serve.
        raise Http404("The file of this item is missing.") from None


def _harden(response: HttpResponse) -> HttpResponse:
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def item_file_response(item: GalleryItem, *, attachment: bool) -> FileResponse:
    response = FileResponse(
        _open(item.file), content_type=item.content_type, as_attachment=attachment,
        filename=_download_name(item, item.format),
    )
    return _harden(response)


def item_thumbnail_response(item: GalleryItem) -> FileResponse:
    field = item.thumbnail if item.thumbnail else item.file
    content_type = "image/webp" if item.thumbnail else item.content_type
    return _harden(FileResponse(_open(field), content_type=content_type))


def item_converted_bytes(item: GalleryItem, fmt: str, quality: int = 92) -> bytes:
    fmt = fmt.upper()
    if fmt not in OUTPUT_FORMATS:
        raise ApplicationError(_("Choose PNG, JPEG or WebP."), code="bad_format")
    with _open(item.file) as fh, Image.open(fh) as image:
        image.load()
        return image_encode(image, fmt, quality=quality)


def item_download_response(item: GalleryItem, fmt: str | None) -> HttpResponse:
    if not fmt or fmt.upper() == item.format:
        return item_file_response(item, attachment=True)
    data = item_converted_bytes(item, fmt)
    response = HttpResponse(data, content_type=f"image/{fmt.lower()}")
    response["Content-Disposition"] = _content_disposition(_download_name(item, fmt))
    return _harden(response)


def items_zip_response(items: list[GalleryItem]) -> HttpResponse:
    buf = io.BytesIO()
    used: set[str] = set()
    # Images are already compressed: storing them is as small and much faster than deflating.
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_STORED) as zf:
        for item in items:
            name = _download_name(item, item.format)
            stem, ext = name.rsplit(".", 1)
            n = 1
            while name in used:
                n += 1
                name = f"{stem}-{n}.{ext}"
            used.add(name)
            with _open(item.file) as fh:
                zf.writestr(name, fh.read())
    response = HttpResponse(buf.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = _content_disposition("gallery.zip")
    return _harden(response)


def _content_disposition(filename: str) -> str:
    from django.utils.http import content_disposition_header

    return content_disposition_header(True, filename)
