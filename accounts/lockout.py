"""Login lock-out, by client IP and by account name. After LOGIN_LOCKOUT_ATTEMPTS failures within
the lock-out window, the IP or account is locked for LOGIN_LOCKOUT_SECONDS. Kept in the shared
cache so every web process sees the same counters."""

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


def client_ip(request) -> str:
    # REMOTE_ADDR only: trusting X-Forwarded-For would let a client pick its own IP and dodge the lock.
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _subjects(ip: str, username: str | None) -> list[tuple[str, str]]:
    subjects = [("ip", ip)]
    if username:
        subjects.append(("user", username))
    return subjects


def current_lock(ip: str, username: str | None) -> Lock | None:
    now = time.time()
    until = max((cache.get(_key(f"{k}-until", v)) or 0) for k, v in _subjects(ip, username))
    return Lock(seconds_left=int(until - now) + 1) if until > now else None


def record_failure(ip: str, username: str | None) -> int:
    """Counts a failure; returns how many attempts are left before the lock (0 = now locked)."""
    window = settings.LOGIN_LOCKOUT_SECONDS
    limit = settings.LOGIN_LOCKOUT_ATTEMPTS
    left = limit
    for kind, value in _subjects(ip, username):
        count_key = _key(f"{kind}-count", value)
        cache.add(count_key, 0, timeout=window)
        count = cache.incr(count_key)
        if count >= limit:
            cache.set(_key(f"{kind}-until", value), time.time() + window, timeout=window)
            cache.delete(count_key)
        left = min(left, max(limit - count, 0))
    return left


def clear_account_failures(username: str) -> None:
    """A successful login clears the account counter, not the IP counter (no reset by a spray)."""
    cache.delete(_key("user-count", username))
