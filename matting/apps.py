from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MattingConfig(AppConfig):
    name = "matting"
    verbose_name = _("Portrait cutout")

    def ready(self):
        from matting import kinds, labels
        from gallery import kinds as job_kinds
        from gallery.labels import register

        register(fields=labels.FIELDS, values=labels.VALUES)
        job_kinds.register(*kinds.KINDS)
