from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Users and API tokens")

    def ready(self):
        from accounts import backends, schema  # noqa: F401  lock-out signal receivers; OpenAPI of API tokens
