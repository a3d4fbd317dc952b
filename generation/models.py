from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DashScopeCredential(models.Model):
    """A user's own DashScope API key, encrypted at rest (generation.crypto; the encryption key comes
    from the environment). Only the last four characters are kept readable, to show which key it is."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="dashscope_key")
    ciphertext = models.TextField(editable=False)
    last4 = models.CharField(max_length=4, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("DashScope API key")
        verbose_name_plural = _("DashScope API keys")

    def __str__(self) -> str:
        return f"…{self.last4}"
