from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GenerationConfig(AppConfig):
    name = "generation"
    verbose_name = _("Text to image")
    # Nothing is loaded here: backends are built lazily in the worker (ml.registry).

    def ready(self):
        from generation import kinds, labels
        from gallery import kinds as job_kinds
        from gallery.labels import register

        register(fields=labels.FIELDS, values=labels.VALUES)
        job_kinds.register(*kinds.KINDS)
