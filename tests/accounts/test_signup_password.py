"""Sign-up (user name, optional e-mail), password change and password reset by e-mail."""

import re

import pytest
from django.contrib.auth import SESSION_KEY, get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from conftest import english

pytestmark = pytest.mark.django_db

User = get_user_model()
STRONG = "violet-harbour-lantern-42"


def _signup(client, **data):
    payload = {"username": "newbie", "email": "", "password1": STRONG, "password2": STRONG, **data}
    return client.post(reverse("account_signup"), payload)


def _field_errors(response) -> dict[str, list[str]]:
    return {k: [str(e) for e in v] for k, v in response.context["form"].errors.items()}


def test_signup_without_email_creates_user_and_logs_in(client_en):
    # when
    response = _signup(client_en)
    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    user = User.objects.get(username="newbie")
    assert user.email == ""
    assert user.check_password(STRONG)
    assert client_en.session[SESSION_KEY] == str(user.pk)


def test_signup_with_email(client_en):
    assert _signup(client_en, email="new@example.com").status_code == 302
    assert User.objects.get(username="newbie").email == "new@example.com"


def test_signup_username_taken(user, client_en):
    response = _signup(client_en, username="alice")
    assert response.status_code == 200
    assert _field_errors(response) == {"username": ["A user with that username already exists."]}
    assert User.objects.count() == 1


def test_signup_username_taken_ignores_case(user, client_en):
    response = _signup(client_en, username="ALICE")
    assert "username" in _field_errors(response)
    assert User.objects.count() == 1


def test_signup_email_taken(make_user, client_en):
    make_user("erin", email="erin@example.com")
    response = _signup(client_en, email="erin@example.com")
    assert list(_field_errors(response)) == ["email"]
    assert User.objects.count() == 1


def test_signup_passwords_differ(client_en):
    response = _signup(client_en, password2=STRONG + "x")
    assert response.status_code == 200
    assert _field_errors(response) == {"password2": ["You must type the same password each time."]}
    assert not User.objects.filter(username="newbie").exists()


@pytest.mark.parametrize(("password", "message"), [
    ("password", "This password is too common."),
    ("abc", "This password is too short. It must contain at least 8 characters."),
    ("83920174651", "This password is entirely numeric."),
])
def test_signup_password_too_weak(client_en, password, message):
    response = _signup(client_en, password1=password, password2=password)
    assert response.status_code == 200
    errors = _field_errors(response)
    assert message in errors["password1"]
    assert message in response.content.decode()
    assert not User.objects.filter(username="newbie").exists()


def test_password_change(user, user_client):
    # when
    response = user_client.post(reverse("account_change_password"), {
        "oldpassword": "correct-horse-battery", "password1": STRONG, "password2": STRONG,
    })
    # then
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(STRONG)
    assert SESSION_KEY in user_client.session  # still signed in


def test_password_change_wrong_old_password(user, user_client):
    response = user_client.post(reverse("account_change_password"), {
        "oldpassword": "not-it", "password1": STRONG, "password2": STRONG,
    })
    assert response.status_code == 200
    assert _field_errors(response) == {"oldpassword": ["Please type your current password."]}
    user.refresh_from_db()
    assert user.check_password("correct-horse-battery")


def test_password_reset_by_email_link(make_user, client_en):
    # given
    user = make_user("frank", email="frank@example.com")
    # when: asking for a reset
    response = client_en.post(reverse("account_reset_password"), {"email": "frank@example.com"})
    # then: one mail with a link
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["frank@example.com"]
    links = re.findall(r"http://testserver(/accounts/password/reset/key/\S+/)", message.body)
    assert len(links) == 1
    # when: following it and setting a new password
    browser = english(Client())
    form_page = browser.get(links[0], follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else links[0]
    done = browser.post(set_url, {"password1": STRONG, "password2": STRONG})
    # then
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(STRONG)
    login = english(Client()).post(reverse("account_login"), {"login": "frank", "password": STRONG})
    assert login.status_code == 302
    # and the link is used up
    again = english(Client()).get(links[0], follow=True)
    assert again.context.get("token_fail") is True
