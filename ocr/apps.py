from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OcrConfig(AppConfig):
    name = "ocr"
    verbose_name = _("Read text")
    # Nothing is loaded here: engines are built lazily in the worker (ml.registry).

    def ready(self):
        from ocr import kinds, labels
        from gallery import kinds as job_kinds
        from gallery.labels import register

        register(fields=labels.FIELDS, values=labels.VALUES)
        job_kinds.register(*kinds.KINDS)
