"""Login lock-out, kept in the shared cache so every web process sees the same counters.

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
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache


@dataclass(frozen=True)
class Lock:
    seconds_left: int


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(value.lower().encode()).hexdigest()[:32]
    return f"login-lockout:{kind}:{digest}"


def _subjects(ip: str, username: str | None) -> list[tuple[str, str, int]]:
    """(kind, value, limit) of every counter a login attempt touches."""
    limit = settings.LOGIN_LOCKOUT_ATTEMPTS
    subjects = [("address", ip, settings.LOGIN_LOCKOUT_ADDRESS_ATTEMPTS)] if ip else []
    if username:
        subjects.append(("account", username, limit))
        if ip:
            subjects.append(("pair", f"{ip}\n{username}", limit))
    return subjects


def current_lock(ip: str, username: str | None) -> Lock | None:
    now = time.time()
    until = max((cache.get(_key(f"{kind}-until", value)) or 0 for kind, value, _ in _subjects(ip, username)),
                default=0)
    return Lock(seconds_left=int(until - now) + 1) if until > now else None


def record_failure(ip: str, username: str | None) -> int:
    """Counts a failure; returns how many attempts are left before a lock (0 = now locked)."""
    window = settings.LOGIN_LOCKOUT_SECONDS
    left = None
    for kind, value, limit in _subjects(ip, username):
        count_key = _key(f"{kind}-count", value)
        cache.add(count_key, 0, timeout=window)
        count = cache.incr(count_key)
        if count >= limit:
            cache.set(_key(f"{kind}-until", value), time.time() + window, timeout=window)
            cache.delete(count_key)
        remaining = max(limit - count, 0)
        left = remaining if left is None else min(left, remaining)
    return settings.LOGIN_LOCKOUT_ATTEMPTS if left is None else left


def record_success(ip: str, username: str) -> None:
    """The owner proved the password: their account counter and this address's pair start again.
    The address counter keeps counting (a spray cannot reset it with one account of its own)."""
    cache.delete(_key("account-count", username))
    if ip:
        cache.delete(_key("pair-count", f"{ip}\n{username}"))
