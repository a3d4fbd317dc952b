from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MattingConfig(AppConfig):
    name = "matting"
    verbose_name = _("Portrait cutout")

    def ready(self):
        from matting import labels
        from gallery.labels import register

        register(fields=labels.FIELDS, values=labels.VALUES)
