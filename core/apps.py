from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """What every feature uses: errors, the API's plumbing, navigation, health, middleware, logging."""

    name = "core"
    verbose_name = _("Core")
