from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MattingConfig(AppConfig):
    name = "matting"
    verbose_name = _("Portrait cutout")
