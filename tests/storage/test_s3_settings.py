"""MEDIA_STORAGE=s3 from environment variables alone (docs/configuration.md), in fresh processes:
settings are read at import."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.storage.conftest import KEYS

ROOT = Path(__file__).resolve().parents[2]
SAVE = ("from django.core.files.base import ContentFile; from django.core.files.storage import storages; "
        "s = storages['default']; print(type(s).__name__, s.save('items/1/ab/hello.txt', ContentFile(b'hi')))")


def _manage(tmp_path, *args, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MEDIA_", "AWS_"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings.base", "DATA_DIR": str(tmp_path),
             "DJANGO_SECRET_KEY": "a-deployment-key-" + "x" * 48, **env},
    )


def test_media_storage_s3_from_the_environment_writes_to_the_bucket(tmp_path, s3_media):
    # when: a process configured only by the documented variables stores a file
    result = _manage(
        tmp_path, "shell", "--no-imports", "-c", SAVE, MEDIA_STORAGE="s3", MEDIA_S3_BUCKET=s3_media.name,
        MEDIA_S3_ENDPOINT_URL=s3_media.endpoint, MEDIA_S3_ACCESS_KEY_ID=KEYS["access_key"],
        MEDIA_S3_SECRET_ACCESS_KEY=KEYS["secret_key"], MEDIA_S3_REGION="us-east-1", MEDIA_S3_PREFIX="studio-a/",
        MEDIA_S3_ADDRESSING_STYLE="path",
    )
    # then: it lands in the bucket, under the prefix
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["PrivateS3Storage", "items/1/ab/hello.txt"]
    assert s3_media.keys() == {"studio-a/items/1/ab/hello.txt"}
    assert not (tmp_path / "media").exists()


@pytest.mark.parametrize("env, message", [
    ({"MEDIA_STORAGE": "s3"}, "MEDIA_STORAGE=s3 needs MEDIA_S3_BUCKET"),
    ({"MEDIA_STORAGE": "ftp"}, "MEDIA_STORAGE must be filesystem or s3, got 'ftp'"),
])
def test_media_storage_misconfigured_refuses_to_start(tmp_path, env, message):
    result = _manage(tmp_path, "check", **env)
    assert result.returncode != 0
    assert message in result.stderr
