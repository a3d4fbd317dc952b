from collections.abc import Iterable

from gallery.models import GalleryItem, Job
from gallery.services import job_create_for_sources
from ocr import kinds
from ocr.engines import engine_resolve
from ocr.params import OcrParams

OCR_KIND = kinds.READ.name


def ocr_job_create(*, user, params, sources: Iterable[GalleryItem] = (), uploads: Iterable = ()) -> Job:
    """Validates, checks that an engine can read the languages asked for (missing weights fail here,
    before anything is stored or queued), and creates the job."""
    cleaned = OcrParams.clean(params)
    engine_resolve(engine=cleaned["engine"], languages=cleaned["languages"])
    return job_create_for_sources(owner=user, kind=OCR_KIND, params=cleaned, sources=sources, uploads=uploads)
