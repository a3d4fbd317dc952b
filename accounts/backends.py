"""The login lock-out inside Django's authentication, so it holds wherever a password is checked
with `authenticate()`: allauth's login page, the admin's login page, any future one.

`LoginLockoutBackend` comes first in AUTHENTICATION_BACKENDS: for a locked account or address it
raises PermissionDenied, which makes `authenticate()` stop before any backend checks the password.
The signal receivers count failures and clear counters on success."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver

from accounts import lockout
from config.client_ip import client_ip

# Set on the request by the backend and the receiver, for the forms' messages.
LOCK_ATTR = "_studio_login_lock"
LEFT_ATTR = "_studio_login_attempts_left"


def login_name(credentials: dict) -> str:
    field = get_user_model().USERNAME_FIELD
    return str(credentials.get(field) or credentials.get("username") or credentials.get("email") or "")[:150]


class LoginLockoutBackend:
    """Authenticates nobody; refuses everybody while their account, pair or address is locked."""

    def authenticate(self, request, **credentials):
        ip = client_ip(request) if request is not None else ""
        lock = lockout.current_lock(ip, login_name(credentials))
        if lock:
            if request is not None:
                setattr(request, LOCK_ATTR, lock)
            raise PermissionDenied("login locked")
        return None
    # No get_user(): this backend never holds a session (Django then picks the next one for it).


@receiver(user_login_failed)
def _count_failure(sender, credentials, request=None, **kwargs):
    if request is None or getattr(request, LOCK_ATTR, None):
        return  # a refused attempt while locked does not count again; no request: no address
    left = lockout.record_failure(client_ip(request), login_name(credentials))
    setattr(request, LEFT_ATTR, left)


@receiver(user_logged_in)
def _clear_on_success(sender, request, user, **kwargs):
    lockout.record_success(client_ip(request) if request is not None else "", user.get_username())
