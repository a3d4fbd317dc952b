"""Pictures and files for the portrait-cutout tests."""

import io
from pathlib import Path

import numpy as np
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from tests.ml.matting.conftest import PEOPLE, need

PORTRAIT = "p3m_p_22fc0130.jpg"  # frontal head and shoulders, 1080x1344, plain wall (see tests/ml/matting)


def portrait_path() -> Path:
    return need(PEOPLE) / PORTRAIT


def portrait(scale: float = 1.0) -> Image.Image:
    image = Image.open(portrait_path()).convert("RGB")
    if scale != 1.0:
        image = image.resize((round(image.width * scale), round(image.height * scale)), Image.LANCZOS)
    return image


def figure(size=(160, 200), bg=(90, 150, 210), fg=(200, 120, 90)) -> Image.Image:
    """A simple figure (head and shoulders) on a flat background: a salient subject for U^2-Net-p."""
    w, h = size
    image = Image.new("RGB", size, bg)
    draw = ImageDraw.Draw(image)
    draw.ellipse((w * 0.34, h * 0.12, w * 0.66, h * 0.45), fill=fg)
    draw.rounded_rectangle((w * 0.18, h * 0.48, w * 0.82, h * 1.1), radius=int(w * 0.15), fill=(40, 40, 60))
    return image


def encoded(image: Image.Image, fmt: str = "PNG", **save) -> bytes:
    buf = io.BytesIO()
    image.save(buf, fmt, **save)
    return buf.getvalue()


def upload(image: Image.Image, name: str = "person.png", fmt: str = "PNG") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, encoded(image, fmt), content_type=f"image/{fmt.lower()}")


def half_cutout(size=(80, 60), color=(200, 40, 40)) -> Image.Image:
    """Left half opaque `color`, right half fully transparent."""
    w, h = size
    rgba = np.zeros((h, w, 4), np.uint8)
    rgba[:, : w // 2] = (*color, 255)
    return Image.fromarray(rgba, "RGBA")


def alpha_of(item) -> np.ndarray:
    with item.file.open("rb") as fh, Image.open(fh) as image:
        image.load()
        assert image.mode == "RGBA", image.mode
        return np.asarray(image.getchannel("A"))


def pixels(item, mode="RGB") -> np.ndarray:
    with item.file.open("rb") as fh, Image.open(fh) as image:
        image.load()
        return np.asarray(image.convert(mode))


def media_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []
