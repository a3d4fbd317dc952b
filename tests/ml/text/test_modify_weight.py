"""Modify keeps the weight and the lean of the old line: a bold line comes back bold, a regular one
regular, an oblique Latin line oblique. Checked by measuring the new line in the result (the same
estimate, which compares the line with the faces the studio ships, no fixed threshold)."""

import pytest
from PIL import Image, ImageDraw

from ml.text import fonts, modify_text
from ml.text.edit import estimate_style


def _line(text, face, size):
    font = fonts.load(fonts.resolve(face), size)
    image = Image.new("RGB", (900, 220), (40, 60, 90))
    draw = ImageDraw.Draw(image)
    draw.text((40, 70), text, font=font, fill=(250, 245, 235))
    left, top, right, bottom = draw.textbbox((40, 70), text, font=font)
    return image, [[left - 8, top - 8], [right + 8, top - 8], [right + 8, bottom + 8], [left - 8, bottom + 8]]


@pytest.mark.parametrize(("old", "new", "face", "size", "bold"), [
    ("今日咖啡半价", "明日奶茶买一送一", "sans-bold", 40, True),    # the issue: a bold line came back regular
    ("今日咖啡半价", "明日奶茶买一送一", "sans", 40, False),
    ("Fresh Coffee Daily", "Green Tea Today", "latin-serif-bold", 40, True),
    ("Fresh Coffee Daily", "Green Tea Today", "latin-sans", 40, False),
    ("Fresh Coffee Daily", "Green Tea Today", "sans-bold", 64, True),
])
def test_modify_keeps_the_weight(old, new, face, size, bold):
    image, quad = _line(old, face, size)
    before = estimate_style(image, quad, old)
    assert before.bold is bold, before
    out = modify_text(image, quad, new, old_text=old)
    after = estimate_style(out, quad, new)
    assert after.bold is bold, after
    assert after.font.endswith("-bold") is bold


def test_modify_keeps_an_oblique_line_oblique():
    try:
        fonts.resolve("latin-sans-oblique")
    except fonts.TextError:
        pytest.skip("DejaVu Sans Oblique (Debian fonts-dejavu-extra) is not installed")
    image, quad = _line("Fresh Coffee Daily", "latin-sans-oblique", 40)
    style = estimate_style(image, quad, "Fresh Coffee Daily")
    assert style.italic and style.font == "latin-sans-oblique" and not style.bold
    out = modify_text(image, quad, "Green Tea Today", old_text="Fresh Coffee Daily")
    after = estimate_style(out, quad, "Green Tea Today")
    assert after.italic and not after.bold
    upright, upright_quad = _line("Fresh Coffee Daily", "latin-sans", 40)
    assert not estimate_style(upright, upright_quad, "Fresh Coffee Daily").italic


@pytest.mark.parametrize(("old", "new", "face", "size"), [
    ("今日咖啡半价", "明日奶茶特价", "serif", 40),       # the issue: a serif line came back sans
    ("今日咖啡半价", "明日奶茶特价", "serif-bold", 52),
    ("Fresh Coffee Daily", "Green Tea Today", "latin-serif", 40),
    ("Fresh Coffee Daily", "Green Tea Today", "latin-sans-bold", 32),
    ("今日咖啡半价", "明日奶茶特价", "sans", 28),
])
def test_modify_keeps_the_family_and_the_size(old, new, face, size):
    # (new text no longer than the old, so it fits the line at the old size)
    image, quad = _line(old, face, size)
    before = estimate_style(image, quad, old)
    assert before.font == face, before
    assert abs(before.size - size) <= max(1, 0.05 * size), before
    out = modify_text(image, quad, new, old_text=old)
    after = estimate_style(out, quad, new)
    serif = "serif" in face
    assert ("serif" in after.font) is serif, after
    assert abs(after.size - size) <= max(1, 0.1 * size), after  # (read back through the redrawn line)
