"""Font files by name. CJK faces: Noto Sans / Serif CJK (SIL OFL 1.1; Debian `fonts-noto-cjk`,
installed by scripts/test.sh and scripts/run.sh), face index 2 = Simplified Chinese. Latin faces:
DejaVu (Debian `fonts-dejavu-core`, preinstalled). Files are looked for in the folders passed in,
then in the standard system folders; a missing font raises TextError("font_missing") naming the
package to install."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from PIL import ImageFont, features

from ml.text.types import TextError

# name -> (candidate file names, face index in a .ttc, Debian package, covers CJK)
FONTS: dict[str, tuple[tuple[str, ...], int, str, bool]] = {
    "sans": (("NotoSansCJK-Regular.ttc", "NotoSansCJKsc-Regular.otf"), 2, "fonts-noto-cjk", True),
    "sans-bold": (("NotoSansCJK-Bold.ttc", "NotoSansCJKsc-Bold.otf"), 2, "fonts-noto-cjk", True),
    "serif": (("NotoSerifCJK-Regular.ttc", "NotoSerifCJKsc-Regular.otf"), 2, "fonts-noto-cjk", True),
    "serif-bold": (("NotoSerifCJK-Bold.ttc", "NotoSerifCJKsc-Bold.otf"), 2, "fonts-noto-cjk", True),
    "latin-sans": (("DejaVuSans.ttf",), 0, "fonts-dejavu-core", False),
    "latin-sans-bold": (("DejaVuSans-Bold.ttf",), 0, "fonts-dejavu-core", False),
    "latin-serif": (("DejaVuSerif.ttf",), 0, "fonts-dejavu-core", False),
    "latin-serif-bold": (("DejaVuSerif-Bold.ttf",), 0, "fonts-dejavu-core", False),
    "latin-mono": (("DejaVuSansMono.ttf",), 0, "fonts-dejavu-core", False),
    "latin-sans-oblique": (("DejaVuSans-Oblique.ttf",), 0, "fonts-dejavu-extra", False),
    "latin-sans-bold-oblique": (("DejaVuSans-BoldOblique.ttf",), 0, "fonts-dejavu-extra", False),
}

# For matching an existing line (ml.text.edit): the faces of a family by (bold, oblique). Noto CJK
# has no oblique face; DejaVu Sans has all four.
FAMILIES: dict[str, dict[tuple[bool, bool], str]] = {
    "sans": {(False, False): "sans", (True, False): "sans-bold"},
    "serif": {(False, False): "serif", (True, False): "serif-bold"},
    "latin-sans": {(False, False): "latin-sans", (True, False): "latin-sans-bold",
                   (False, True): "latin-sans-oblique", (True, True): "latin-sans-bold-oblique"},
    "latin-serif": {(False, False): "latin-serif", (True, False): "latin-serif-bold"},
}


@dataclass(frozen=True)
class FontFile:
    name: str
    path: str
    index: int
    cjk: bool


_STANDARD_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts",
                  "/Library/Fonts", "/System/Library/Fonts", "C:/Windows/Fonts")


def _dirs(font_dirs) -> list[Path]:
    if isinstance(font_dirs, (str, Path)):
        font_dirs = [font_dirs]
    extra = [Path(d).expanduser() for d in (font_dirs or [])]
    return extra + [Path(d).expanduser() for d in _STANDARD_DIRS]


@functools.lru_cache(maxsize=64)
def _find(file_name: str, dirs: tuple[Path, ...]) -> str | None:
    for folder in dirs:
        if not folder.is_dir():
            continue
        direct = folder / file_name
        if direct.is_file():
            return str(direct)
        for found in sorted(folder.rglob(file_name)):
            if found.is_file():
                return str(found)
    return None


def resolve(name: str, font_dirs=None) -> FontFile:
    """The file of font `name`; TextError("bad_option") for an unknown name, ("font_missing") when
    no folder holds it."""
    if name not in FONTS:
        raise TextError("bad_option", f"unknown font {name!r}; choose one of {', '.join(FONTS)}", font=name)
    files, index, package, cjk = FONTS[name]
    dirs = tuple(_dirs(font_dirs))
    for file_name in files:
        path = _find(file_name, dirs)
        if path:
            return FontFile(name=name, path=path, index=index if path.endswith(".ttc") else 0, cjk=cjk)
    raise TextError("font_missing", f"font {name!r} ({files[0]}) is not installed: install the Debian package "
                    f"{package} or put the file in a fonts folder", font=name, package=package)


def available_fonts(font_dirs=None) -> dict[str, tuple[bool, str]]:
    """name -> (present, reason when not)."""
    out = {}
    for name in FONTS:
        try:
            resolve(name, font_dirs)
            out[name] = (True, "")
        except TextError as exc:
            out[name] = (False, exc.message)
    return out


def cjk_counterpart(name: str) -> str:
    """The CJK face closest to a Latin-only face (for text with Chinese characters)."""
    if FONTS[name][3]:
        return name
    serif = "serif" in name
    bold = "bold" in name
    return ("serif" if serif else "sans") + ("-bold" if bold else "")


def bold_counterpart(name: str) -> str:
    if "bold" in name:
        return name
    candidate = name + "-bold"
    return candidate if candidate in FONTS else name


@functools.lru_cache(maxsize=512)
def _truetype(path: str, index: int, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size=size, index=index, layout_engine=ImageFont.Layout.RAQM
                              if features.check("raqm") else ImageFont.Layout.BASIC)


def load(font: FontFile, size: int) -> ImageFont.FreeTypeFont:
    return _truetype(font.path, font.index, max(1, int(size)))
