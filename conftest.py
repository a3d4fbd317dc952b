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


def image_bytes(fmt: str = "PNG", size=(64, 48), color=(200, 30, 30), **save) -> bytes:
    mode = "RGBA" if fmt == "PNG" and save.pop("alpha", False) else "RGB"
    buf = io.BytesIO()
    Image.new(mode, size, color).save(buf, fmt, **save)
    return buf.getvalue()


def upload(name: str = "red.png", data: bytes | None = None, content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_bytes() if data is None else data, content_type=content_type)


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
