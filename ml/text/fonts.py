"""Font files by name. CJK faces: Noto Sans / Serif CJK (SIL OFL 1.1; Debian `fonts-noto-cjk`,
installed by scripts/test.sh and scripts/run.sh), face index 2 = Simplified Chinese. Latin faces:
DejaVu (Debian `fonts-dejavu-core`, preinstalled). Files are looked for in the folders passed in,
then in the standard system folders; a missing font raises TextError("font_missing") naming the
package to install."""

from __future__ import annotations

from dataclasses import dataclass

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
}


@dataclass(frozen=True)
class FontFile:
    name: str
    path: str
    index: int
    cjk: bool


def resolve(name: str, font_dirs=None) -> FontFile:
    raise NotImplementedError


def available_fonts(font_dirs=None) -> dict[str, tuple[bool, str]]:
    """name -> (present, reason when not)."""
    raise NotImplementedError
