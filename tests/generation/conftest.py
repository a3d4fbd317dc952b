"""Fixtures of the text-to-image tests: the fake DashScope server (real HTTP on 127.0.0.1, spoken to
by the real dashscope SDK) and a tiny random-weight diffusers pipeline saved to disk once."""

import pytest

from testkit.fake_dashscope import FakeDashScope


@pytest.fixture(scope="session")
def _fake_server():
    server = FakeDashScope().start()
    yield server
    server.stop()


@pytest.fixture
def fake_dashscope(_fake_server, settings):
    """The fake service, emptied, with the studio pointed at it and fast polling and backoff."""
    _fake_server.reset()
    settings.DASHSCOPE_BASE_URL = _fake_server.base_url
    settings.DASHSCOPE_API_KEY = "sk-server-key-0001"
    settings.DASHSCOPE_POLL_INTERVAL = 0.02
    settings.DASHSCOPE_BACKOFF = 0.02
    settings.DASHSCOPE_MIN_SUBMIT_INTERVAL = 0.0
    settings.DASHSCOPE_TIMEOUT = 20
    yield _fake_server
    _fake_server.reset()


@pytest.fixture(scope="session")
def tiny_pipeline_dir(tmp_path_factory):
    pytest.importorskip("diffusers")
    from testkit.tiny_pipeline import build_tiny_pipeline

    return build_tiny_pipeline(tmp_path_factory.mktemp("tiny-sd") / "pipeline")
