from collections.abc import Iterable

from editing import kinds
from editing.operations import resize_target
from editing.params import CropParams, ResizeParams, resize_target_check
from gallery.models import GalleryItem, Job
from gallery.services import job_create_for_sources

CROP_KIND = kinds.CROP.name
RESIZE_KIND = kinds.RESIZE.name


def crop_job_create(*, user, params: dict, sources: Iterable[GalleryItem] = (), uploads: Iterable = ()) -> Job:
    cleaned = CropParams.clean(params)
    return job_create_for_sources(owner=user, kind=CROP_KIND, params=cleaned, sources=sources, uploads=uploads)


def resize_job_create(*, user, params: dict, sources: Iterable[GalleryItem] = (), uploads: Iterable = ()) -> Job:
    cleaned = ResizeParams.clean(params)

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
