"""ml.text.traces: a removal that left the tops and bottoms of the letters is told from one that left
nothing, whatever OCR reads. No Django, no OCR."""

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from ml.text import remove_text
from ml.text.fonts import load, resolve
from ml.text.traces import line_areas, mark_traces, text_traces

YELLOW = (255, 220, 40)


def two_yellow_lines(size=60):
    """A soft gradient with two lines of yellow text; (image, the ink box of each line)."""
    image = Image.new("RGB", (640, 400))
    draw = ImageDraw.Draw(image)
    for y in range(400):
        draw.line((0, y, 640, y), fill=(70 + y // 8, 110 + y // 10, 150 - y // 12))
    font = load(resolve("latin-sans-bold"), size)
    boxes = []
    for y, text in ((60, "Fresh Coffee"), (220, "Open Daily")):
        draw.text((50, y), text, font=font, fill=YELLOW)
        boxes.append(draw.textbbox((50, y), text, font=font))
    return image, boxes


def painted(size, boxes, brush=None):
    """One stroke along the middle of each line: `brush` px wide, or the line's height and more."""
    mask = Image.new("L", size, 0)
    draw = ImageDraw.Draw(mask)
    for x0, y0, x1, y1 in boxes:
        width = brush or round(1.4 * (y1 - y0))
        draw.line([(x0 - 4, (y0 + y1) / 2), (x1 + 4, (y0 + y1) / 2)], fill=255, width=width)
    return mask


def test_a_band_across_the_middle_of_the_letters_leaves_traces_and_a_full_cover_none():
    image, boxes = two_yellow_lines()
    band = painted(image.size, boxes, brush=28)
    left = text_traces(image, remove_text(image, band), band)
    assert left.left and left.share > 0.2 and left.text_pixels > 1000

    cover = painted(image.size, boxes)
    gone = text_traces(image, remove_text(image, cover), cover)
    assert not gone.left and gone.share < 0.05


def test_the_surroundings_own_colours_are_not_traces():
    # the same yellow runs on beside the area (a yellow wall): it is the photo's, not the text's
    image, boxes = two_yellow_lines()
    ImageDraw.Draw(image).rectangle((0, 330, 640, 400), fill=YELLOW)
    cover = painted(image.size, boxes)
    assert not text_traces(image, remove_text(image, cover), cover).left


def test_lines_are_checked_one_by_one_and_marked():
    image, boxes = two_yellow_lines()
    quads = [[[x0 - 6, y0 - 6], [x1 + 6, y0 - 6], [x1 + 6, y1 + 6], [x0 - 6, y1 + 6]] for x0, y0, x1, y1 in boxes]
    # the second line's mask is its glyphs grown a little; the first line's only a band across its middle
    ink = np.abs(np.asarray(image, np.int16) - YELLOW).max(axis=2) < 60
    mask = np.asarray(Image.fromarray(ink.astype(np.uint8) * 255).filter(ImageFilter.MaxFilter(5))) > 0
    x0, y0, x1, y1 = boxes[0]
    mask[:(y0 + y1) // 2 + 40] = False
    mask[(y0 + y1) // 2 - 14:(y0 + y1) // 2 + 14, x0 - 4:x1 + 4] = True
    result = remove_text(image, Image.fromarray(mask.astype(np.uint8) * 255))
    rows = [{"ok": True}, {"ok": True}]
    mark_traces(rows, image, result, line_areas(mask, quads), filled=mask)
    assert [r["ok"] for r in rows] == [False, True]
    assert rows[0]["traces_left"] and rows[0]["traces"] > rows[1]["traces"]


def test_nothing_filled_or_nothing_changed_is_no_traces():
    image, boxes = two_yellow_lines()
    empty = np.zeros((400, 640), bool)
    assert not text_traces(image, image, empty).left
    band = np.asarray(painted(image.size, boxes, brush=28)) > 127
    assert not text_traces(image, image, band).left  # the area was not filled at all: nothing removed
