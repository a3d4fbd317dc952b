from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError

from accounts.backends import LEFT_ATTR, LOCK_ATTR
from accounts.login_errors import locked_error, mismatch_error
from accounts.models import ApiToken, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + ((None, {"fields": ("language",)}),)
    list_display = ("username", "email", "language", "is_staff", "date_joined", "last_login")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at")
    search_fields = ("name", "user__username", "prefix")
    readonly_fields = ("prefix", "key_hash", "created_at", "last_used_at")


class LockoutAdminAuthenticationForm(AdminAuthenticationForm):
    """The admin's login speaks like the login page: the lock, the attempts left, and one message
    for every refusal. A right password of an account without staff rights counts as a failure,
    or its different answer would tell a guesser the password is right."""

    def get_invalid_login_error(self):
        lock = getattr(self.request, LOCK_ATTR, None)
        return locked_error(lock) if lock else mismatch_error(getattr(self.request, LEFT_ATTR, None))

    def confirm_login_allowed(self, user):
        try:
            super().confirm_login_allowed(user)
        except ValidationError:
            # Already counted as an attempt (accounts.backends): answer as for a wrong password.
            raise mismatch_error(getattr(self.request, LEFT_ATTR, None)) from None


admin.site.login_form = LockoutAdminAuthenticationForm
