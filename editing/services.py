from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from editing.text_engine import fill_check, fonts_check
from editing.text_params import (
    points_inside_check,
    text_add_params_clean,
    text_lines_params_clean,
    text_modify_params_clean,
    text_remove_params_clean,
)
from gallery.models import GalleryItem, Job
from gallery.services import job_create_for_sources
from editing.operations import resize_target
from editing.params import crop_params_clean, resize_params_clean, resize_target_check

CROP_KIND = "editing.crop"
RESIZE_KIND = "editing.resize"


def crop_job_create(*, user, params: dict, sources: Iterable[GalleryItem] = (), uploads: Iterable = ()) -> Job:
    cleaned = crop_params_clean(params)
    return job_create_for_sources(owner=user, kind=CROP_KIND, params=cleaned, sources=sources, uploads=uploads)


def resize_job_create(*, user, params: dict, sources: Iterable[GalleryItem] = (), uploads: Iterable = ()) -> Job:
    cleaned = resize_params_clean(params)

    def check(item: GalleryItem) -> None:
        resize_target_check(resize_target_for(cleaned, (item.width, item.height)))

    return job_create_for_sources(
        owner=user, kind=RESIZE_KIND, params=cleaned, sources=sources, uploads=uploads, check_source=check
    )


def resize_target_for(params: dict, size: tuple[int, int]) -> tuple[int, int]:
    return resize_target(
        size, width=params["width"], height=params["height"], percent=params["percent"],
        keep_aspect=params["keep_aspect"],
    )


# --- Text in images --------------------------------------------------------------------------------

TEXT_LINES_KIND = "editing.text_lines"
TEXT_ADD_KIND = "editing.text_add"
TEXT_MODIFY_KIND = "editing.text_modify"
TEXT_REMOVE_KIND = "editing.text_remove"
TEXT_KINDS = (TEXT_LINES_KIND, TEXT_ADD_KIND, TEXT_MODIFY_KIND, TEXT_REMOVE_KIND)


def _text_job_create(*, user, kind: str, cleaned: dict, sources, uploads) -> Job:
    """One image per job (boxes are drawn on that image); every point must lie inside it. On any
    error nothing is stored, uploads included."""
    sources, uploads = list(sources), list(uploads)
    if len(sources) + len(uploads) > 1:
        raise ValidationError(_("Text is edited on one image at a time: choose a single image."), code="one_image")

    def check(item: GalleryItem) -> None:
        points_inside_check(cleaned, (item.width, item.height))

    return job_create_for_sources(owner=user, kind=kind, params=cleaned, sources=sources, uploads=uploads,
                                  check_source=check)


def text_lines_job_create(*, user, params: dict, sources: Iterable[GalleryItem] = (), uploads: Iterable = ()) -> Job:
    """Finds the lines of text in an image (OCR), for the modify and remove modes to show."""
    cleaned = text_lines_params_clean(params)
    return _text_job_create(user=user, kind=TEXT_LINES_KIND, cleaned=cleaned, sources=sources, uploads=uploads)


def text_add_job_create(*, user, params: dict, sources: Iterable[GalleryItem] = (), uploads: Iterable = ()) -> Job:
    cleaned = text_add_params_clean(params)
    fonts_check(box["font"] for box in cleaned["boxes"])
    return _text_job_create(user=user, kind=TEXT_ADD_KIND, cleaned=cleaned, sources=sources, uploads=uploads)


def text_modify_job_create(*, user, params: dict, sources: Iterable[GalleryItem] = (), uploads: Iterable = ()) -> Job:
    cleaned = text_modify_params_clean(params)
    fonts_check(edit["font"] for edit in cleaned["edits"] if edit["font"])
    fill_check(cleaned["method"])
    return _text_job_create(user=user, kind=TEXT_MODIFY_KIND, cleaned=cleaned, sources=sources, uploads=uploads)


def text_remove_job_create(*, user, params: dict, sources: Iterable[GalleryItem] = (), uploads: Iterable = ()) -> Job:
    cleaned = text_remove_params_clean(params)
    fill_check(cleaned["method"])
    return _text_job_create(user=user, kind=TEXT_REMOVE_KIND, cleaned=cleaned, sources=sources, uploads=uploads)
