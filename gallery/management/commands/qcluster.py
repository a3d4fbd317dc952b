"""The job worker: django-q2's `qcluster`, with its own log lines in English.

django-q2 translates its log messages, and a management command runs in the studio's default language
(Simplified Chinese): operators read logs, so the cluster runs in English. Jobs are not affected: the
runner words each job's messages in the language of the user who submitted it (gallery/runner.py)."""

import logging

from django.conf import settings
from django.utils import translation
from django_q.conf import Conf
from django_q.management.commands.qcluster import Command as QclusterCommand
from django_q.signals import post_spawn

logger = logging.getLogger(__name__)

OPERATORS_LANGUAGE = "en"


def idle_cluster_warning() -> str | None:
    """Why this cluster would serve nothing, if it would. Jobs go to the cluster named like the site
    (Q_CLUSTER "name") or to one a kind is routed to (gallery.kinds.cluster_for); and django-q2 runs the
    schedules that name no cluster (the reaper, retention) only in the cluster named like the site
    (django_q/scheduler.py), so a default worker given another Q_CLUSTER_NAME silently reaps nothing."""
    if Conf.CLUSTER_NAME == Conf.PREFIX:
        return None
    routed = {settings.MODEL_JOB_CLUSTER, settings.GENERATION_LOCAL_CLUSTER,
              *(getattr(settings, "JOB_CLUSTERS", {}) or {}).values()}
    if Conf.CLUSTER_NAME in routed:
        return None
    return (f"Cluster {Conf.CLUSTER_NAME!r}: no job kind is sent to it (MODEL_JOB_CLUSTER, GENERATION_LOCAL_CLUSTER, "
            f"JOB_CLUSTERS) and it runs no schedule (only the cluster {Conf.PREFIX!r} does): leave Q_CLUSTER_NAME "
            f"unset for the default worker")


def _english_in_worker(sender, **kwargs):
    # Worker processes are forked from the cluster and inherit its language; said again in case a start
    # method other than fork is ever used.
    translation.activate(OPERATORS_LANGUAGE)


class Command(QclusterCommand):
    def handle(self, *args, **options):
        post_spawn.connect(_english_in_worker, dispatch_uid="gallery.qcluster.english")
        translation.activate(OPERATORS_LANGUAGE)
        if warning := idle_cluster_warning():
            logger.warning(warning)
        return super().handle(*args, **options)
