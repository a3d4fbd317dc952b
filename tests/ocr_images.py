"""Rendered text images for the OCR tests (real fonts: DejaVu, and Noto Sans CJK from Debian's
fonts-noto-cjk for Chinese)."""

import io
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
CHINESE = "该小说主要讲述了孙悟空出世，并且拜师学艺及大闹天宫后"
ENGLISH_PARAGRAPH = ["The museum opens at nine every morning", "and closes at six in the evening",
                     "from Tuesday to Sunday"]


def latin_font(size: int = 34):
    return ImageFont.truetype("DejaVuSans.ttf", size)


def cjk_font(size: int = 34):
    if not CJK_FONT.is_file():
        pytest.skip(f"{CJK_FONT} is missing: install Debian's fonts-noto-cjk to run the Chinese OCR tests")
    return ImageFont.truetype(str(CJK_FONT), size, index=2)  # face 2: Simplified Chinese


def render_lines(lines, *, font=None, size=(900, None), origin=(30, 30), step=60) -> Image.Image:
    font = font or latin_font()
    width, height = size
    image = Image.new("RGB", (width, height or origin[1] * 2 + step * len(lines)), "white")
    draw = ImageDraw.Draw(image)
    for i, text in enumerate(lines):
        draw.text((origin[0], origin[1] + i * step), text, font=font, fill=(20, 20, 20))
    return image


def two_columns() -> tuple[Image.Image, list[str], list[str]]:
    left = ["Left column starts here", "and continues below it", "until the end of it"]
    right = ["Right column follows", "after the left one", "is completely read"]
    image = Image.new("RGB", (1000, 260), "white")
    draw = ImageDraw.Draw(image)
    font = latin_font(26)
    for i, (a, b) in enumerate(zip(left, right)):
        draw.text((30, 40 + i * 40), a, font=font, fill="black")
        draw.text((540, 40 + i * 40), b, font=font, fill="black")
    return image, left, right


def png_bytes(image: Image.Image, fmt: str = "PNG") -> bytes:
    buf = io.BytesIO()
    image.save(buf, fmt)
    return buf.getvalue()
