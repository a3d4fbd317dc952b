"""Login lock-out, kept in the database (accounts.models.LoginThrottle) so every web process sees
the same counters and no flood of other failures can evict a lock.

Three counters, each failure adds one to all of them:
- the account (any address): LOGIN_LOCKOUT_ATTEMPTS failures lock it for LOGIN_LOCKOUT_SECONDS, so
  guesses spread over many addresses gain nothing;
- the (address, account) pair, at the same threshold: a success clears the account counter (the
  owner is back), but not the pair of an address that keeps guessing;
- the address alone, only at LOGIN_LOCKOUT_ADDRESS_ATTEMPTS: behind a proxy or a campus NAT many
  people share one address, and one of them mistyping must not lock out the rest.

The checks run in Django's authentication (accounts.backends), so one lock guards every way in:
the login page, /admin/login/ and anything else that calls `authenticate()`."""

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from accounts.models import LoginThrottle


@dataclass(frozen=True)
class Lock:
    seconds_left: int


def _key(kind: str, value: str) -> str:
    return f"{kind}:{hashlib.sha256(value.lower().encode()).hexdigest()}"


def _subjects(ip: str, username: str | None) -> list[tuple[str, int]]:
    """(key, limit) of every counter a login attempt touches, the account's first."""
    limit = settings.LOGIN_LOCKOUT_ATTEMPTS
    subjects = []
    if username:
        subjects.append((_key("account", username), limit))
        if ip:
            subjects.append((_key("pair", f"{ip}\n{username}"), limit))
    if ip:
        subjects.append((_key("address", ip), settings.LOGIN_LOCKOUT_ADDRESS_ATTEMPTS))
    return subjects


def current_lock(ip: str, username: str | None) -> Lock | None:
    now = timezone.now()
    keys = [key for key, _ in _subjects(ip, username)]
    until = LoginThrottle.objects.filter(key__in=keys, locked_until__gt=now).aggregate(u=Max("locked_until"))["u"]
    return Lock(seconds_left=int((until - now).total_seconds()) + 1) if until else None


def _count(key: str, limit: int, now) -> int | None:
    """One more failure on `key`, atomically; returns the attempts left (0: locked from now), or
    None without counting when a lock holds (set by a parallel attempt since it was checked)."""
    window = timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
    for attempt in range(2):  # two first failures at once: one insert wins, the other counts on it
        try:
            with transaction.atomic():
                row, _ = LoginThrottle.objects.select_for_update().get_or_create(
                    key=key, defaults={"window_ends": now + window})
                if row.locked_until and row.locked_until > now:
                    return None
                if row.window_ends <= now:
                    row.failures, row.window_ends = 0, now + window
                row.failures += 1
                left = max(limit - row.failures, 0)
                if left == 0:
                    row.locked_until, row.failures, row.window_ends = now + window, 0, now + window
                row.save()
                return left
        except IntegrityError:
            if attempt:
                raise
    raise AssertionError("unreachable")


def record_failure(ip: str, username: str | None) -> int | None:
    """Counts a failure (an attempt, before its password is checked: see accounts.backends);
    returns how many attempts are left before a lock (0 = locked from now), or None when a lock
    already holds (then nothing more is counted)."""
    now = timezone.now()
    lefts = []
    for key, limit in _subjects(ip, username):
        left = _count(key, limit, now)
        if left is None:
            return None
        lefts.append(left)
    return min(lefts, default=settings.LOGIN_LOCKOUT_ATTEMPTS)


def record_success(ip: str, username: str) -> None:
    """The owner proved the password: the attempt counted before it is given back. Their account
    and this address's pair start again (a lock this very attempt set included); the address
    counter only loses this attempt (a spray cannot reset it with one account of its own)."""
    LoginThrottle.objects.filter(key__in=[_key("account", username)] + (
        [_key("pair", f"{ip}\n{username}")] if ip else [])).delete()
    if ip:
        LoginThrottle.objects.filter(key=_key("address", ip), failures__gt=0).update(failures=F("failures") - 1)


def expired_delete(*, now=None) -> int:
    """Rows whose window and lock are both over say nothing any more (the hourly retention task)."""
    now = now or timezone.now()
    stale = Q(window_ends__lte=now) & (Q(locked_until__isnull=True) | Q(locked_until__lte=now))
    return LoginThrottle.objects.filter(stale).delete()[0]
