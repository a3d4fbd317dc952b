""""New background for all": one background job for every cutout of a finished batch, through the page and
the API; another user's batch answers 404; an unfinished batch is refused and stores nothing."""

import pytest
from django.urls import reverse
from PIL import Image

from gallery.models import GalleryItem, Job
from matting.services import BACKGROUND_KIND, CUTOUT_KIND
from tests.matting.helpers import half_cutout

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_weights_dir")]

SIZE = (80, 60)


@pytest.fixture
def batch(user, make_item):
    job = Job.objects.create(owner=user, kind=CUTOUT_KIND, status=Job.Status.SUCCEEDED, params={"engine": "u2netp"})
    for name in ("anna", "bo", "chen"):
        photo = make_item(user, name=f"{name}.jpg", image=Image.new("RGB", SIZE, (0, 160, 0)), fmt="JPEG")
        make_item(user, name=f"{name}-cutout", image=half_cutout(SIZE), kind="cutout", parent=photo, job=job,
                  metadata={"engine": "u2netp", "role": "cutout"})
        make_item(user, name=f"{name}-matte", image=Image.new("L", SIZE, 255), kind="matte", parent=photo, job=job)
    return job


def test_api_puts_every_cutout_of_the_batch_on_one_colour(user_api, run_jobs, batch):
    with run_jobs():
        response = user_api.post(f"/api/v1/matting/{batch.id}/background/", {"mode": "color", "color": "#2563eb",
                                                                             "format": "PNG"}, format="json")
    assert response.status_code == 202, response.content
    job = Job.objects.get(id=response.json()["id"])
    assert job.kind == BACKGROUND_KIND and job.status == Job.Status.SUCCEEDED, job.error_message
    outputs = list(job.outputs.order_by("name"))
    assert [o.parent.name for o in outputs] == ["anna-cutout", "bo-cutout", "chen-cutout"]
    for out in outputs:
        with out.file.open("rb") as f:
            image = Image.open(f).convert("RGB")
        # the half the cutout leaves transparent is the new colour
        assert image.getpixel((SIZE[0] - 5, SIZE[1] // 2)) == (37, 99, 235)


def test_page_form_makes_the_same_job_and_shows_it(user_client, run_jobs, batch):
    with run_jobs():
        response = user_client.post(reverse("matting:batch-background", args=[batch.id]),
                                    {"mode": "blur", "format": "JPEG"})
    assert response.status_code in (200, 302), response.content[:300]
    job = Job.objects.filter(kind=BACKGROUND_KIND).get()
    assert job.status == Job.Status.SUCCEEDED and job.outputs.count() == 3


def test_another_users_batch_answers_404_and_stores_nothing(other_client, api_client, other_user, batch):
    api_client.force_login(other_user)
    assert api_client.post(f"/api/v1/matting/{batch.id}/background/", {"mode": "color", "color": "#000000"},
                           format="json").status_code == 404
    assert other_client.post(reverse("matting:batch-background", args=[batch.id]),
                             {"mode": "color", "color": "#000000"}).status_code == 404
    assert not Job.objects.filter(kind=BACKGROUND_KIND).exists()


def test_an_unfinished_batch_is_refused_translated(user_api, batch, settings):
    Job.objects.filter(id=batch.id).update(status=Job.Status.RUNNING)
    items = GalleryItem.objects.count()
    user_api.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    response = user_api.post(f"/api/v1/matting/{batch.id}/background/", {"mode": "color", "color": "#000000"},
                             format="json")
    assert response.status_code == 400 and response.json()["error"]["code"] == "job_not_finished"
    assert "还没有完成" in response.json()["error"]["message"]
    assert not Job.objects.filter(kind=BACKGROUND_KIND).exists() and GalleryItem.objects.count() == items
