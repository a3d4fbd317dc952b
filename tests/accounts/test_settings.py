"""Settings page: language, API tokens (shown once, stored hashed), account deletion with all data."""

import hashlib

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts.models import ApiToken
from accounts.services import MAX_TOKENS_PER_USER, api_token_create, user_language_set
from core.exceptions import ApplicationError
from gallery.models import GalleryItem, Job
from tests import imaging

pytestmark = pytest.mark.django_db


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- language --------------------------------------------------------------------------------------

def test_language_set_saves_cookie_and_user_language(user, user_client):
    # when
    response = user_client.post(reverse("accounts:language"), {"language": "en", "next": "/gallery/"})
    # then
    assert response.status_code == 302
    assert response["Location"] == "/gallery/"
    cookie = response.cookies[django_settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en"
    assert cookie["max-age"] == 365 * 24 * 3600
    user.refresh_from_db()
    assert user.language == "en"


def test_language_set_back_to_browser_clears_cookie(make_user, client):
    user = make_user(language="en")
    client.force_login(user)
    response = client.post(reverse("accounts:language"), {"language": ""})
    assert response.cookies[django_settings.LANGUAGE_COOKIE_NAME].value == ""  # deleted
    user.refresh_from_db()
    assert user.language == ""


def test_language_set_anonymous_sets_cookie_only(client):
    response = client.post(reverse("accounts:language"), {"language": "zh-hans", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    assert response.cookies[django_settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"


def test_language_set_unknown_language_is_ignored(user, user_client):
    response = user_client.post(reverse("accounts:language"), {"language": "xx"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == ""


def test_language_set_from_settings_confirms(user_client):
    response = user_client.post(reverse("accounts:language"), {"language": "en", "from": "settings",
                                                                 "next": reverse("accounts:settings")})
    assert _messages(response) == ["Language saved."]


def test_saved_language_wins_over_browser(make_user, client):
    user = make_user(language="en")
    client.force_login(user)
    response = client.get(reverse("accounts:settings"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response["Content-Language"] == "en"


def test_user_language_set_refuses_unknown():
    with pytest.raises(ApplicationError) as exc_info:
        user_language_set(user=None, language="klingon")
    assert exc_info.value.code == "bad_language"


# --- API tokens ------------------------------------------------------------------------------------

def test_api_token_create_page_shows_secret_once(user, user_client):
    # when
    response = user_client.post(reverse("accounts:token-create"), {"name": "  my laptop  "})
    # then: the next page shows the secret
    assert response.status_code == 302 and response["Location"] == reverse("accounts:settings")
    token = ApiToken.objects.get(user=user)
    assert token.name == "my laptop"
    first = user_client.get(reverse("accounts:settings"))
    new_token = first.context["new_token"]
    secret = new_token["secret"]
    assert new_token["name"] == "my laptop"
    assert secret.startswith("ist_")
    assert secret in first.content.decode()
    # only its hash is stored
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.prefix == secret[:10]
    for field in ApiToken._meta.concrete_fields:
        assert getattr(token, field.attname) != secret
    # then: the second view no longer has it
    second = user_client.get(reverse("accounts:settings"))
    assert second.context["new_token"] is None
    assert secret not in second.content.decode()
    assert token.prefix in second.content.decode()  # the list shows only the prefix
    # and the secret works against the API
    from rest_framework.test import APIClient

    assert APIClient(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/jobs/").status_code == 200


def test_api_token_create_page_needs_a_name(user_client):
    response = user_client.post(reverse("accounts:token-create"), {"name": ""})
    assert response.status_code == 302
    assert _messages(response) == ["This field is required."]
    assert ApiToken.objects.count() == 0


def test_api_token_create_service_rules(user):
    with pytest.raises(ApplicationError) as exc_info:
        api_token_create(user=user, name="   ")
    assert exc_info.value.code == "name_required"
    with pytest.raises(ApplicationError) as exc_info:
        api_token_create(user=user, name="x" * 65)
    assert exc_info.value.code == "name_too_long"
    for i in range(MAX_TOKENS_PER_USER):
        api_token_create(user=user, name=f"t{i}")
    with pytest.raises(ApplicationError) as exc_info:
        api_token_create(user=user, name="one too many")
    assert exc_info.value.code == "too_many_tokens"
    assert exc_info.value.message == "You already have the maximum number of tokens."
    # secrets are all different
    assert ApiToken.objects.values("key_hash").distinct().count() == MAX_TOKENS_PER_USER


def test_api_token_create_page_over_limit_shows_message(user, user_client):
    for i in range(MAX_TOKENS_PER_USER):
        api_token_create(user=user, name=f"t{i}")
    response = user_client.post(reverse("accounts:token-create"), {"name": "more"})
    assert _messages(response) == ["You already have the maximum number of tokens."]


def test_api_token_revoke_page(user, user_client):
    # given
    token, secret = api_token_create(user=user, name="old script")
    # when
    response = user_client.post(reverse("accounts:token-revoke", args=[token.id]))
    # then
    assert response.status_code == 302
    assert _messages(response) == ["Token “old script” revoked."]
    assert not ApiToken.objects.filter(id=token.id).exists()
    from rest_framework.test import APIClient

    assert APIClient(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/jobs/").status_code == 401


def test_api_token_revoke_needs_post(user, user_client):
    token, _ = api_token_create(user=user, name="x")
    assert user_client.get(reverse("accounts:token-revoke", args=[token.id])).status_code == 405
    assert ApiToken.objects.filter(id=token.id).exists()


# --- account deletion ------------------------------------------------------------------------------

@pytest.fixture
def alice_with_data(user, other_user, make_item, run_jobs):
    from editing.services import crop_job_create

    upload = make_item(user, name="mine.png")
    with run_jobs():
        crop_job_create(user=user, params={"right": 50}, sources=[upload])
    api_token_create(user=user, name="t")
    bobs = make_item(other_user, name="bobs.png")
    return {"user": user, "bobs": bobs}


def test_account_delete_with_right_password_removes_everything(alice_with_data, user_client, run_jobs, settings):
    # given
    user, bobs = alice_with_data["user"], alice_with_data["bobs"]
    assert GalleryItem.objects.filter(owner=user).count() == 2
    # when
    with run_jobs():
        response = user_client.post(reverse("accounts:delete"), {"password": "correct-horse-battery"})
    # then: logged out, back at the login page
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")
    assert SESSION_KEY not in user_client.session
    assert _messages(response) == ["Your account and all your images have been deleted."]
    # rows gone
    assert not get_user_model().objects.filter(username="alice").exists()
    assert GalleryItem.objects.filter(owner_id=user.id).count() == 0
    assert Job.objects.filter(owner_id=user.id).count() == 0
    assert ApiToken.objects.filter(user_id=user.id).count() == 0
    # files gone; Bob's untouched
    remaining = {p.relative_to(settings.MEDIA_ROOT).as_posix() for p in imaging.media_files(settings.MEDIA_ROOT)}
    assert remaining == {bobs.file.name, bobs.thumbnail.name}


def test_account_delete_with_wrong_password_keeps_everything(alice_with_data, user_client, run_jobs, settings):
    user = alice_with_data["user"]
    files_before = imaging.media_files(settings.MEDIA_ROOT)
    with run_jobs():
        response = user_client.post(reverse("accounts:delete"), {"password": "wrong"})
    assert response.status_code == 400
    assert [str(e) for e in response.context["delete_form"].errors["password"]] == ["Wrong password."]
    assert get_user_model().objects.filter(id=user.id).exists()
    assert GalleryItem.objects.filter(owner=user).count() == 2
    assert Job.objects.filter(owner=user).count() == 1
    assert imaging.media_files(settings.MEDIA_ROOT) == files_before
    assert SESSION_KEY in user_client.session


def test_settings_page_needs_login(client):
    response = client.get(reverse("accounts:settings"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_settings_page_lists_own_tokens_only(user, other_user, user_client):
    api_token_create(user=user, name="mine")
    api_token_create(user=other_user, name="theirs")
    response = user_client.get(reverse("accounts:settings"))
    assert [t.name for t in response.context["tokens"]] == ["mine"]
