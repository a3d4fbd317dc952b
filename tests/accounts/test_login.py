"""Login through allauth with our adapter: distinct failure messages and the lock-out (by IP and account)."""

import time

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from conftest import english

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
LOCKED_15 = "Too many failed login attempts. Try again in 15 minutes."


def _client(ip: str = "10.0.0.1") -> Client:
    return english(Client(REMOTE_ADDR=ip))


def _login(client: Client, username: str, password: str):
    return client.post(reverse("account_login"), {"login": username, "password": password})


def _errors(response) -> list[str]:
    form = response.context["form"]
    return [str(e) for e in form.non_field_errors()]


def _logged_in(client: Client) -> bool:
    return SESSION_KEY in client.session


def _assert_refused(response, message: str) -> None:
    assert response.status_code == 200
    assert _errors(response) == [message]
    assert message in response.content.decode()


def test_login_success_redirects_home(user):
    client = _client()
    response = _login(client, "alice", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert _logged_in(client)
    assert client.session[SESSION_KEY] == str(user.pk)


def test_login_username_is_case_insensitive(user):
    client = _client()
    assert _login(client, "ALICE", PASSWORD).status_code == 302
    assert _logged_in(client)


def test_login_wrong_password_message(user):
    client = _client()
    response = _login(client, "alice", "nope-nope-nope")
    _assert_refused(response, "Wrong password.")
    assert not _logged_in(client)


def test_login_unknown_user_message(user):
    response = _login(_client(), "nobody", PASSWORD)
    _assert_refused(response, "There is no account with this user name.")


def test_login_warns_before_the_lock(user, settings):
    # given
    settings.LOGIN_LOCKOUT_ATTEMPTS = 5
    client = _client()
    # when
    messages = [_errors(_login(client, "alice", "bad-password"))[0] for _ in range(5)]
    # then
    assert messages == [
        "Wrong password.",
        "Wrong password.",
        "Wrong password. 2 attempts left before login is locked.",
        "Wrong password. 1 attempt left before login is locked.",
        "Wrong password. Too many failed attempts: login is locked for 15 minutes.",
    ]


def test_login_locks_account_even_with_right_password(user, settings):
    # given: the limit reached for alice
    settings.LOGIN_LOCKOUT_ATTEMPTS = 3
    client = _client()
    for _ in range(3):
        _login(client, "alice", "bad-password")
    # when: the right password
    response = _login(client, "alice", PASSWORD)
    # then
    _assert_refused(response, LOCKED_15)
    assert not _logged_in(client)


def test_login_account_lock_applies_from_every_ip(user, settings):
    # given: failures for alice spread over many IPs (no IP reaches the limit on its own)
    settings.LOGIN_LOCKOUT_ATTEMPTS = 3
    for i in range(3):
        _login(_client(f"10.0.1.{i}"), "alice", "bad-password")
    # when: alice tries from a fresh IP with the right password
    fresh = _client("10.9.9.9")
    response = _login(fresh, "alice", PASSWORD)
    # then: the account lock holds (a distributed guess cannot dodge it)
    _assert_refused(response, LOCKED_15)
    assert not _logged_in(fresh)
    # but another account logs in from that IP fine
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user("carol", password=PASSWORD)
    assert _login(fresh, "carol", PASSWORD).status_code == 302


def test_login_locks_ip_across_usernames(user, settings):
    # given: one IP guessing different user names
    settings.LOGIN_LOCKOUT_ATTEMPTS = 3
    sprayer = _client("10.0.0.66")
    last = [_login(sprayer, f"guess{i}", "bad-password") for i in range(3)][-1]
    assert _errors(last) == [
        "There is no account with this user name. Too many failed attempts: login is locked for 15 minutes."
    ]
    # when: that IP tries a real account with its right password
    response = _login(sprayer, "alice", PASSWORD)
    # then
    _assert_refused(response, LOCKED_15)
    assert not _logged_in(sprayer)
    # alice herself, from her own IP, is not affected: only the IP is locked, not her account
    own = _client("10.0.0.7")
    assert _login(own, "alice", PASSWORD).status_code == 302
    assert _logged_in(own)


def test_login_success_resets_account_counter_not_ip_counter(user, settings):
    # given: 2 of 3 failures, then a success
    settings.LOGIN_LOCKOUT_ATTEMPTS = 3
    client = _client("10.0.0.8")
    _login(client, "alice", "bad-password")
    _login(client, "alice", "bad-password")
    assert _login(client, "alice", PASSWORD).status_code == 302
    client.logout()
    # when: one more failure from that IP
    response = _login(client, "alice", "bad-password")
    # then: the IP has failed 3 times and is locked ...
    assert _errors(response) == ["Wrong password. Too many failed attempts: login is locked for 15 minutes."]
    # ... but the account counter restarted at the success, so alice elsewhere is fine
    other = _client("10.0.0.9")
    assert _login(other, "alice", PASSWORD).status_code == 302


def test_login_lock_expires(user, settings):
    # given: a 1-second lock
    settings.LOGIN_LOCKOUT_ATTEMPTS = 2
    settings.LOGIN_LOCKOUT_SECONDS = 1
    client = _client()
    _login(client, "alice", "bad-password")
    response = _login(client, "alice", "bad-password")
    assert _errors(response) == ["Wrong password. Too many failed attempts: login is locked for 1 minute."]
    _assert_refused(_login(client, "alice", PASSWORD), "Too many failed login attempts. Try again in 1 minute.")
    # when
    time.sleep(1.2)
    response = _login(client, "alice", PASSWORD)
    # then
    assert response.status_code == 302
    assert _logged_in(client)


def test_login_lockout_ignores_x_forwarded_for(user, settings):
    # A client cannot pick a fresh IP per request with a header: only REMOTE_ADDR counts.
    settings.LOGIN_LOCKOUT_ATTEMPTS = 2
    client = _client("10.0.0.5")
    for i in range(2):
        client.post(reverse("account_login"), {"login": f"x{i}", "password": "p"}, HTTP_X_FORWARDED_FOR=f"1.2.3.{i}")
    response = client.post(reverse("account_login"), {"login": "alice", "password": PASSWORD},
                           HTTP_X_FORWARDED_FOR="9.9.9.9")
    _assert_refused(response, LOCKED_15)


def test_lockout_unit_counts_and_clears(settings):
    from accounts import lockout

    settings.LOGIN_LOCKOUT_ATTEMPTS = 3
    assert lockout.current_lock("1.1.1.1", "dave") is None
    assert lockout.record_failure("1.1.1.1", "dave") == 2
    assert lockout.record_failure("2.2.2.2", "DAVE") == 1  # account names are case-insensitive
    lockout.clear_account_failures("dave")
    assert lockout.record_failure("3.3.3.3", "dave") == 2
    assert lockout.record_failure("1.1.1.1", None) == 1  # the IP counter kept counting
    assert lockout.record_failure("1.1.1.1", None) == 0
    lock = lockout.current_lock("1.1.1.1", "someone")
    assert lock is not None and 0 < lock.seconds_left <= settings.LOGIN_LOCKOUT_SECONDS + 1
    assert lockout.current_lock("4.4.4.4", "dave") is None


def test_logout_needs_post(user_client):
    assert user_client.get(reverse("account_logout")).status_code == 200  # a confirmation page
    assert _logged_in(user_client)
    user_client.post(reverse("account_logout"))
    assert not _logged_in(user_client)
