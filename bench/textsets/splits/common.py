"""What both splits share: counts, sizes, style probabilities and the font lookup. The splits differ
only in content (phrases, faces, background photos), so a gap between them measures over-fitting, not
a harder style mix."""
import os

from textgen_lib import FontSpec

# 5x the shared/data dev set (40 OCR images, 20 removal photos, 30 render tasks on 15 photos)
N_OCR = 200
N_REMOVAL = 100
N_RENDER = 150
N_RENDER_BG = 75
PAGE_SHARE = 0.1  # share of OCR images that are typeset paragraph pages

PHOTO_LONG_SIDE = (640, 1000)
REMOVAL_LONG_SIDE = (640, 900)
RENDER_LONG_SIDE = (640, 900)
REMOVAL_TEXTURE_SHARE = 0.25  # removal photos replaced by a procedural texture (fabric, sky, night, ...)

MIN_SIZE = 12  # px; the shared/data set stopped at 16
MAX_SIZE = 96
OCR_SIZES = (12, 96)  # log-uniform base size of a block
REMOVAL_SIZES = (12, 96)
MAX_ANGLE = 25.0  # degrees; 60 % of rotated blocks stay under 8
P_CURVE = 0.12  # single-line blocks set on an arc

_DIRS = ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/truetype/liberation")
_PACKAGES = {"Noto": "fonts-noto-cjk", "DejaVu": "fonts-dejavu-core / fonts-dejavu-extra", "Liberation": "fonts-liberation"}


def face(name, file_name, index=0, cjk=False):
    """A FontSpec for a Debian-packaged face; a clear error naming the package when it is missing
    (a silently skipped face would change the sets)."""
    for d in _DIRS:
        path = os.path.join(d, file_name)
        if os.path.isfile(path):
            return FontSpec(name, path, index, cjk)
    pkg = next((v for k, v in _PACKAGES.items() if file_name.startswith(k)), "?")
    raise FileNotFoundError("font %s not installed: install the Debian package %s" % (file_name, pkg))


def cjk(name, file_name, index=2):  # .ttc face 2 = Simplified Chinese, 7 = Mono SC
    return face(name, file_name, index, True)
