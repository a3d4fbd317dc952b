"""Gallery and job pages."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from editing.services import crop_job_create
from gallery.models import GalleryItem, Job
from tests import imaging

pytestmark = pytest.mark.django_db


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_home_shows_recent_items(user, user_client, make_item):
    items = [make_item(user, name=f"{i}.png", size=(2, 2)) for i in range(10)]
    response = user_client.get(reverse("home"))
    assert response.status_code == 200
    assert [i.id for i in response.context["recent_items"]] == [i.id for i in reversed(items)][:8]


def test_home_needs_login(client):
    assert client.get("/").status_code == 302


def test_gallery_list_filters_and_searches(user, other_user, user_client, make_item):
    make_item(user, name="cat.png")
    ocr = make_item(user, name="page.png", kind="ocr", metadata={"ocr_text": "bronze bird 天路"})
    make_item(other_user, name="bronze.png")
    assert user_client.get(reverse("gallery:list")).context["page_obj"].paginator.count == 2
    page = user_client.get(reverse("gallery:list"), {"q": " 天路 "}).context
    assert [i.id for i in page["page_obj"]] == [ocr.id]
    assert page["query"] == "天路" and page["keep_query"] == "q=%E5%A4%A9%E8%B7%AF"
    assert [i.id for i in user_client.get(reverse("gallery:list"), {"kind": "ocr"}).context["page_obj"]] == [ocr.id]
    # an unknown kind is ignored rather than an error
    assert user_client.get(reverse("gallery:list"), {"kind": "bogus"}).context["kind"] == ""


def test_gallery_list_paginates(user, user_client, make_item, settings):
    settings.GALLERY_PAGE_SIZE = 2
    for i in range(5):
        make_item(user, name=f"{i}.png", size=(2, 2))
    page = user_client.get(reverse("gallery:list"), {"page": 3}).context["page_obj"]
    assert page.number == 3 and len(page) == 1
    assert user_client.get(reverse("gallery:list"), {"page": 99}).context["page_obj"].number == 3


def test_gallery_item_detail_shows_children_and_job(user, user_client, make_item, run_jobs):
    source = make_item(user)
    with run_jobs():
        job = crop_job_create(user=user, params={"right": 50}, sources=[source])
    child = job.outputs.get()
    response = user_client.get(reverse("gallery:item-detail", args=[source.id]))
    assert response.status_code == 200
    assert list(response.context["children"]) == [child]
    child_page = user_client.get(reverse("gallery:item-detail", args=[child.id]))
    assert child_page.context["job"] == job
    assert child_page.context["output_formats"] == ("PNG", "JPEG", "WEBP")


def test_gallery_item_file_and_thumbnail_pages(user, user_client, make_item):
    item = make_item(user, size=(30, 20))
    file_response = user_client.get(reverse("gallery:item-file", args=[item.id]))
    assert file_response["Content-Type"] == "image/png"
    assert file_response["X-Content-Type-Options"] == "nosniff"
    assert file_response["Content-Disposition"].startswith("inline")
    thumb = user_client.get(reverse("gallery:item-thumbnail", args=[item.id]))
    assert thumb["Content-Type"] == "image/webp"
    assert thumb["X-Content-Type-Options"] == "nosniff"


def test_gallery_item_delete_page(user, user_client, make_item, run_jobs, settings):
    item = make_item(user, name="bye.png")
    with run_jobs():
        response = user_client.post(reverse("gallery:item-delete", args=[item.id]))
    assert response.status_code == 302 and response["Location"] == reverse("gallery:list")
    assert _messages(response) == ["Deleted “bye.png”."]
    assert GalleryItem.objects.count() == 0
    assert imaging.media_files(settings.MEDIA_ROOT) == []


def test_gallery_item_delete_page_needs_post(user, user_client, make_item):
    item = make_item(user)
    assert user_client.get(reverse("gallery:item-delete", args=[item.id])).status_code == 405
    assert GalleryItem.objects.count() == 1


def test_job_list_page(user, other_user, user_client):
    mine = Job.objects.create(owner=user, kind="editing.crop")
    Job.objects.create(owner=other_user, kind="editing.crop")
    response = user_client.get(reverse("gallery:job-list"))
    assert list(response.context["page_obj"]) == [mine]


def test_job_detail_page_htmx_returns_partial(user, user_client):
    job = Job.objects.create(owner=user, kind="editing.crop")
    full = user_client.get(reverse("gallery:job-detail", args=[job.id]))
    partial = user_client.get(reverse("gallery:job-detail", args=[job.id]), HTTP_HX_REQUEST="true")
    assert [t.name for t in full.templates][0] == "gallery/job_detail.html"
    assert [t.name for t in partial.templates][0] == "gallery/_job_status.html"


def test_job_detail_page_reaps_stale_job(user, user_client):
    old = timezone.now() - timedelta(minutes=5)
    job = Job.objects.create(owner=user, kind="editing.crop", status=Job.Status.RUNNING, heartbeat_at=old,
                             started_at=old)
    response = user_client.get(reverse("gallery:job-detail", args=[job.id]))
    assert response.context["job"].status == Job.Status.FAILED
    assert response.context["job"].error_code == "worker_lost"


def test_job_cancel_page(user, user_client, make_item):
    job = crop_job_create(user=user, params={}, sources=[make_item(user)])
    response = user_client.post(reverse("gallery:job-cancel", args=[job.id]))
    assert response.status_code == 302 and response["Location"] == reverse("gallery:job-detail", args=[job.id])
    assert _messages(response) == ["Job cancelled."]
    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED


def test_job_cancel_page_running_job_shows_why_not(user, user_client):
    job = Job.objects.create(owner=user, kind="editing.crop", status=Job.Status.RUNNING, heartbeat_at=timezone.now())
    response = user_client.post(reverse("gallery:job-cancel", args=[job.id]))
    assert _messages(response) == ["Only a job that is still waiting can be cancelled; this one is: Running."]
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING


@pytest.mark.parametrize("kind,params,stops", [
    ("generation.local", {}, True),
    ("matting.background", {"mode": "generated"}, True),
    ("matting.background", {"mode": "colour"}, False),
])
def test_job_cancel_page_stops_a_running_job_whose_kind_can_stop(user, user_client, kind, params, stops):
    # the job page's cancel button follows the kind's declaration, as the feature's own page does
    job = Job.objects.create(owner=user, kind=kind, params=params, status=Job.Status.RUNNING,
                             heartbeat_at=timezone.now())
    response = user_client.post(reverse("gallery:job-cancel", args=[job.id]))
    job.refresh_from_db()
    assert (job.status == Job.Status.CANCELLED) is stops
    assert _messages(response) == (["Job cancelled."] if stops else
                                   ["Only a job that is still waiting can be cancelled; this one is: Running."])
