"""Crop and resize pages: selection, submit, errors."""

import pytest
from django.urls import reverse

from gallery.models import Job

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("page", ["editing:crop", "editing:resize"])
def test_editor_page_without_source_lists_recent_items(user, user_client, make_item, page):
    items = [make_item(user, name=f"{i}.png") for i in range(3)]
    response = user_client.get(reverse(page))
    assert response.status_code == 200
    assert response.context["source"] is None
    assert [i.id for i in response.context["recent_items"]] == [i.id for i in reversed(items)]


@pytest.mark.parametrize("page", ["editing:crop", "editing:resize"])
def test_editor_page_with_source_and_batch(user, user_client, make_item, page):
    a, b = make_item(user, name="a.png"), make_item(user, name="b.png")
    response = user_client.get(reverse(page), {"source": a.id, "batch": f"{a.id},{b.id}"})
    assert response.status_code == 200
    assert response.context["source"] == a
    assert response.context["batch"] == [a, b]
    assert response.context["upload_next"] == reverse(page)


@pytest.mark.parametrize("page", ["editing:crop", "editing:resize"])
def test_editor_page_bad_source_id_is_404(user_client, page):
    assert user_client.get(reverse(page), {"source": "not-a-uuid"}).status_code == 404


def test_crop_page_submit_runs_job_and_shows_it(user, user_client, make_item, run_jobs):
    # given
    item = make_item(user, size=(64, 48))
    # when
    with run_jobs():
        response = user_client.post(f"{reverse('editing:crop')}?source={item.id}",
                                    {"left": "25", "right": "75", "rotate": "90", "format": "same", "quality": "92"})
    # then
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("gallery:job-detail", args=[job.id])
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    out = job.outputs.get()
    assert (out.width, out.height) == (24, 64)
    detail = user_client.get(response["Location"])
    assert detail.status_code == 200
    assert detail.context["job"] == job


def test_crop_page_apply_all_processes_the_batch(user, user_client, make_item, run_jobs):
    a, b = make_item(user, name="a.png"), make_item(user, name="b.png")
    with run_jobs():
        user_client.post(f"{reverse('editing:crop')}?source={a.id}&batch={a.id},{b.id}",
                         {"apply_all": "1", "right": "50"})
    job = Job.objects.get()
    assert set(job.inputs.values_list("name", flat=True)) == {"a.png", "b.png"}
    assert job.outputs.count() == 2


def test_crop_page_without_apply_all_only_the_source(user, user_client, make_item, run_jobs):
    a, b = make_item(user, name="a.png"), make_item(user, name="b.png")
    with run_jobs():
        user_client.post(f"{reverse('editing:crop')}?source={a.id}&batch={a.id},{b.id}", {"right": "50"})
    assert list(Job.objects.get().inputs.values_list("name", flat=True)) == ["a.png"]


def test_crop_page_bad_params_rerender_with_errors(user, user_client, make_item):
    item = make_item(user)
    response = user_client.post(f"{reverse('editing:crop')}?source={item.id}", {"left": "60", "right": "40"})
    assert response.status_code == 400
    assert response.context["errors"] == ["The right edge must be to the right of the left edge."]
    assert "The right edge must be to the right of the left edge." in response.content.decode()
    assert response.context["form_data"]["left"] == "60"
    assert Job.objects.count() == 0


def test_resize_page_errors(user, user_client, make_item, settings):
    item = make_item(user, size=(64, 48))
    response = user_client.post(f"{reverse('editing:resize')}?source={item.id}", {})
    assert response.status_code == 400
    assert response.context["errors"] == ["Enter a width, a height or a percentage."]
    settings.UPLOAD_MAX_PIXELS = 10_000
    response = user_client.post(f"{reverse('editing:resize')}?source={item.id}", {"percent": "1000"})
    assert response.context["errors"] == ["The result would be 640×480, more than the 0.01 megapixel limit."]
    assert Job.objects.count() == 0


def test_resize_page_submit(user, user_client, make_item, run_jobs):
    item = make_item(user, size=(64, 48))
    with run_jobs():
        response = user_client.post(f"{reverse('editing:resize')}?source={item.id}",
                                    {"width": "16", "keep_aspect": "on", "filter": "bicubic", "format": "JPEG"})
    assert response.status_code == 302
    out = Job.objects.get().outputs.get()
    assert (out.width, out.height, out.format) == (16, 12, "JPEG")


def test_resize_page_keep_aspect_unchecked(user, user_client, make_item, run_jobs):
    # An unchecked checkbox sends nothing: keep_aspect must then be off, not the default on.
    item = make_item(user, size=(64, 48))
    with run_jobs():
        user_client.post(f"{reverse('editing:resize')}?source={item.id}", {"width": "16", "height": "16"})
    out = Job.objects.get().outputs.get()
    assert (out.width, out.height) == (16, 16)


def test_editor_pages_need_login(client):
    for page in ("editing:crop", "editing:resize"):
        response = client.get(reverse(page))
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
