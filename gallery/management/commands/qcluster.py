"""The job worker: django-q2's `qcluster`, with its own log lines in English.

django-q2 translates its log messages, and a management command runs in the studio's default language
(Simplified Chinese): operators read logs, so the cluster runs in English. Jobs are not affected: the
runner words each job's messages in the language of the user who submitted it (gallery/runner.py)."""

from django.utils import translation
from django_q.management.commands.qcluster import Command as QclusterCommand
from django_q.signals import post_spawn

OPERATORS_LANGUAGE = "en"


def _english_in_worker(sender, **kwargs):
    # Worker processes are forked from the cluster and inherit its language; said again in case a start
    # method other than fork is ever used.
    translation.activate(OPERATORS_LANGUAGE)


class Command(QclusterCommand):
    def handle(self, *args, **options):
        post_spawn.connect(_english_in_worker, dispatch_uid="gallery.qcluster.english")
        translation.activate(OPERATORS_LANGUAGE)
        return super().handle(*args, **options)
