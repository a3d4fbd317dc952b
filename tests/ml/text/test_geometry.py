"""The quad and mask geometry that text removal's read-back uses (ml.text, public since issue 19)."""

import numpy as np

from ml.ocr.types import OcrLine
from ml.text import mark_leftovers, mostly_inside
from ml.text.geometry import mask_bounds, quad_bounds

BOX = [[100, 50], [300, 50], [300, 90], [100, 90]]


def rect(x0, y0, x1, y1):
    return ((x0, y0), (x1, y0), (x1, y1), (x0, y1))


def test_a_line_counts_as_inside_a_box_only_when_more_than_half_of_it_is():
    assert quad_bounds(BOX) == (100, 50, 300, 90)
    assert mostly_inside(rect(120, 55, 180, 85), BOX)
    assert mostly_inside(rect(260, 55, 320, 85), BOX)        # 40 of its 60 px across are inside
    assert not mostly_inside(rect(270, 55, 330, 85), BOX)    # exactly half is not enough
    assert not mostly_inside(rect(400, 55, 460, 85), BOX)
    assert not mostly_inside(BOX, rect(120, 55, 180, 85))    # the box is not inside the line


def test_a_removed_line_is_not_clean_when_the_whole_image_still_reads_text_inside_it():
    rows = [{"quad": BOX, "read": "", "ok": True},
            {"quad": rect(100, 200, 300, 240), "read": "Sa", "ok": False}]
    left = [OcrLine("ffee", 0.9, rect(150, 55, 200, 85)), OcrLine("elsewhere", 0.9, rect(500, 55, 600, 85)),
            OcrLine("le", 0.8, rect(110, 205, 140, 235))]
    mark_leftovers(rows, left)
    assert rows[0] == {"quad": BOX, "read": "ffee", "ok": False}
    assert rows[1]["read"] == "Sa le" and rows[1]["ok"] is False


def test_mask_bounds_are_padded_and_clipped_to_the_mask():
    mask = np.zeros((40, 60), bool)
    mask[10:20, 5:30] = True
    assert mask_bounds(mask, 2) == (8, 22, 3, 32)
    assert mask_bounds(mask, 10) == (0, 30, 0, 40)
