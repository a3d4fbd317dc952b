from django.http import Http404

from gallery import selectors
from gallery.models import Job
from ocr.services import OCR_KIND


def ocr_job_get(*, owner, job_id) -> Job:
    """The user's OCR job; anything else (another user's, another kind) is 404."""
    job = selectors.job_get(owner=owner, job_id=job_id)
    if job.kind != OCR_KIND:
        raise Http404
    return job
