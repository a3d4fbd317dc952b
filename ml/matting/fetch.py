"""Downloading a MODNet checkpoint safely: stream to a temp file in the destination directory, verify
(sha256 when given, then the tensor names and shapes against the official manifest), then move into
place atomically. Nothing partial or unverified is ever left behind under the final name."""

from __future__ import annotations

import hashlib
import os
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

from .modnet_engine import MANIFEST_PATH, PHOTOGRAPHIC_CKPT, load_manifest, verify_checkpoint


class FetchError(RuntimeError):
    """The download failed or the file is not the checkpoint we asked for."""


def fetch_checkpoint(url: str, dest_dir: Path | str, *, sha256: str | None = None,
                     manifest: Path | str | dict | None = MANIFEST_PATH, filename: str | None = None,
                     timeout: float = 60.0, chunk: int = 1 << 20) -> Path:
    """Downloads ``url`` into ``dest_dir`` and returns the final path.

    ``filename`` defaults to the URL's last path segment when it ends in .ckpt/.pth/.safetensors, else to
    the official photographic checkpoint's name. ``manifest``: a manifest path, an already loaded
    manifest dict, or None to skip the key/shape check (not recommended).
    Raises FetchError (network, checksum) or CheckpointMismatchError (not a MODNet checkpoint).
    """
    dest_dir = Path(dest_dir)
    dest_dir.mkdir(parents=True, exist_ok=True)
    if filename is None:
        name = Path(urllib.parse.urlparse(url).path).name
        filename = name if name.endswith((".ckpt", ".pth", ".safetensors")) else PHOTOGRAPHIC_CKPT
    final = dest_dir / filename
    fd, tmp_name = tempfile.mkstemp(prefix=f".{filename}.", suffix=".part" + Path(filename).suffix, dir=dest_dir)
    tmp = Path(tmp_name)
    try:
        digest = hashlib.sha256()
        try:
            with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=timeout) as response:
                expected_len = response.headers.get("Content-Length")
                size = 0
                while block := response.read(chunk):
                    out.write(block)
                    digest.update(block)
                    size += len(block)
            if expected_len is not None and int(expected_len) != size:
                raise FetchError(f"{url}: got {size} bytes, expected {expected_len}")
        except FetchError:
            raise
        except Exception as exc:  # URLError, HTTPError, timeouts, connection resets
            raise FetchError(f"download of {url} failed: {exc}") from exc
        if sha256 is not None and digest.hexdigest().lower() != sha256.lower():
            raise FetchError(f"{url}: sha256 {digest.hexdigest()} does not match the expected {sha256}")
        if manifest is not None:
            loaded = manifest if isinstance(manifest, dict) else load_manifest(manifest)
            verify_checkpoint(tmp, loaded)  # raises CheckpointMismatchError with the differing keys
        os.replace(tmp, final)
        return final
    finally:
        if tmp.exists():
            tmp.unlink()
