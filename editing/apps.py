from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EditingConfig(AppConfig):
    name = "editing"
    verbose_name = _("Editing")

    def ready(self):
        from editing import kinds, labels
        from gallery import kinds as job_kinds
        from gallery.labels import register

        register(fields=labels.FIELDS, values=labels.VALUES)
        job_kinds.register(*kinds.KINDS)
