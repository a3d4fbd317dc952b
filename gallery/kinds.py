"""Job kinds: each is declared once, in its app's `kinds.py` (its name, handler, label, whether it loads a
model, whether it can stop while running, the page that shows its result), and registered here from the app's AppConfig.ready().
The runner, job creation, the cluster routing and the pages all read this one registry."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class JobKind:
    name: str
    handler: str  # dotted path of the handler (gallery.runner: handler(job=, report=) -> JobOutcome)
    label: str  # lazy, for people
    # loads a model in the worker (OCR, matting, diffusers...): MODEL_JOB_CLUSTER can send it to a
    # GPU machine's worker, while crop and resize stay on the default cluster
    loads_model: bool = False
    # runs the local diffusers model: GENERATION_LOCAL_CLUSTER can send just these to a GPU worker
    local_model: bool = False
    # the page that shows its result (an URL name taking job_id), and the job page's link to it
    result_page: str = ""
    result_link: str = ""
    result_icon: str = ""
    # can a running job of this kind be stopped? Its handler then checks job_cancel_requested between
    # steps; True, or a test of the job's params (a cutout may be stopped only while its background is
    # still being generated). Any other job can be cancelled only while it waits.
    cancel_while_running: bool | Callable[[dict], bool] = False
    # made by a text-to-image backend (generation.handlers.generate_for_job): the kinds Text to image's
    # API cancel endpoint answers for (whether a running one stops is cancel_while_running's)
    generation_backed: bool = False


_KINDS: dict[str, JobKind] = {}


def register(*kinds: JobKind) -> None:
    for kind in kinds:
        if _KINDS.get(kind.name, kind) != kind:
            raise ValueError(f"job kind {kind.name!r} is declared twice")
        _KINDS[kind.name] = kind
    from gallery import labels  # an item's "operation" is the kind that made it

    labels.register(values={"operation": {kind.name: kind.label for kind in kinds}})


def get(name: str) -> JobKind | None:
    return _KINDS.get(name)


def names() -> list[str]:
    return list(_KINDS)


def handler_path(name: str) -> str | None:
    """The dotted path of the kind's handler. settings.JOB_HANDLERS adds or replaces handlers (tests
    register their own kinds there); otherwise the declared one."""
    extra = getattr(settings, "JOB_HANDLERS", {}) or {}
    if name in extra:
        return extra[name]
    kind = _KINDS.get(name)
    return kind.handler if kind else None


def routes_clusters() -> bool:
    """Does any kind go to a cluster of its own? (If not, sending a job needs no look-up.)"""
    return bool(getattr(settings, "JOB_CLUSTERS", None) or settings.GENERATION_LOCAL_CLUSTER
                or settings.MODEL_JOB_CLUSTER)


def cluster_for(name: str) -> str:
    """The django-q2 cluster the kind's jobs are sent to ("" = the default one), the most specific
    setting first: settings.JOB_CLUSTERS names a cluster per kind; a local-model kind follows
    GENERATION_LOCAL_CLUSTER; any kind that loads a model follows MODEL_JOB_CLUSTER."""
    explicit = getattr(settings, "JOB_CLUSTERS", {}) or {}
    if name in explicit:
        return explicit[name] or ""
    kind = _KINDS.get(name)
    if kind is None:
        return ""
    if kind.local_model and settings.GENERATION_LOCAL_CLUSTER:
        return settings.GENERATION_LOCAL_CLUSTER
    return settings.MODEL_JOB_CLUSTER if kind.loads_model else ""


def cancels_while_running(name: str, params: dict) -> bool:
    kind = _KINDS.get(name)
    rule = kind.cancel_while_running if kind else False
    return bool(rule(params or {}) if callable(rule) else rule)


def generation_backed() -> tuple[str, ...]:
    return tuple(name for name, kind in _KINDS.items() if kind.generation_backed)


def label(name: str) -> str:
    kind = _KINDS.get(name)
    return str(kind.label) if kind else name
