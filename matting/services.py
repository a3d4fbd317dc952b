"""Portrait cutout jobs: cut out photos, put a cutout on a new background, save a matte painted by
hand. Validation happens here, before anything is stored; on any error nothing is written."""

from collections.abc import Iterable
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image

from core.exceptions import ApplicationError
from gallery.images import image_decode_upload, image_headers_check
from gallery.models import GalleryItem, Job
from gallery.services import (
    files_removed_on_error,
    gallery_item_create,
    gallery_uploads_create,
    job_create,
    job_create_for_sources,
)
from matting import kinds
from matting import engines
from matting.params import BackgroundParams, CutoutParams, generated_picture_params

CUTOUT_KIND = kinds.CUTOUT.name
BACKGROUND_KIND = kinds.BACKGROUND.name
BACKGROUND_LOCAL_KIND = kinds.BACKGROUND_LOCAL.name  # (a background made by the local model)
BACKGROUND_KINDS = (BACKGROUND_KIND, BACKGROUND_LOCAL_KIND)
TOUCHUP_KIND = kinds.TOUCHUP.name
MATTING_KINDS = (CUTOUT_KIND, *BACKGROUND_KINDS, TOUCHUP_KIND)


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
    cleaned = CutoutParams.clean(params)
    engines.engine_resolve(cleaned["engine"])
    return job_create_for_sources(owner=user, kind=CUTOUT_KIND, params=cleaned, sources=sources, uploads=uploads,
                                  check_source=_check_pixels)


def photo_of(item: GalleryItem) -> GalleryItem | None:
    """The photo a cutout or matte was made from (None when it was deleted); a photo is its own."""
    if item.kind in (GalleryItem.Kind.CUTOUT, GalleryItem.Kind.MATTE):
        return item.parent
    return item


def background_job_create(*, user, params, sources: Iterable[GalleryItem] = (), uploads: Iterable = (),
                          background: GalleryItem | None = None, background_upload=None, typed_key: str = "",
                          save_key: bool = False, typed_by_default: bool = False) -> Job:
    """Puts cutouts (or photos, which are cut out first) on a colour, an image (a gallery item or a
    new upload; fill or fit), a blurred copy of their original photo, or a picture generated from a
    prompt (`typed_key`, `save_key` and `typed_by_default` as in generation.services.picture_request)."""
    cleaned = BackgroundParams.clean(params)
    if cleaned["mode"] == "generated":
        return _generated_background_job_create(user=user, params=params, cleaned=cleaned, sources=sources,
                                                uploads=uploads, typed_key=typed_key, save_key=save_key,
                                                typed_by_default=typed_by_default)
    if cleaned["mode"] == "image":
        if background is None and background_upload is None:
            raise ValidationError({"background": _("Choose the background image: upload one or pick one from your "
                                                   "gallery.")}, code="no_background")
        if background is not None and background.owner_id != user.id:
            raise ApplicationError(_("Not found."), code="not_found", status=404)
    else:
        background = background_upload = None
    uploads = list(uploads)
    if background_upload is not None:
        # Headers only: the background and the photos are decoded one at a time when they are stored.
        image_headers_check([background_upload, *uploads])

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
        if background_upload is not None:
            background = gallery_uploads_create(owner=user, files=[background_upload])[0]
        if background is not None:
            cleaned["background_item"] = str(background.id)
        return job_create_for_sources(owner=user, kind=BACKGROUND_KIND, params=cleaned, sources=sources,
                                      uploads=uploads, check_source=check)


def _generated_background_job_create(*, user, params, cleaned: dict, sources, uploads, typed_key: str,
                                     save_key: bool, typed_by_default: bool) -> Job:
    """One picture is generated per job, at the size the chosen model supports closest to the first
    photo's aspect ratio, and fills every photo of the job (cropped to cover, as "image" with "fill").
    The prompt, the model's rules and the key are checked by one call to generation before anything
    is stored; the size once the first photo is known (an upload is stored first, and removed again
    when anything fails). Then gallery creates the job: nothing calls back into generation."""
    from generation.services import picture_request
    from ml.generation.catalog import size_for_aspect

    picked = generated_picture_params(params)
    sized: list[GalleryItem] = []
    with transaction.atomic():  # a key saved with this request is undone when the job cannot be made
        picture = picture_request(user=user, params=picked, typed_key=typed_key, save_key=save_key,
                                  typed_by_default=typed_by_default)
        cleaned.update(picture.params)
        cleaned["fit"] = "fill"

        def check(item: GalleryItem) -> None:
            _check_pixels(item)
            if item.kind != GalleryItem.Kind.CUTOUT:
                engines.engine_resolve(cleaned["engine"])  # it will be cut out first
            if not sized:  # the first photo sets the generated picture's size (one the model makes)
                sized.append(item)
                width, height = size_for_aspect(picture.spec, item.width, item.height)
                cleaned.update(width=width, height=height, size=f"{width}*{height}")

        return job_create_for_sources(owner=user, kind=BACKGROUND_LOCAL_KIND if picture.local else BACKGROUND_KIND,
                                      params=cleaned, sources=sources, uploads=uploads, check_source=check,
                                      job_id=picture.job_id)


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


def batch_background_job_create(*, user, job: Job, params, background: GalleryItem | None = None,
                                background_upload=None, typed_key: str = "", save_key: bool = False,
                                typed_by_default: bool = False) -> Job:
    """"New background for all": one background job for every cutout of a finished batch, made by the
    same rules as one cutout's (a colour, an image, the blurred original, a generated picture); its
    results go to the gallery like any other. Another user's job answers 404; a job that is not a
    finished cutout job, or has no cutouts left, is refused and nothing is stored."""
    from matting.selectors import job_cutouts

    if job.owner_id != user.id or job.kind != CUTOUT_KIND:
        raise ApplicationError(_("Not found."), code="not_found", status=404)
    if job.status != Job.Status.SUCCEEDED:
        raise ValidationError(_("This cutout job has not finished, so its cutouts cannot get a new background yet."),
                              code="job_not_finished")
    cutouts = job_cutouts(job)
    if not cutouts:
        raise ValidationError(_("The cutouts of this job were deleted."), code="no_cutouts")
    return background_job_create(user=user, params=params, sources=cutouts, background=background,
                                 background_upload=background_upload, typed_key=typed_key, save_key=save_key,
                                 typed_by_default=typed_by_default)
