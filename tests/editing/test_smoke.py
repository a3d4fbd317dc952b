from gallery.models import GalleryItem, Job
from editing.services import crop_job_create
from conftest import upload
from PIL import Image


def test_crop_end_to_end(user, django_capture_on_commit_callbacks, db):
    with django_capture_on_commit_callbacks(execute=True):
        job = crop_job_create(user=user, params={"left": 25, "top": 0, "right": 75, "bottom": 50}, uploads=[upload()])
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error_message
    out = job.outputs.get()
    assert (out.width, out.height) == (32, 24)
    with out.file.open("rb") as fh:
        assert Image.open(fh).size == (32, 24)
    assert GalleryItem.objects.count() == 2
