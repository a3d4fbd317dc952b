"""The messages a refused login shows, the same on the login page and the admin's: one wording for
an unknown account and a wrong password, so the answer never tells which accounts exist."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.lockout import Lock


def _minutes(seconds: int) -> int:
    return max(1, -(-seconds // 60))


def locked_error(lock: Lock) -> ValidationError:
    minutes = _minutes(lock.seconds_left)
    return ValidationError(
        ngettext(
            "Too many failed login attempts. Try again in %(minutes)d minute.",
            "Too many failed login attempts. Try again in %(minutes)d minutes.",
            minutes,
        ) % {"minutes": minutes},
        code="too_many_login_attempts",
    )


def mismatch_error(left: int | None) -> ValidationError:
    """`left`: attempts before the lock, as counted for this user name (known or not alike)."""
    message = _("The user name or the password is not correct.")
    if left == 0:
        minutes = _minutes(settings.LOGIN_LOCKOUT_SECONDS)
        detail = ngettext(
            "Too many failed attempts: login is locked for %(minutes)d minute.",
            "Too many failed attempts: login is locked for %(minutes)d minutes.",
            minutes,
        ) % {"minutes": minutes}
    elif left is not None and left <= 2:
        detail = ngettext(
            "%(left)d attempt left before login is locked.",
            "%(left)d attempts left before login is locked.",
            left,
        ) % {"left": left}
    else:
        detail = ""
    if detail:
        # One translatable pattern, so each language joins the two sentences its own way.
        message = _("%(reason)s %(detail)s") % {"reason": message, "detail": detail}
    return ValidationError(message, code="invalid_login")
