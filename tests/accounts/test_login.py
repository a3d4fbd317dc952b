"""The login lock-out, on every way in (allauth's login page, /admin/login/), by account, by
(address, account) pair and, at a much higher volume, by address; the client address behind
trusted proxies only; one answer for unknown and known accounts."""

import re
import time

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from conftest import english

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
MISMATCH = "The user name or the password is not correct."
LOCKED_15 = "Too many failed login attempts. Try again in 15 minutes."
ADMIN_LOGIN = "/admin/login/?next=/admin/"


def _client(ip: str = "10.0.0.1") -> Client:
    return english(Client(REMOTE_ADDR=ip))


def _login(client: Client, username: str, password: str, **headers):
    return client.post(reverse("account_login"), {"login": username, "password": password}, **headers)


def _admin_login(client: Client, username: str, password: str):
    return client.post(ADMIN_LOGIN, {"username": username, "password": password, "next": "/admin/"})


def _errors(response) -> list[str]:
    form = response.context["form"]
    return [str(e) for e in form.non_field_errors()]


def _logged_in(client: Client) -> bool:
    return SESSION_KEY in client.session


def _assert_refused(response, message: str) -> None:
    assert response.status_code == 200
    assert _errors(response) == [message]
    assert message in response.content.decode()


@pytest.fixture
def admin_user(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.com", PASSWORD)


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


def test_login_answers_the_same_for_unknown_and_known_accounts(user):
    # An unknown name and a wrong password get the same page: nothing tells which accounts exist.
    wrong = _login(_client("10.0.0.2"), "alice", "nope-nope-nope")
    unknown = _login(_client("10.0.0.3"), "nobody", "nope-nope-nope")
    _assert_refused(wrong, MISMATCH)
    _assert_refused(unknown, MISMATCH)
    def page(response) -> str:  # the echoed name and the CSRF token differ, nothing else
        return re.sub(r"[A-Za-z0-9]{48,}", "", response.content.decode().replace("nobody", "alice"))

    assert page(wrong) == page(unknown)


def test_login_warns_before_the_lock_alike_for_unknown_names(user, settings):
    settings.LOGIN_LOCKOUT_ATTEMPTS = 5
    expected = [
        MISMATCH,
        MISMATCH,
        f"{MISMATCH} 2 attempts left before login is locked.",
        f"{MISMATCH} 1 attempt left before login is locked.",
        f"{MISMATCH} Too many failed attempts: login is locked for 15 minutes.",
    ]
    for name, ip in (("alice", "10.0.0.4"), ("nobody", "10.0.0.5")):
        client = _client(ip)
        assert [_errors(_login(client, name, "bad-password"))[0] for _ in range(5)] == expected, name


def test_login_locks_account_even_with_right_password(user, settings):
    settings.LOGIN_LOCKOUT_ATTEMPTS = 3
    client = _client()
    for _ in range(3):
        _login(client, "alice", "bad-password")
    response = _login(client, "alice", PASSWORD)
    _assert_refused(response, LOCKED_15)
    assert not _logged_in(client)


def test_login_account_lock_applies_from_every_address(user, django_user_model, settings):
    # given: failures for alice spread over many addresses (none reaches any limit on its own)
    settings.LOGIN_LOCKOUT_ATTEMPTS = 3
    for i in range(3):
        _login(_client(f"10.0.1.{i}"), "alice", "bad-password")
    # when: alice tries from a fresh address with the right password
    fresh = _client("10.9.9.9")
    _assert_refused(_login(fresh, "alice", PASSWORD), LOCKED_15)
    assert not _logged_in(fresh)
    # then: another account logs in from that address fine
    django_user_model.objects.create_user("carol", password=PASSWORD)
    assert _login(fresh, "carol", PASSWORD).status_code == 302


def test_one_users_failures_do_not_lock_others_behind_the_same_address(user, other_user):
    # The case: five wrong passwords for bob, then alice with hers, from one address (a proxy).
    shared = _client("10.0.0.66")
    for _ in range(5):
        _login(shared, "bob", "bad-password")
    _assert_refused(_login(shared, "bob", "another-secret-pass"), LOCKED_15)  # bob's account is locked
    response = _login(shared, "alice", PASSWORD)
    assert response.status_code == 302
    assert _logged_in(shared)


def test_address_is_limited_only_at_a_much_higher_volume(user, settings):
    # given: one address spraying many names, a few guesses each
    settings.LOGIN_LOCKOUT_ATTEMPTS = 3
    settings.LOGIN_LOCKOUT_ADDRESS_ATTEMPTS = 12
    sprayer = _client("10.0.0.77")
    for i in range(11):
        assert _errors(_login(sprayer, f"guess{i // 2}", "bad-password"))[0].startswith(MISMATCH)
    last = _login(sprayer, "guess9", "bad-password")
    assert _errors(last) == [f"{MISMATCH} Too many failed attempts: login is locked for 15 minutes."]
    # when: that address tries a real account with its right password
    _assert_refused(_login(sprayer, "alice", PASSWORD), LOCKED_15)
    # then: alice from her own address is not affected
    own = _client("10.0.0.7")
    assert _login(own, "alice", PASSWORD).status_code == 302


def test_pair_lock_outlives_the_owners_success(user, settings):
    # given: a guesser at one address, 2 of 3 failures; meanwhile alice logs in from her own address
    settings.LOGIN_LOCKOUT_ATTEMPTS = 3
    guesser = _client("10.0.0.8")
    _login(guesser, "alice", "bad-1")
    _login(guesser, "alice", "bad-2")
    owner = _client("10.0.0.9")
    assert _login(owner, "alice", PASSWORD).status_code == 302  # clears the account counter
    # when: the guesser goes on
    response = _login(guesser, "alice", "bad-3")
    # then: its (address, account) pair is locked, even for the right password ...
    assert _errors(response) == [f"{MISMATCH} Too many failed attempts: login is locked for 15 minutes."]
    _assert_refused(_login(guesser, "alice", PASSWORD), LOCKED_15)
    # ... while alice elsewhere is fine (her account counter restarted at her success)
    elsewhere = _client("10.0.0.10")
    assert _login(elsewhere, "alice", PASSWORD).status_code == 302


def test_login_lock_expires(user, settings):
    settings.LOGIN_LOCKOUT_ATTEMPTS = 2
    settings.LOGIN_LOCKOUT_SECONDS = 1
    client = _client()
    _login(client, "alice", "bad-password")
    response = _login(client, "alice", "bad-password")
    assert _errors(response) == [f"{MISMATCH} Too many failed attempts: login is locked for 1 minute."]
    _assert_refused(_login(client, "alice", PASSWORD), "Too many failed login attempts. Try again in 1 minute.")
    time.sleep(1.2)
    response = _login(client, "alice", PASSWORD)
    assert response.status_code == 302
    assert _logged_in(client)


# --- /admin/login/ -----------------------------------------------------------------------------

def test_admin_login_failures_lock_the_account(admin_user, settings):
    # given: ten wrong passwords for the superuser at /admin/login/ (the reproduction)
    client = _client("10.0.2.1")
    answers = [_admin_login(client, "root", f"guess-{i}") for i in range(10)]
    assert all(a.status_code == 200 for a in answers)
    assert _errors(answers[4]) == [f"{MISMATCH} Too many failed attempts: login is locked for 15 minutes."]
    assert {_errors(a)[0] for a in answers[5:]} == {LOCKED_15}
    # when: the right password
    response = _admin_login(client, "root", PASSWORD)
    # then: refused, at the admin and at the login page, from any address
    _assert_refused(response, LOCKED_15)
    assert not _logged_in(client)
    _assert_refused(_login(_client("10.0.2.2"), "root", PASSWORD), LOCKED_15)


def test_lock_earned_at_the_login_page_stops_the_admin(admin_user):
    for _ in range(5):
        _login(_client("10.0.3.1"), "root", "bad-password")
    response = _admin_login(_client("10.0.3.2"), "root", PASSWORD)
    _assert_refused(response, LOCKED_15)
    assert _logged_in(_client("10.0.3.2")) is False


def test_admin_failures_and_page_failures_share_one_counter(admin_user, settings):
    settings.LOGIN_LOCKOUT_ATTEMPTS = 4
    client = _client("10.0.4.1")
    _admin_login(client, "root", "bad-1")
    _login(client, "root", "bad-2")
    _admin_login(client, "root", "bad-3")
    last = _login(client, "root", "bad-4")
    assert _errors(last) == [f"{MISMATCH} Too many failed attempts: login is locked for 15 minutes."]


def test_admin_login_success(admin_user):
    client = _client("10.0.5.1")
    response = _admin_login(client, "root", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert _logged_in(client)


def test_admin_right_password_without_staff_rights_answers_like_a_wrong_one(user, settings):
    # A different answer for a right password would tell a guesser it is right; so it counts, too.
    client = _client("10.0.6.1")
    answers = [_admin_login(client, "alice", password) for password in (PASSWORD, "bad-password", PASSWORD)]
    assert [_errors(a) for a in answers] == [
        [MISMATCH], [MISMATCH], [f"{MISMATCH} 2 attempts left before login is locked."],
    ]
    assert not _logged_in(client)


# --- Client address ------------------------------------------------------------------------------

def test_forwarded_for_is_ignored_without_trusted_proxies(user, settings):
    # A client cannot pick a fresh address per request with a header: only REMOTE_ADDR counts.
    settings.LOGIN_LOCKOUT_ADDRESS_ATTEMPTS = 2
    client = _client("10.0.0.5")
    for i in range(2):
        _login(client, f"x{i}", "p", HTTP_X_FORWARDED_FOR=f"1.2.3.{i}")
    _assert_refused(_login(client, "alice", PASSWORD, HTTP_X_FORWARDED_FOR="9.9.9.9"), LOCKED_15)


def test_trusted_proxy_forwards_the_client_address(user, settings):
    # given: the studio behind a proxy at 10.1.1.1; one client behind it fills the address limit
    settings.TRUSTED_PROXIES = ["10.1.1.0/24"]
    settings.LOGIN_LOCKOUT_ADDRESS_ATTEMPTS = 2
    proxy = _client("10.1.1.1")
    for i in range(2):
        _login(proxy, f"x{i}", "p", HTTP_X_FORWARDED_FOR="203.0.113.5")
    # then: that client is locked, whatever it writes in front of the proxy's entry ...
    forged = "198.51.100.1, 203.0.113.5"
    _assert_refused(_login(proxy, "alice", PASSWORD, HTTP_X_FORWARDED_FOR=forged), LOCKED_15)
    # ... and another client behind the same proxy is not
    assert _login(proxy, "alice", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 302


def test_client_ip_walks_past_trusted_hops_only(rf, settings):
    from core.client_ip import client_ip

    settings.TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]

    def ip(remote, xff=None):
        extra = {"HTTP_X_FORWARDED_FOR": xff} if xff is not None else {}
        return client_ip(rf.get("/", REMOTE_ADDR=remote, **extra))

    assert ip("192.0.2.1", "1.1.1.1") == "192.0.2.1"  # not from a proxy: the header is not read
    assert ip("127.0.0.1", "1.1.1.1") == "1.1.1.1"
    assert ip("127.0.0.1", "6.6.6.6, 1.1.1.1, 10.2.3.4") == "1.1.1.1"  # two proxies; 6.6.6.6 is forged
    assert ip("127.0.0.1") == "127.0.0.1"
    assert ip("127.0.0.1", "not-an-ip") == "not-an-ip"  # the first untrusted hop, whatever it says
    settings.TRUSTED_PROXIES = []
    assert ip("127.0.0.1", "1.1.1.1") == "127.0.0.1"


def test_api_throttles_read_the_same_address(rf, settings):
    # DRF's own get_ident() would return the forged header here.
    from core.throttling import AnonThrottle, UserThrottle

    forged = rf.get("/", REMOTE_ADDR="192.0.2.7", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert AnonThrottle().get_ident(forged) == UserThrottle().get_ident(forged) == "192.0.2.7"
    settings.TRUSTED_PROXIES = ["192.0.2.7"]
    assert AnonThrottle().get_ident(forged) == "1.2.3.4"


# --- Password reset and sign-up --------------------------------------------------------------------

def test_password_reset_answers_the_same_for_unknown_and_known_emails(make_user, mailoutbox):
    make_user("erin", PASSWORD, email="erin@example.com")
    known = _client("10.0.7.1").post(reverse("account_reset_password"), {"email": "erin@example.com"})
    unknown = _client("10.0.7.2").post(reverse("account_reset_password"), {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("account_reset_password_done")
    # only the known address gets a reset link (the other one is told it has no account here)
    [reset, no_account] = sorted(mailoutbox, key=lambda m: m.to[0])
    assert reset.to == ["erin@example.com"] and "/accounts/password/reset/key/" in reset.body
    assert no_account.to == ["nobody@example.com"] and "/accounts/password/reset/key/" not in no_account.body


def test_sign_up_is_rate_limited_per_address(db, settings):
    from django.contrib.auth import get_user_model

    client = _client("10.0.8.1")
    answers = []
    for i in range(12):
        answers.append(client.post(reverse("account_signup"), {
            "username": f"new{i}", "password1": "a-long-good-pass-1", "password2": "a-long-good-pass-1",
        }))
        client.logout()
    assert [a.status_code for a in answers[:10]] == [302] * 10
    assert answers[10].status_code == 429 and answers[11].status_code == 429
    assert "Please wait a few minutes and try again." in answers[10].content.decode()  # our page, translated
    assert get_user_model().objects.filter(username__startswith="new").count() == 10
    # another address still signs up
    assert _client("10.0.8.2").post(reverse("account_signup"), {
        "username": "other", "password1": "a-long-good-pass-1", "password2": "a-long-good-pass-1",
    }).status_code == 302


# --- Units ---------------------------------------------------------------------------------------

def test_lockout_unit_counts_and_clears(settings):
    from accounts import lockout

    settings.LOGIN_LOCKOUT_ATTEMPTS = 3
    settings.LOGIN_LOCKOUT_ADDRESS_ATTEMPTS = 5
    assert lockout.current_lock("1.1.1.1", "dave") is None
    assert lockout.record_failure("1.1.1.1", "dave") == 2
    assert lockout.record_failure("2.2.2.2", "DAVE") == 1  # account names are case-insensitive
    lockout.record_success("3.3.3.3", "dave")
    assert lockout.record_failure("3.3.3.3", "dave") == 2  # account counter restarted
    assert lockout.record_failure("1.1.1.1", "dave") == 1  # but 1.1.1.1's pair counter kept counting
    assert lockout.current_lock("1.1.1.1", "dave") is None
    assert lockout.record_failure("1.1.1.1", "dave") == 0
    lock = lockout.current_lock("1.1.1.1", "dave")
    assert lock is not None and 0 < lock.seconds_left <= settings.LOGIN_LOCKOUT_SECONDS + 1
    assert lockout.current_lock("1.1.1.1", "someone") is None  # the address itself is not locked
    assert lockout.current_lock("4.4.4.4", "dave") is not None  # the account too: 3 failures since the success


def test_logout_needs_post(user_client):
    assert user_client.get(reverse("account_logout")).status_code == 200  # a confirmation page
    assert _logged_in(user_client)
    user_client.post(reverse("account_logout"))
    assert not _logged_in(user_client)


@pytest.mark.django_db(transaction=True)
def test_lock_survives_a_flood_of_other_failures(make_user, settings):
    # given: root locked by five wrong guesses, and the production cache (the database cache, which
    # drops a third of its entries past 300)
    from django.core.cache import caches
    from django.core.management import call_command
    from django.test import override_settings

    make_user("root", PASSWORD)
    for i in range(5):
        _login(_client("10.9.0.1"), "root", f"bad-{i}")
    db_cache = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "studio_cache"}}
    with override_settings(CACHES=db_cache):
        call_command("createcachetable")
        caches["default"].clear()
        # when: 400 failures under fresh names from fresh addresses (none near any limit)
        for i in range(400):
            _login(_client(f"10.8.{i // 200}.{i % 200}"), f"spray{i}", "x")
        # then: the lock holds, from an address never seen
        _assert_refused(_login(_client("10.7.7.7"), "root", PASSWORD), LOCKED_15)


def test_expired_throttles_are_deleted(settings):
    from datetime import timedelta

    from django.utils import timezone

    from accounts import lockout
    from accounts.models import LoginThrottle

    settings.LOGIN_LOCKOUT_ATTEMPTS = 2
    lockout.record_failure("1.1.1.1", "dave")
    lockout.record_failure("1.1.1.1", "dave")  # account and pair locked
    assert LoginThrottle.objects.count() == 3
    assert lockout.expired_delete() == 0
    later = timezone.now() + timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS + 1)
    assert lockout.expired_delete(now=later) == 3
    assert lockout.current_lock("1.1.1.1", "dave") is None


def test_each_attempt_is_counted_before_its_password_is_checked(user, monkeypatch):
    # Counted afterwards, guesses sent at once would all pass the lock check while the first ones
    # were still hashing (seen live: 10 of 40 parallel guesses answered before the lock, not 5).
    from django.contrib.auth.backends import ModelBackend

    from accounts.models import LoginThrottle

    seen = []
    original = ModelBackend.authenticate

    def spy(self, request, username=None, password=None, **kwargs):
        seen.append(sorted(LoginThrottle.objects.values_list("failures", flat=True)))
        return original(self, request, username=username, password=password, **kwargs)

    monkeypatch.setattr(ModelBackend, "authenticate", spy)
    client = _client("10.0.9.1")
    _login(client, "alice", "bad-password")
    assert seen[0] == [1, 1, 1]  # address, account and pair already count this attempt
    # and a success gives its attempt back: the account and pair start again, the address loses it
    assert _login(client, "alice", PASSWORD).status_code == 302
    assert list(LoginThrottle.objects.values_list("failures", flat=True)) == [1]


def test_confirming_the_password_while_signed_in_is_not_a_failure(user, settings):
    # allauth's "confirm your password" (/accounts/reauthenticate/) checks it with authenticate()
    # but logs nobody in: a right password there must give its counted attempt back, too.
    settings.LOGIN_LOCKOUT_ATTEMPTS = 3
    client = _client("10.0.10.1")
    assert _login(client, "alice", PASSWORD).status_code == 302
    for _ in range(4):
        response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
        assert response.status_code == 302, response.status_code
    client.logout()
    assert _login(_client("10.0.10.2"), "alice", PASSWORD).status_code == 302
