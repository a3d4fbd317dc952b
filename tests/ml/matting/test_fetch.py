"""Fetching the MODNet checkpoint (the catalogue's entry "modnet": no pinned checksum, its tensor manifest
checked instead) against a real HTTP server on 127.0.0.1."""

import hashlib

import pytest

pytest.importorskip("torch")

from ml.matting.modnet_engine import CheckpointMismatchError, load_modnet  # noqa: E402
from ml.weights import CATALOGUE, FetchError, fetch  # noqa: E402


def fetch_checkpoint(url, dest, *, sha256=None):
    (name, _how), = fetch(CATALOGUE["modnet"], dest, url=url, sha256=sha256)
    return dest / name


@pytest.fixture
def server(file_server, parity_ckpt):
    root, url = file_server
    data = parity_ckpt.read_bytes()
    (root / "modnet_photographic_portrait_matting.ckpt").write_bytes(data)
    (root / "corrupt.ckpt").write_bytes(data[: len(data) // 2] + b"\0" * 1000)
    return url, hashlib.sha256(data).hexdigest()

def test_fetch_verifies_and_moves_into_place(server, tmp_path):
    base, sha = server
    dest = tmp_path / "weights"
    path = fetch_checkpoint(f"{base}/modnet_photographic_portrait_matting.ckpt", dest, sha256=sha)
    assert path == dest / "modnet_photographic_portrait_matting.ckpt"
    assert sorted(p.name for p in dest.iterdir()) == [path.name]
    load_modnet(path)


def test_corrupted_file_is_refused_and_nothing_is_left(server, tmp_path):
    base, _ = server
    dest = tmp_path / "weights"
    with pytest.raises(CheckpointMismatchError):
        fetch_checkpoint(f"{base}/corrupt.ckpt", dest)
    assert list(dest.iterdir()) == []


def test_wrong_checksum_is_refused_and_nothing_is_left(server, tmp_path):
    base, _ = server
    dest = tmp_path / "weights"
    with pytest.raises(FetchError, match="sha256"):
        fetch_checkpoint(f"{base}/modnet_photographic_portrait_matting.ckpt", dest, sha256="0" * 64)
    assert list(dest.iterdir()) == []


def test_http_error_is_a_fetch_error(server, tmp_path):
    base, _ = server
    dest = tmp_path / "weights"
    with pytest.raises(FetchError, match="404"):
        fetch_checkpoint(f"{base}/nothing.ckpt", dest)
    assert list(dest.iterdir()) == []


def test_a_good_file_already_there_survives_a_failed_fetch(server, tmp_path):
    base, sha = server
    dest = tmp_path / "weights"
    good = fetch_checkpoint(f"{base}/modnet_photographic_portrait_matting.ckpt", dest, sha256=sha)
    before = good.read_bytes()
    with pytest.raises(CheckpointMismatchError):
        fetch_checkpoint(f"{base}/corrupt.ckpt", dest)
    assert good.read_bytes() == before
