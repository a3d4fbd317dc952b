"""How long a job waited and ran, for the line under a result page's title ("Queued 13:02 · waited
0.1 s · took 3.2 s"): a user who sees only the queue time cannot tell a slow model from a long queue."""

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()


def seconds_text(seconds: float) -> str:
    """3.2 s, 12 s, 2 min 5 s: a tenth of a second matters only for short jobs."""
    if seconds < 10:
        return _("%(s)s s") % {"s": number_format(round(seconds, 1), 1)}
    if seconds < 60:
        return _("%(s)s s") % {"s": number_format(round(seconds), 0)}
    minutes, rest = divmod(round(seconds), 60)
    return _("%(m)d min %(s)d s") % {"m": minutes, "s": rest}


@register.inclusion_tag("includes/job_timing.html")
def job_timing(job):
    waited = ran = None
    if job.started_at and job.queued_at:
        waited = seconds_text(max(0.0, (job.started_at - job.queued_at).total_seconds()))
    if job.duration_seconds is not None:
        ran = seconds_text(max(0.0, job.duration_seconds))
    return {"job": job, "waited": waited, "ran": ran}
