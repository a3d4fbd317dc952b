"""django-allauth customised through its adapter: the lock-out's messages, and the client address
our lock-out uses for allauth's own rate limits (sign-up, password reset) too."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context

from accounts import lockout
from accounts.backends import LEFT_ATTR, LOCK_ATTR, attempt_succeeded, login_name
from accounts.login_errors import locked_error, mismatch_error
from core.client_ip import client_ip


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request):
        return client_ip(request)

    def pre_authenticate(self, request, **credentials):
        # accounts.backends refuses a locked login too; checking here first shows why.
        lock = lockout.current_lock(client_ip(request), login_name(credentials))
        if lock:
            raise locked_error(lock)

    def reauthenticate(self, user, password):
        # "Confirm your password" checks it through authenticate() but logs nobody in, so the
        # user_logged_in receiver never gives the counted attempt back: a right password does here.
        confirmed = super().reauthenticate(user, password)
        if confirmed:
            attempt_succeeded(context.request, user)
        return confirmed

    def validation_error(self, code, *args):
        request = self.request
        if code == "username_password_mismatch" and request is not None:
            lock = getattr(request, LOCK_ATTR, None)
            if lock:  # locked between pre_authenticate and the backend (another process's failure)
                return locked_error(lock)
            return mismatch_error(getattr(request, LEFT_ATTR, None))
        return super().validation_error(code, *args)
