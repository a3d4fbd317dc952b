"""Simplified Chinese (the site default): user-facing messages arrive translated.

Each test compares with the catalogue (gettext under zh-hans) and checks that the catalogue really
has a Chinese text, so the wording can change without touching these tests. Needs the compiled
catalogue (`python manage.py compilemessages`)."""

import re
import uuid
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext
from rest_framework.test import APIClient

from gallery.models import Job
from tests import imaging

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")


def zh(message: str, *args) -> str:
    """The zh-hans catalogue's text for `message`; fails if it is missing (still English)."""
    with translation.override("zh-hans"):
        text = ngettext(message, *args) if args else gettext(message)
    assert CJK.search(text), f"not translated to zh-hans: {message!r}"
    return text


def _chinese_client(ip="10.1.0.1") -> Client:
    return Client(REMOTE_ADDR=ip, HTTP_ACCEPT_LANGUAGE="zh-hans")


def _login_errors(response) -> list[str]:
    return [str(e) for e in response.context["form"].non_field_errors()]


MISMATCH = "The user name or the password is not correct."


def test_login_wrong_password_in_chinese(user):
    response = _chinese_client().post(reverse("account_login"), {"login": "alice", "password": "bad"})
    assert _login_errors(response) == [zh(MISMATCH)]
    assert zh(MISMATCH) in response.content.decode()


def test_login_unknown_user_in_chinese_says_the_same(user):
    response = _chinese_client().post(reverse("account_login"), {"login": "nobody", "password": "bad"})
    assert _login_errors(response) == [zh(MISMATCH)]


def test_login_default_language_is_chinese(user):
    # No Accept-Language, no cookie: the site default (zh-hans).
    response = Client(REMOTE_ADDR="10.1.0.2").post(reverse("account_login"), {"login": "alice", "password": "bad"})
    assert _login_errors(response) == [zh(MISMATCH)]


def test_login_lockout_in_chinese(user, settings):
    settings.LOGIN_LOCKOUT_ATTEMPTS = 2
    client = _chinese_client()
    client.post(reverse("account_login"), {"login": "alice", "password": "bad"})
    last = client.post(reverse("account_login"), {"login": "alice", "password": "bad"})
    locked_for = zh(
        "Too many failed attempts: login is locked for %(minutes)d minute.",
        "Too many failed attempts: login is locked for %(minutes)d minutes.", 15,
    ) % {"minutes": 15}
    assert _login_errors(last) == [zh(MISMATCH) + locked_for]  # Chinese joins the sentences with no space
    refused = client.post(reverse("account_login"), {"login": "alice", "password": "correct-horse-battery"})
    expected = zh(
        "Too many failed login attempts. Try again in %(minutes)d minute.",
        "Too many failed login attempts. Try again in %(minutes)d minutes.", 15,
    ) % {"minutes": 15}
    assert _login_errors(refused) == [expected]
    assert "15" in expected


def test_upload_errors_in_chinese(user):
    api = APIClient(HTTP_ACCEPT_LANGUAGE="zh-hans")
    api.force_login(user)
    response = api.post("/api/v1/gallery/items/", {"files": [imaging.file("x.png", b"text")]}, format="multipart")
    assert response.status_code == 400
    assert response.json() == {"error": {
        "code": "not_an_image", "message": zh("“%(name)s” is not an image we can read.") % {"name": "x.png"},
    }}


def test_api_errors_in_chinese(user):
    api = APIClient(HTTP_ACCEPT_LANGUAGE="zh-hans")
    api.force_login(user)
    response = api.get(f"/api/v1/jobs/{uuid.uuid4()}/")
    assert response.json() == {"error": {"code": "not_found", "message": zh("Not found.")}}
    job = Job.objects.create(owner=user, kind="editing.crop", status=Job.Status.SUCCEEDED)
    response = api.post(f"/api/v1/jobs/{job.id}/cancel/")
    assert response.status_code == 409
    assert CJK.search(response.json()["error"]["message"])


def test_job_errors_are_written_in_the_submitters_language(user):
    # given: a job submitted in Chinese, then timed out in the worker
    from gallery.services import job_create
    from gallery.tasks import job_task_hook

    with translation.override("zh-hans"):
        job = job_create(owner=user, kind="editing.crop", params={}, inputs=[])
    # when: the worker (whose own language is English here) reports a timeout
    job_task_hook(SimpleNamespace(success=False, args=[str(job.id)], result="TimeoutException"))
    # then
    job.refresh_from_db()
    assert job.error_message == zh("This job took longer than %(seconds)d seconds and was stopped.") % {
        "seconds": 300
    }


def test_users_saved_language_beats_browser(make_user):
    user = make_user("mei", language="zh-hans")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_login(user)
    response = api.get(f"/api/v1/jobs/{uuid.uuid4()}/")
    assert response.json()["error"]["message"] == zh("Not found.")


def test_upload_page_message_in_chinese(user):
    client = _chinese_client()
    client.force_login(user)
    response = client.post(reverse("gallery:upload"), {"files": [imaging.png(name="a.png")]}, follow=True)
    expected = zh("Uploaded %(n)d image.", "Uploaded %(n)d images.", 1) % {"n": 1}
    assert expected in [str(m) for m in response.context["messages"]]


def test_validation_messages_of_editing_in_chinese(user, make_item):
    from django.core.exceptions import ValidationError

    from editing.services import crop_job_create

    item = make_item(user)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc_info:
        crop_job_create(user=user, params={"left": 60, "right": 40}, sources=[item])
    assert exc_info.value.message_dict == {"right": [zh("The right edge must be to the right of the left edge.")]}


def test_job_without_language_gets_messages_in_the_site_language(user):
    # A job row with no recorded language (e.g. made by a script) falls back to LANGUAGE_CODE.
    from datetime import timedelta

    from django.utils import timezone

    from gallery.services import jobs_stale_fail

    old = timezone.now() - timedelta(hours=1)
    job = Job.objects.create(owner=user, kind="editing.crop", status=Job.Status.RUNNING, heartbeat_at=old)
    assert job.language == ""
    jobs_stale_fail()
    job.refresh_from_db()
    assert job.error_message == zh("The worker running this job stopped before it finished. Please try again.")
