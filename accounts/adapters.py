"""django-allauth customised through its adapter: distinct, translated login failure messages and
our lock-out by IP and account."""

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts import lockout


def _minutes(seconds: int) -> int:
    return max(1, -(-seconds // 60))


class AccountAdapter(DefaultAccountAdapter):
    def pre_authenticate(self, request, **credentials):
        lock = lockout.current_lock(lockout.client_ip(request), credentials.get("username"))
        if lock:
            minutes = _minutes(lock.seconds_left)
            raise ValidationError(
                ngettext(
                    "Too many failed login attempts. Try again in %(minutes)d minute.",
                    "Too many failed login attempts. Try again in %(minutes)d minutes.",
                    minutes,
                ) % {"minutes": minutes},
                code="too_many_login_attempts",
            )

    def authentication_failed(self, request, **credentials):
        username = credentials.get("username") or ""
        exists = get_user_model().objects.filter(username__iexact=username).exists()
        left = lockout.record_failure(lockout.client_ip(request), username)
        # allauth raises "username_password_mismatch" right after this; validation_error() below
        # reads the reason so the user learns which of the two was wrong.
        request._studio_login_failure = ("wrong_password" if exists else "unknown_user", left)

    def login(self, request, user):
        lockout.clear_account_failures(user.get_username())
        return super().login(request, user)

    def validation_error(self, code, *args):
        failure = getattr(self.request, "_studio_login_failure", None) if self.request else None
        if code == "username_password_mismatch" and failure:
            reason, left = failure
            if reason == "unknown_user":
                message = _("There is no account with this user name.")
            else:
                message = _("Wrong password.")
            if left == 0:
                minutes = _minutes(settings.LOGIN_LOCKOUT_SECONDS)
                detail = ngettext(
                    "Too many failed attempts: login is locked for %(minutes)d minute.",
                    "Too many failed attempts: login is locked for %(minutes)d minutes.",
                    minutes,
                ) % {"minutes": minutes}
            elif left <= 2:
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
            return ValidationError(message, code=reason)
        return super().validation_error(code, *args)
