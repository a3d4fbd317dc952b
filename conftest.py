"""Project-wide fixtures."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

SHARED = Path(__file__).resolve().parent.parent / "shared"


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def empty_weights_dir(settings, tmp_path):
    """An empty ML_WEIGHTS_DIR (created): only what ships with the project and its packages can run, as
    on a fresh install."""
    settings.ML_WEIGHTS_DIR = tmp_path / "weights"
    settings.ML_WEIGHTS_DIR.mkdir(exist_ok=True)
    return settings.ML_WEIGHTS_DIR


def image_bytes(fmt: str = "PNG", size=(64, 48), color=(200, 30, 30), **save) -> bytes:
    mode = "RGBA" if fmt == "PNG" and save.pop("alpha", False) else "RGB"
    buf = io.BytesIO()
    Image.new(mode, size, color).save(buf, fmt, **save)
    return buf.getvalue()


def upload(name: str = "red.png", data: bytes | None = None, content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_bytes() if data is None else data, content_type=content_type)


@pytest.fixture
def file_server(tmp_path):
    """(folder, base URL): an http.server on 127.0.0.1 serving the folder, for every download test."""
    import functools
    import http.server
    import threading

    root = tmp_path / "served"
    root.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *a, **k: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def make_user(django_user_model):
    def make(username: str = "alice", password: str = "correct-horse-battery", **extra):
        return django_user_model.objects.create_user(username=username, password=password, **extra)

    return make


@pytest.fixture
def user(make_user):
    return make_user()


@pytest.fixture
def other_user(make_user):
    return make_user("bob", "another-secret-pass")


@pytest.fixture
def png_upload():
    return upload()


# --- Added for the backend suite -----------------------------------------------------------------

@pytest.fixture(autouse=True)
def _clear_cache():
    """Throttles and rate limits live in the (locmem) cache: every test starts clean (lock-outs are rows)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _english():
    """Services called directly speak English in tests (the site default is zh-hans); pages and
    APIs pick their language per request (see `english`). tests/accounts/test_i18n.py overrides."""
    from django.utils import translation

    with translation.override("en"):
        yield


def english(client):
    """Makes a test client ask for English pages (the site default is Simplified Chinese)."""
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def client_en(client):
    return english(client)


@pytest.fixture
def user_client(user, client):
    """A browser session of `user`, in English."""
    client.force_login(user)
    return english(client)


@pytest.fixture
def other_client(other_user):
    from django.test import Client

    client = Client()
    client.force_login(other_user)
    return english(client)


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return english(APIClient())


@pytest.fixture
def user_api(user, api_client):
    api_client.force_login(user)
    return api_client


@pytest.fixture
def run_jobs(django_capture_on_commit_callbacks):
    """`with run_jobs(): ...` runs the jobs enqueued inside the block (django-q2 sync mode)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def pytest_configure(config):
    # Whitenoise warns on every request when collectstatic has not run; irrelevant to these tests.
    config.addinivalue_line("filterwarnings", "ignore:No directory at:UserWarning")


@pytest.fixture
def make_item(db):
    """Stores a gallery item straight through the service (no upload decoding)."""
    from gallery.services import gallery_item_create

    def make(owner, *, name="photo.png", size=(64, 48), color=(200, 30, 30), image=None, kind="upload",
             fmt="PNG", **extra):
        image = image if image is not None else Image.new("RGB", size, color)
        return gallery_item_create(owner=owner, image=image, kind=kind, name=name, fmt=fmt, **extra)

    return make
