from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OcrConfig(AppConfig):
    name = "ocr"
    verbose_name = _("Read text")
    # Nothing is loaded here: engines are built lazily in the worker (ml.registry).

    def ready(self):
        from ocr import labels
        from gallery.labels import register

        register(fields=labels.FIELDS, values=labels.VALUES)
