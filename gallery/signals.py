"""A worker process that starts says so at once, so /healthz need not wait for the first
scheduled beat (every minute) to report a freshly started cluster; and a cluster that starts sends
again the queued jobs dispatched before it, which a cluster that died may have taken with it."""

import logging

from django.db import DatabaseError
from django.dispatch import receiver
from django.utils import timezone
from django_q.signals import post_spawn

logger = logging.getLogger(__name__)

# Set when `qcluster` loads the apps; its worker processes are forked from it and inherit the value,
# so every worker of one cluster compares with the same moment: the first to start sends the jobs
# again (moving their dispatched_at past it), the others and later reincarnations find none.
CLUSTER_STARTED_AT = timezone.now()


@receiver(post_spawn)
def worker_spawned(sender, proc_name, **kwargs):
    from gallery.runner import worker_beat
    from gallery.services import jobs_redispatch_stranded

    try:
        worker_beat()
        jobs_redispatch_stranded(dispatched_before=CLUSTER_STARTED_AT)
    except DatabaseError:
        logger.warning("Worker %s could not record its start (database unavailable)", proc_name)
