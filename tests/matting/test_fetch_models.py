"""`manage.py fetch_models modnet` (address from MODNET_URL) against a real HTTP server on 127.0.0.1."""

import hashlib

import pytest
from django.core.management import CommandError, call_command

pytest.importorskip("torch")


@pytest.fixture
def server(file_server, parity_ckpt):
    root, url = file_server
    data = parity_ckpt.read_bytes()
    (root / "modnet_photographic_portrait_matting.ckpt").write_bytes(data)
    (root / "other.ckpt").write_bytes(data[: len(data) // 3])
    return url, hashlib.sha256(data).hexdigest()

def test_fetch_models_modnet_downloads_and_verifies(server, settings, tmp_path, capsys):
    base, sha = server
    settings.ML_WEIGHTS_DIR = tmp_path / "weights"
    settings.MODNET_URL = f"{base}/modnet_photographic_portrait_matting.ckpt"
    settings.MODNET_SHA256 = sha
    call_command("fetch_models", "modnet")
    assert [p.name for p in settings.ML_WEIGHTS_DIR.iterdir()] == ["modnet_photographic_portrait_matting.ckpt"]
    assert "modnet: modnet_photographic_portrait_matting.ckpt downloaded and verified" in capsys.readouterr().out

    from ml.matting.pipeline import make_matter

    assert make_matter("auto", weights_dir=settings.ML_WEIGHTS_DIR).portraits.name == "modnet"


def test_fetch_models_refuses_a_wrong_file_and_leaves_nothing(server, settings, tmp_path):
    base, _sha = server
    settings.ML_WEIGHTS_DIR = tmp_path / "weights"
    with pytest.raises(CommandError, match="Refused, nothing was saved"):
        call_command("fetch_models", "modnet", "--url", f"{base}/other.ckpt")
    assert list(settings.ML_WEIGHTS_DIR.iterdir()) == []


def test_fetch_models_without_an_address_says_how_to_get_the_weights(settings):
    settings.MODNET_URL = ""
    with pytest.raises(CommandError, match="set MODNET_URL"):
        call_command("fetch_models", "modnet")
