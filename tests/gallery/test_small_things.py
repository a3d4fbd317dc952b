"""Small things a careful user notices (issue 18, item 8): the site's icon, and how long a job took."""

from datetime import timedelta

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone

from gallery.models import Job
from matting.services import CUTOUT_KIND

pytestmark = pytest.mark.django_db


def test_favicon_at_the_site_root_leads_to_the_shipped_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"].endswith(".ico")
    assert finders.find("favicon.ico"), "static/favicon.ico is missing"
    with open(finders.find("favicon.ico"), "rb") as f:
        assert f.read(4) == b"\x00\x00\x01\x00"  # an ICO file


def test_base_page_links_the_icon(client):
    assert 'rel="icon"' in client.get(reverse("account_login")).content.decode()


RESULT_PAGES = [
    (CUTOUT_KIND, "matting:result"),
    ("ocr.read", "ocr:result"),
    ("editing.text_remove", "imagetext:text-result"),
    ("generation.local", "generation:result"),
    ("editing.crop", "gallery:job-detail"),  # crop and resize have no page of their own
]


@pytest.mark.parametrize("kind, url_name", RESULT_PAGES)
def test_result_page_says_how_long_the_job_waited_and_ran(user_client, user, kind, url_name):
    """Every result page, even for a job whose params hold nothing (the OCR page used to crash on that)."""
    queued = timezone.now() - timedelta(seconds=30)
    job = Job.objects.create(owner=user, kind=kind, status=Job.Status.SUCCEEDED, params={})
    Job.objects.filter(id=job.id).update(queued_at=queued, started_at=queued + timedelta(seconds=1.5),
                                         finished_at=queued + timedelta(seconds=4.7))  # queued_at is auto_now_add
    page = user_client.get(reverse(url_name, args=[job.id])).content.decode()
    assert 'data-testid="job-timing"' in page and "waited 1.5 s" in page and "took 3.2 s" in page


def test_text_box_cards_are_called_text_boxes_in_chinese(user_client, user, make_item, settings):
    """The box card's aria-label came from the resampling filter's "Box" (盒式, a cassette-type box)."""
    source = make_item(user, name="card.png")
    user_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    page = user_client.get(f"{reverse('imagetext:text')}?source={source.id}&mode=add").content.decode()
    assert 'data-msg-box="文本框"' in page and "盒式" not in page


def test_a_crops_aspect_is_labelled_on_the_item_page(user_client, user, make_item, settings):
    from editing.services import crop_job_create

    source = make_item(user, name="card.png")
    job = crop_job_create(user=user, params={"left": 0, "top": 0, "right": 50, "bottom": 100}, sources=[source])
    item = make_item(user, name="card-crop", kind="edited", parent=source, job=job)
    user_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    page = user_client.get(reverse("gallery:item-detail", args=[item.id])).content.decode()
    assert "宽高比" in page and ">Aspect<" not in page and ">free<" not in page
