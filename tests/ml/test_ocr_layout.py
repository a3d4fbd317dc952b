"""Reading order, fragments and paragraphs from boxes alone (no model)."""

from ml.ocr import layout
from ml.ocr.spaces import restore_spaces  # noqa: F401  (imported: the module needs only numpy/cv2)
from ml.ocr.text import normalize
from ml.ocr.types import OcrLine, join_paragraph


def box(text, x0, y0, x1, y1, score=0.9):
    return OcrLine(text=text, score=score, quad=((x0, y0), (x1, y0), (x1, y1), (x0, y1)))


def test_rows_top_to_bottom_then_left_to_right():
    lines = [box("c", 10, 100, 60, 130), box("b", 300, 12, 360, 42), box("a", 10, 10, 60, 40)]

    assert [l.text for l in layout.reading_order(lines)] == ["a", "b", "c"]


def test_two_columns_are_read_one_after_the_other():
    lines = [box(f"L{i}", 20, 20 + 50 * i, 420, 50 + 50 * i) for i in range(3)]
    lines += [box(f"R{i}", 480, 22 + 50 * i, 880, 52 + 50 * i) for i in range(3)]

    assert [l.text for l in layout.reading_order(lines[::-1])] == ["L0", "L1", "L2", "R0", "R1", "R2"]


def test_a_label_and_its_far_price_are_rows_not_columns():
    lines = [box("Tea", 20, 20, 80, 50), box("¥8", 600, 20, 640, 50), box("Cake", 20, 70, 90, 100),
             box("¥12", 600, 70, 650, 100)]

    assert [l.text for l in layout.reading_order(lines)] == ["Tea", "¥8", "Cake", "¥12"]


def test_fragments_of_one_line_are_joined_with_a_space_for_latin_and_none_for_chinese():
    merged = layout.merge_fragments([box("Hello", 10, 10, 100, 40), box("world", 110, 11, 200, 41),
                                     box("你好", 10, 100, 60, 130), box("世界", 68, 100, 118, 130)])

    assert [l.text for l in merged] == ["Hello world", "你好世界"]


def test_paragraphs_split_at_a_wide_gap():
    lines = [box("a", 10, 10, 300, 40), box("b", 10, 45, 300, 75), box("c", 10, 200, 300, 230)]

    assert layout.paragraphs(lines) == [[0, 1], [2]]
    assert join_paragraph(["Hello", "world"]) == "Hello world"
    assert join_paragraph(["你好", "世界"]) == "你好世界"


def test_normalize_fixes_context_confusions_only():
    assert normalize("1oo% Silk") == "100% Silk"
    assert normalize("0pen 21：30 ￥28") == "Open 21:30 ¥28"
    assert normalize("Zoo 2, Room 101, 时间：下午") == "Zoo 2, Room 101, 时间：下午"
