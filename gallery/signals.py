"""A worker process that starts says so at once, so /healthz need not wait for the first
scheduled beat (every minute) to report a freshly started cluster."""

import logging

from django.db import DatabaseError
from django.dispatch import receiver
from django_q.signals import post_spawn

logger = logging.getLogger(__name__)


@receiver(post_spawn)
def worker_spawned(sender, proc_name, **kwargs):
    from gallery.runner import worker_beat

    try:
        worker_beat()
    except DatabaseError:
        logger.warning("Worker %s could not record its start (database unavailable)", proc_name)
