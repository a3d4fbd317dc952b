"""The AppConfig of a feature app: when Django is ready, the app's job kinds (`<app>/kinds.py`, KINDS)
join gallery.kinds and its gallery labels (`<app>/labels.py`, FIELDS and VALUES) join gallery.labels.
Nothing else is loaded at start-up: models and engines are built lazily in the worker (ml.registry)."""

from importlib import import_module

from django.apps import AppConfig


class FeatureConfig(AppConfig):
    # apps.py subclasses it as feature_app.FeatureConfig: with the base imported by name, Django would
    # find two configs in apps.py and use neither

    def ready(self):
        from gallery import kinds as job_kinds
        from gallery.labels import register

        labels = import_module(f"{self.name}.labels")
        register(fields=labels.FIELDS, values=labels.VALUES)
        job_kinds.register(*import_module(f"{self.name}.kinds").KINDS)
