"""Fetching weights: only on request, from a URL, verified by checksum. Tested against a local
http.server on 127.0.0.1 (never the internet)."""

import hashlib
import http.server
import io
import threading
import zipfile
from functools import partial

import pytest
from django.core.management import CommandError, call_command

from ml import weights


@pytest.fixture
def file_server(tmp_path):
    root = tmp_path / "served"
    root.mkdir()
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *a, **k: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def zipped(name: str, data: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr(name, data)
    return buf.getvalue()


def test_fetch_downloads_unzips_and_verifies(file_server, tmp_path):
    root, url = file_server
    data = b"fake weights " * 100
    (root / "model.zip").write_bytes(zipped("model.pth", data))
    file = weights.WeightFile("model.pth", "https://example.invalid/model.zip", sha256=hashlib.sha256(data).hexdigest())

    path, how = weights.fetch_file(file, tmp_path / "w", url=f"{url}/model.zip")

    assert how == "downloaded" and path.read_bytes() == data
    assert weights.fetch_file(file, tmp_path / "w", url=f"{url}/model.zip")[1] == "present"


def test_fetch_with_a_wrong_checksum_leaves_nothing(file_server, tmp_path):
    root, url = file_server
    (root / "model.zip").write_bytes(zipped("model.pth", b"tampered"))
    file = weights.WeightFile("model.pth", "https://example.invalid/model.zip", sha256="0" * 64)

    with pytest.raises(ValueError, match="checksum"):
        weights.fetch_file(file, tmp_path / "w", url=f"{url}/model.zip")

    assert list((tmp_path / "w").iterdir()) == []


def test_command_fetches_a_language_into_the_weights_dir(file_server, tmp_path, settings, monkeypatch):
    root, url = file_server
    data = b"latin recogniser"
    (root / "latin_g2.zip").write_bytes(zipped("latin_g2.pth", data))
    monkeypatch.setitem(weights.EASYOCR_FILES, "latin_g2", weights.WeightFile(
        "latin_g2.pth", "https://example.invalid/latin_g2.zip", sha256=hashlib.sha256(data).hexdigest()))
    settings.ML_WEIGHTS_DIR = tmp_path / "weights"
    out = io.StringIO()

    call_command("ocr_weights", "fetch", "fr", "--base-url", url, stdout=out)

    folder = tmp_path / "weights" / "easyocr"
    assert (folder / "latin_g2.pth").read_bytes() == data
    # The detector is copied, verified, from the offline English package instead of downloaded.
    assert "craft_mlt_25k.pth copied" in out.getvalue()
    assert weights.easyocr_storage_for(["fr"], tmp_path / "weights") == folder


def test_command_refuses_a_file_with_the_wrong_checksum(file_server, tmp_path, settings):
    root, url = file_server
    (root / "latin_g2.zip").write_bytes(zipped("latin_g2.pth", b"not the real weights"))
    settings.ML_WEIGHTS_DIR = tmp_path / "weights"

    with pytest.raises(CommandError, match="checksum mismatch"):
        call_command("ocr_weights", "fetch", "fr", "--base-url", url, stdout=io.StringIO())

    assert not (tmp_path / "weights" / "easyocr" / "latin_g2.pth").exists()


def test_command_rejects_unknown_languages(settings, tmp_path):
    settings.ML_WEIGHTS_DIR = tmp_path
    with pytest.raises(CommandError, match="Unknown EasyOCR language"):
        call_command("ocr_weights", "fetch", "klingon")


# --- LaMa (manage.py fetch_models lama) -------------------------------------------------------------

def test_fetch_models_lama_downloads_from_a_mirror_and_checks_the_given_sha256(file_server, settings, tmp_path, capsys):
    pytest.importorskip("torch")
    from ml import registry
    from ml.text.lama import lama_path
    from tests.ml.text.lama_compatible import write_lama_compatible

    root, url = file_server
    data = write_lama_compatible(root / "big-lama.pt").read_bytes()
    settings.ML_WEIGHTS_DIR = tmp_path / "weights"
    call_command("fetch_models", "lama", "--url", f"{url}/big-lama.pt", "--sha256", hashlib.sha256(data).hexdigest())
    assert lama_path(settings.ML_WEIGHTS_DIR).read_bytes() == data
    assert "downloaded and verified" in capsys.readouterr().out
    assert registry.available("inpaint", weights_dir=settings.ML_WEIGHTS_DIR)["lama"] == (True, "")


def test_fetch_models_lama_refuses_a_file_that_is_not_the_pinned_one(file_server, settings, tmp_path):
    root, url = file_server
    (root / "big-lama.pt").write_bytes(b"an HTML error page, or another model")
    settings.ML_WEIGHTS_DIR = tmp_path / "weights"
    # no --sha256: the pinned MD5 of IOPaint's export decides
    with pytest.raises(CommandError, match="Refused, nothing was saved: big-lama.pt: checksum mismatch"):
        call_command("fetch_models", "lama", "--url", f"{url}/big-lama.pt")
    assert list((settings.ML_WEIGHTS_DIR / "lama").iterdir()) == []
    with pytest.raises(CommandError, match="Refused, nothing was saved"):
        call_command("fetch_models", "lama", "--url", f"{url}/missing.pt")
