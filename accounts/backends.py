"""The login lock-out inside Django's authentication, so it holds wherever a password is checked
with `authenticate()`: allauth's login page, the admin's login page, any future one.

`LoginLockoutBackend` comes first in AUTHENTICATION_BACKENDS. Each attempt is counted as a failure
before any backend checks the password, and given back when it proves right (a login, or allauth's
"confirm your password", which logs nobody in): counted afterwards, twenty
guesses sent at once would all pass the check while the first ones were still hashing. For a
locked account, pair or address it raises PermissionDenied, which stops `authenticate()` there.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver

from accounts import lockout
from core.client_ip import client_ip

# Set on the request by the backend, for the forms' messages.
LOCK_ATTR = "_studio_login_lock"
LEFT_ATTR = "_studio_login_attempts_left"
GIVEN_BACK_ATTR = "_studio_login_attempt_given_back"


def login_name(credentials: dict) -> str:
    field = get_user_model().USERNAME_FIELD
    return str(credentials.get(field) or credentials.get("username") or credentials.get("email") or "")[:150]


class LoginLockoutBackend:
    """Authenticates nobody; counts every attempt and refuses all while a lock holds."""

    def authenticate(self, request, **credentials):
        ip = client_ip(request) if request is not None else ""
        username = login_name(credentials)
        lock = lockout.current_lock(ip, username)
        if lock is None and request is not None:  # without a request (a command) no one is locked out
            left = lockout.record_failure(ip, username)
            if left is None:  # a parallel attempt set the lock after the check above
                lock = lockout.current_lock(ip, username)
            setattr(request, LEFT_ATTR, left)
        if lock:
            if request is not None:
                setattr(request, LOCK_ATTR, lock)
            raise PermissionDenied("login locked")
        return None
    # No get_user(): this backend never holds a session (Django then picks the next one for it).


def attempt_succeeded(request, user) -> None:
    """The password was right: the attempt counted up front is given back, once per request."""
    if request is not None:
        if getattr(request, GIVEN_BACK_ATTR, False):
            return
        setattr(request, GIVEN_BACK_ATTR, True)
    lockout.record_success(client_ip(request) if request is not None else "", user.get_username())


@receiver(user_logged_in)
def _clear_on_success(sender, request, user, **kwargs):
    attempt_succeeded(request, user)
