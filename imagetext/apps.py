from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImageTextConfig(AppConfig):
    name = "imagetext"
    verbose_name = _("Text in images")

    def ready(self):
        from gallery import kinds as job_kinds
        from gallery.labels import register
        from imagetext import kinds, labels

        register(fields=labels.FIELDS, values=labels.VALUES)
        job_kinds.register(*kinds.KINDS)
