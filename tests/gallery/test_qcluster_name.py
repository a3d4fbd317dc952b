"""The qcluster command warns when its cluster would serve nothing: no kind is routed to it and, not
being named like the site, it runs no schedule (a default worker given its own Q_CLUSTER_NAME)."""

import pytest
from django_q.conf import Conf

from gallery.management.commands.qcluster import idle_cluster_warning


@pytest.fixture
def cluster(monkeypatch):
    def named(name: str) -> None:
        monkeypatch.setattr(Conf, "CLUSTER_NAME", name)

    return named


def test_the_site_cluster_is_fine(cluster):
    cluster(Conf.PREFIX)
    assert idle_cluster_warning() is None


def test_a_cluster_jobs_are_routed_to_is_fine(cluster, settings):
    settings.MODEL_JOB_CLUSTER = "gpu"
    cluster("gpu")
    assert idle_cluster_warning() is None
    settings.MODEL_JOB_CLUSTER, settings.JOB_CLUSTERS = "", {"editing.crop": "cpu"}
    cluster("cpu")
    assert idle_cluster_warning() is None


def test_a_default_worker_with_its_own_name_is_warned_about(cluster, settings):
    settings.MODEL_JOB_CLUSTER = "gpu"
    cluster("cpu")
    warning = idle_cluster_warning()
    assert warning and "'cpu'" in warning and "runs no schedule" in warning and "Q_CLUSTER_NAME" in warning
