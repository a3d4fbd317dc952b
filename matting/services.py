"""Portrait cutout jobs: cut out photos, put a cutout on a new background, save a matte painted by
hand. Validation happens here, before anything is stored; on any error nothing is written."""

from collections.abc import Iterable
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image

from config.exceptions import ApplicationError
from gallery.images import image_decode_upload
from gallery.models import GalleryItem, Job
from gallery.services import (
    files_removed_on_error,
    gallery_item_create,
    gallery_uploads_create,
    job_create,
    job_create_for_sources,
)
from matting import engines
from matting.params import background_params_clean, cutout_params_clean

CUTOUT_KIND = "matting.cutout"
BACKGROUND_KIND = "matting.background"
TOUCHUP_KIND = "matting.touchup"
MATTING_KINDS = (CUTOUT_KIND, BACKGROUND_KIND, TOUCHUP_KIND)


def _check_pixels(item: GalleryItem) -> None:
    limit = settings.MATTING_MAX_PIXELS
    if item.width * item.height > limit:
        raise ValidationError(
            _("“%(name)s” is %(width)d×%(height)d; portrait cutout takes photos up to %(limit)s megapixels. "
              "Resize it first.") % {"name": item.name, "width": item.width, "height": item.height,
                                      "limit": f"{limit / 1_000_000:g}"},
            code="too_many_pixels",
        )


def cutout_job_create(*, user, params, sources: Iterable[GalleryItem] = (), uploads: Iterable = ()) -> Job:
    """One job for one or several photos; each gets a cutout and a matte. The engine is checked
    here (MODNet without its weights fails now, with how to add them), not in the worker."""
    cleaned = cutout_params_clean(params)
    engines.engine_resolve(cleaned["engine"])
    return job_create_for_sources(owner=user, kind=CUTOUT_KIND, params=cleaned, sources=sources, uploads=uploads,
                                  check_source=_check_pixels)


def photo_of(item: GalleryItem) -> GalleryItem | None:
    """The photo a cutout or matte was made from (None when it was deleted); a photo is its own."""
    if item.kind in (GalleryItem.Kind.CUTOUT, GalleryItem.Kind.MATTE):
        return item.parent
    return item


def background_job_create(*, user, params, sources: Iterable[GalleryItem] = (), uploads: Iterable = (),
                          background: GalleryItem | None = None, background_upload=None) -> Job:
    """Puts cutouts (or photos, which are cut out first) on a colour, an image (a gallery item or a
    new upload; fill or fit) or a blurred copy of their original photo."""
    cleaned = background_params_clean(params)
    if cleaned["mode"] == "image":
        if background is None and background_upload is None:
            raise ValidationError({"background": _("Choose the background image: upload one or pick one from your "
                                                   "gallery.")}, code="no_background")
        if background is not None and background.owner_id != user.id:
            raise ApplicationError(_("Not found."), code="not_found", status=404)
    else:
        background = background_upload = None
    decoded = image_decode_upload(background_upload) if background_upload is not None else None

    def check(item: GalleryItem) -> None:
        _check_pixels(item)
        if item.kind != GalleryItem.Kind.CUTOUT:
            engines.engine_resolve(cleaned["engine"])  # it will be cut out first
        elif cleaned["mode"] == "blur" and item.parent_id is None:
            raise ValidationError(
                _("The original photo of “%(name)s” was deleted, so it cannot be blurred behind the person. "
                  "Choose a colour or an image instead.") % {"name": item.name},
                code="no_original",
            )

    with files_removed_on_error(), transaction.atomic():
        if decoded is not None:
            background = gallery_uploads_create(owner=user, files=[background_upload])[0]
        if background is not None:
            cleaned["background_item"] = str(background.id)
        return job_create_for_sources(owner=user, kind=BACKGROUND_KIND, params=cleaned, sources=sources,
                                      uploads=uploads, check_source=check)


def matte_from_image(image: Image.Image) -> Image.Image:
    """The matte a user sent: greyscale (white = keep); of an image with real transparency, its alpha."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        alpha = image.convert("RGBA").getchannel("A")
        if alpha.getextrema() != (255, 255):
            return alpha
    return image.convert("L")


def touchup_job_create(*, user, source: GalleryItem, matte_upload) -> Job:
    """Stores the edited matte (kind matte, made from the photo) and queues the job that makes a new
    cutout from it. `source` is the cutout (or matte) being edited, or the photo itself."""
    if source.owner_id != user.id:
        raise ApplicationError(_("Not found."), code="not_found", status=404)
    photo = photo_of(source)
    if photo is None:
        raise ValidationError(_("The original photo of “%(name)s” was deleted; a matte needs the photo it belongs "
                                "to.") % {"name": source.name}, code="no_original")
    if matte_upload is None:
        raise ValidationError({"matte": _("Send the edited matte as a PNG image.")}, code="no_matte")
    decoded = image_decode_upload(matte_upload)
    if decoded.image.size != (photo.width, photo.height):
        raise ValidationError(
            {"matte": _("The matte is %(mw)d×%(mh)d pixels; it must be the size of the photo, %(pw)d×%(ph)d.")
             % {"mw": decoded.image.width, "mh": decoded.image.height, "pw": photo.width, "ph": photo.height}},
            code="matte_size",
        )
    matte = matte_from_image(decoded.image)
    stem = PurePath(photo.name).stem or "photo"
    with files_removed_on_error(), transaction.atomic():
        matte_item = gallery_item_create(
            owner=user, image=matte, kind=GalleryItem.Kind.MATTE, name=f"{stem}-matte-edited", fmt="PNG",
            parent=photo, metadata={"operation": TOUCHUP_KIND, "role": "matte", "engine": "touch-up",
                                    "edited_from": str(source.id), "source_name": photo.name},
        )
        params = {"photo": str(photo.id), "matte": str(matte_item.id), "edited_from": str(source.id),
                  "format": source.format if source.kind == GalleryItem.Kind.CUTOUT and source.format == "WEBP"
                  else "PNG"}
        return job_create(owner=user, kind=TOUCHUP_KIND, params=params, inputs=[photo, matte_item])
