import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """Our own user from the first migration, so fields can be added without a painful swap later."""

    language = models.CharField(
        _("language"), max_length=10, blank=True, choices=settings.LANGUAGES,
        help_text=_("Empty: follow the browser."),
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"


class ApiToken(models.Model):
    """A named API token. Only a SHA-256 of the secret is stored: the secret is shown once."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=64)
    prefix = models.CharField(max_length=12, db_index=True, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class LoginThrottle(models.Model):
    """Failed logins of one account, (address, account) pair or address (accounts/lockout.py).
    In the database rather than the cache: a cache evicts entries under pressure (Django's database
    cache drops a third of them past 300), and a flood of failures under fresh names would evict
    the lock of the account under attack; its increments are not atomic across processes either."""

    key = models.CharField(max_length=80, primary_key=True)  # "<kind>:<sha256 of the subject>"
    failures = models.PositiveIntegerField(default=0)
    window_ends = models.DateTimeField()
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("login throttle")
        verbose_name_plural = _("login throttles")
