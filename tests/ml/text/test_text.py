"""ml.text for real: Noto/DejaVu rendering, PP-OCR read-back (weights ship inside the rapidocr wheel),
removal against OpenCV Telea, and line replacement. No Django."""

import math

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter

from ml.text import (
    TextBox, TextError, fonts, modify_text, place_text, place_text_detailed, read_back, remove_text, text_mask,
)
from ml.text.render import MIN_SIZE
from tests.ml.text.devset import removal_record

pytestmark = pytest.mark.skipif(not fonts.available_fonts()["sans"][0],
                                reason="Noto CJK fonts are not installed (Debian fonts-noto-cjk)")


def gradient(width=640, height=400, dark=False):
    x = np.linspace(0, 1, width)[None, :, None]
    y = np.linspace(0, 1, height)[:, None, None]
    base = np.array([40, 60, 90]) if dark else np.array([225, 215, 190])
    img = base + 30 * x * np.array([1, 0.5, -0.5]) + 20 * y
    return Image.fromarray(np.clip(img, 0, 255).astype(np.uint8).repeat(1, 0), "RGB")


def photo():
    from skimage import data

    return Image.fromarray(data.coffee()).resize((600, 400))


def test_chinese_and_english_in_one_image_read_back(ppocr):
    image = gradient()
    boxes = [TextBox.from_rect((40, 40, 600, 120), "故宫文创 天路"),
             TextBox.from_rect((40, 160, 600, 230), "Palace Museum Shop", font="latin-serif"),
             TextBox.from_rect((40, 270, 400, 360), "拿铁 Latte", color="#a01010", outline=True, shadow=True)]
    out = place_text(image, boxes)
    assert out.size == image.size and out.mode == "RGB"
    assert np.asarray(out)[300:, 420:].tolist() == np.asarray(image)[300:, 420:].tolist()  # nothing outside boxes
    results = read_back(out, boxes, ppocr)
    assert [r.ok for r in results] == [True, True, True], [(r.expected, r.read) for r in results]


def test_perspective_quad_reads_back(ppocr):
    image = gradient(dark=True)
    angle = math.radians(12)
    cx, cy, w, h = 320, 200, 420, 110
    corners = [(-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2)]
    quad = [(cx + x * math.cos(angle) - y * math.sin(angle), cy + x * math.sin(angle) + y * math.cos(angle))
            for x, y in corners]
    quad[1] = (quad[1][0], quad[1][1] + 15)  # a tilted, non-rectangular sign
    box = TextBox(quad=quad, text="文明旅游")
    out, placements = place_text_detailed(image, [box])
    assert placements[0].color == "#ffffff"  # automatic contrast on a dark background
    assert read_back(out, [box], ppocr)[0].ok


def test_vertical_chinese(ppocr):
    box = TextBox.from_rect((270, 20, 360, 390), "手绘瓷杯", vertical=True)
    out, placements = place_text_detailed(gradient(), [box])
    assert placements[0].lines == ["手绘瓷杯"]  # one column
    assert placements[0].size > 60
    result = read_back(out, [box], ppocr)[0]
    assert result.ok, result.read


def test_long_text_shrinks_and_wraps_then_errors_at_min_size():
    image = gradient()
    short = place_text_detailed(image, [TextBox.from_rect((20, 20, 300, 200), "天路")])[1][0]
    long = place_text_detailed(image, [TextBox.from_rect((20, 20, 300, 200), "Morning Market Opening Hours Daily")])[1][0]
    assert long.size < short.size and len(long.lines) >= 2
    assert all(" " not in line.strip() or line == line.strip() for line in long.lines)
    assert "Morning Market Opening Hours Daily".split() == " ".join(long.lines).split()  # word boundaries
    with pytest.raises(TextError) as err:
        place_text(image, [TextBox.from_rect((20, 20, 120, 40), "这是一段在这个小框里无论如何都放不下的很长很长的文字")])
    assert err.value.code == "too_long" and str(MIN_SIZE) in err.value.message


@pytest.mark.parametrize("box,code", [
    (TextBox.from_rect((10, 10, 200, 60), "   "), "empty_text"),
    (TextBox.from_rect((500, 300, 800, 380), "Exit"), "box_outside"),
    (TextBox.from_rect((10, 10, 200, 60), "Exit", color="red"), "bad_color"),
    (TextBox.from_rect((10, 10, 200, 60), "Exit", font="comic"), "bad_option"),
    (TextBox(quad=[(10, 10), (200, 10), (10, 60), (200, 60)], text="Exit"), "bad_box"),
    (TextBox.from_rect((10, 10, 200, 60), "Exit 😀"), "unsupported_chars"),
])
def test_bad_boxes_are_refused_before_drawing(box, code):
    image = gradient()
    good = TextBox.from_rect((10, 100, 200, 160), "OK")
    with pytest.raises(TextError) as err:
        place_text(image, [good, box])
    assert err.value.code == code and err.value.extra.get("index", 1) == 1


def test_missing_font_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(fonts, "_STANDARD_DIRS", ())
    fonts._find.cache_clear()
    try:
        with pytest.raises(TextError) as err:
            fonts.resolve("sans", [tmp_path])
        assert err.value.code == "font_missing" and "fonts-noto-cjk" in err.value.message
    finally:
        fonts._find.cache_clear()


def _psnr(a, b, region):
    x0, y0, x1, y1 = region
    d = np.asarray(a, np.float64)[y0:y1, x0:x1] - np.asarray(b, np.float64)[y0:y1, x0:x1]
    return 10 * math.log10(255 ** 2 / max(np.mean(d ** 2), 1e-9))


def test_removal_leaves_nothing_to_read_and_beats_telea(ppocr):
    clean = photo()
    texted = clean.copy()
    font = fonts.load(fonts.resolve("sans-bold"), 40)
    draw = ImageDraw.Draw(texted)
    draw.text((60, 40), "小心台阶", font=font, fill=(250, 240, 200))
    draw.text((60, 320), "Fresh Coffee", font=font, fill=(30, 20, 90))
    def words(image):  # PP-OCR reads the round cup as "O": only lines of 2+ characters count
        return [line for line in ppocr.read(image).lines if len(line.text) >= 2]

    assert words(clean) == []
    lines = words(texted)
    assert {line.text for line in lines} == {"小心台阶", "Fresh Coffee"}
    quads = [line.quad for line in lines]
    mask = text_mask(texted, quads)
    m = np.asarray(mask) > 127
    assert 0.02 < m.mean() < 0.15  # glyphs, not whole rectangles
    ours = remove_text(texted, mask)
    telea = remove_text(texted, mask, method="telea")
    assert words(ours) == []
    for region in ((50, 30, 260, 95), (50, 310, 330, 375)):
        assert _psnr(ours, clean, region) > _psnr(telea, clean, region)
    assert np.asarray(ours)[~m].tolist() == np.asarray(texted)[~m].tolist()  # nothing else changes


def test_modify_changes_what_ocr_reads(ppocr):
    image = place_text(photo(), [TextBox.from_rect((60, 150, 540, 230), "Night Market", color="#f0e0a0")])
    line = next(line for line in ppocr.read(image).lines if line.text == "Night Market")
    out = modify_text(image, line.quad, "Tea House")
    assert read_back(out, [(line.quad, "Tea House")], ppocr)[0].ok
    assert "Night Market" not in [ln.text for ln in ppocr.read(out).lines]
    # the new text keeps the old colour
    style_colour = np.array([0xf0, 0xe0, 0xa0])
    diff = np.abs(np.asarray(out, np.int16) - np.asarray(image, np.int16)).sum(axis=2) > 60
    near = np.abs(np.asarray(out, np.int16)[diff] - style_colour).max(axis=1) < 40
    assert near.mean() > 0.2


def _coffee_with_line():
    """The coffee photo with one light line across the light wooden table and the dark red saucer
    (the background, and so the text's contrast, changes along the line), and how much each pixel
    changed."""
    clean = photo()
    texted = clean.copy()
    font = fonts.load(fonts.resolve("latin-sans-bold"), 36)
    ImageDraw.Draw(texted).text((40, 330), "Fresh Coffee Daily", font=font, fill=(250, 240, 200))
    changed = np.abs(np.asarray(texted, np.int16) - np.asarray(clean, np.int16)).max(axis=2)
    return clean, texted, changed


def test_mask_keeps_low_contrast_start_of_a_line(ppocr):
    clean, texted, changed = _coffee_with_line()
    lines = [line for line in ppocr.read(texted).lines if len(line.text) >= 2]
    assert [line.text for line in lines] == ["Fresh Coffee Daily"]
    m = np.asarray(text_mask(texted, [lines[0].quad])) > 127
    visible = changed > 40
    # every part of the line is masked, the light table on the left as well as the dark saucer
    for x0, x1 in ((30, 100), (100, 250), (250, 420)):
        part = visible[:, x0:x1]
        assert m[:, x0:x1][part].mean() > 0.97, (x0, x1, m[:, x0:x1][part].mean())
    out = remove_text(texted, Image.fromarray(m.astype(np.uint8) * 255))
    assert [line.text for line in ppocr.read(out).lines if len(line.text) >= 2] == []


def test_mask_covers_dark_outline_and_shadow_of_light_text(ppocr):
    clean = photo()
    texted = clean.copy()
    font = fonts.load(fonts.resolve("latin-sans-bold"), 36)
    # a soft drop shadow, then the light text with a dark outline on top
    shadow = Image.new("L", texted.size, 0)
    ImageDraw.Draw(shadow).text((43, 333), "Fresh Coffee Daily", font=font, fill=190, stroke_width=2)
    shadow = shadow.filter(ImageFilter.GaussianBlur(1.2))
    texted = Image.composite(Image.new("RGB", texted.size, (0, 0, 0)), texted, shadow)
    ImageDraw.Draw(texted).text((40, 330), "Fresh Coffee Daily", font=font, fill=(250, 240, 200),
                                stroke_width=2, stroke_fill=(25, 20, 20))
    changed = np.abs(np.asarray(texted, np.int16) - np.asarray(clean, np.int16)).max(axis=2)
    lines = [line for line in ppocr.read(texted).lines if len(line.text) >= 2]
    assert [line.text for line in lines] == ["Fresh Coffee Daily"]
    m = np.asarray(text_mask(texted, [lines[0].quad])) > 127
    visible = changed > 40
    assert m[visible].mean() > 0.96, m[visible].mean()
    out = np.asarray(remove_text(texted, Image.fromarray(m.astype(np.uint8) * 255)), np.float64)
    # no dark ghost of the words: unmasked shadow pixels would carry their darkness into the fill
    # (-28 grey levels on average before shadows were looked for)
    darker = (out - np.asarray(clean, np.float64)).mean(axis=2)[visible].mean()
    assert darker > -18, darker
    assert [line.text for line in ppocr.read(Image.fromarray(out.astype(np.uint8))).lines if len(line.text) >= 2] == []


def test_mask_follows_a_dark_outline_across_a_dark_part_of_the_photo(ppocr):
    # light text with a dark outline, its first half over a dark texture (hair): there the outline
    # does not stand out from the photo, but left behind it would draw the letters' shapes
    rng = np.random.default_rng(1)
    clean = np.asarray(photo()).copy()
    h, w = clean.shape[:2]
    clean[:, : w // 2] = np.clip(28 + rng.normal(0, 14, (h, w // 2, 1)), 0, 255).repeat(3, axis=2).astype(np.uint8)
    clean = Image.fromarray(clean)
    texted = clean.copy()
    font = fonts.load(fonts.resolve("latin-sans"), 56)
    ImageDraw.Draw(texted).text((30, 150), "Emergency Exit", font=font, fill=(200, 230, 255), stroke_width=4,
                                stroke_fill=(10, 10, 12))
    lines = [line for line in ppocr.read(texted).lines if len(line.text) >= 2]
    assert [line.text for line in lines] == ["Emergency Exit"]
    m = np.asarray(text_mask(texted, [lines[0].quad])) > 127
    tx, cl = np.asarray(texted, np.int16), np.asarray(clean, np.int16)
    outline = (np.abs(tx - np.array([10, 10, 12])).max(axis=2) < 12) & (np.abs(tx - cl).max(axis=2) > 8)
    dark_half = np.zeros_like(m)
    dark_half[:, : w // 2] = True
    assert m[outline & ~dark_half].mean() > 0.95
    assert m[outline & dark_half].mean() > 0.9, m[outline & dark_half].mean()  # 0.45 when only where it stands out
    out = remove_text(texted, Image.fromarray(m.astype(np.uint8) * 255))
    assert [line.text for line in ppocr.read(out).lines if len(line.text) >= 2] == []


def _pale_background(width=640, height=300):
    # a light, slightly uneven wall: pinkish white with soft grey blocks (what tr_010 has behind it)
    rng = np.random.default_rng(3)
    base = np.array([244, 236, 236], np.float64) + np.zeros((height, width, 3))
    for _ in range(6):
        x0, y0 = rng.integers(0, width - 80), rng.integers(height // 2, height - 40)
        base[y0:, x0:x0 + 70] -= 18
    img = Image.fromarray(np.clip(base, 0, 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(6))
    return Image.fromarray(np.clip(np.asarray(img, np.float64) + rng.normal(0, 1.5, (height, width, 3)), 0, 255)
                           .astype(np.uint8))


def test_soft_glow_round_dark_text_leaves_no_pale_ghost(ppocr):
    # red text with a soft white glow, offset a little (a light drop shadow), on a near-white wall:
    # just beyond the mask the glow is only a few grey levels, too faint for the shadow search, but a
    # fill from that rim brings the letters back as paler shapes
    clean = _pale_background()
    font = fonts.load(fonts.resolve("sans-bold"), 64)
    glow = Image.new("L", clean.size, 0)
    ImageDraw.Draw(glow).text((64, 84), "失物招领", font=font, fill=255, stroke_width=3)
    glow = glow.filter(ImageFilter.GaussianBlur(3))
    texted = Image.composite(Image.new("RGB", clean.size, (255, 255, 255)), clean,
                             glow.point(lambda v: int(v * 0.5)))
    ImageDraw.Draw(texted).text((60, 80), "失物招领", font=font, fill=(220, 40, 40))
    lines = [line for line in ppocr.read(texted).lines if len(line.text) >= 2]
    assert [line.text for line in lines] == ["失物招领"]
    m = np.asarray(text_mask(texted, [lines[0].quad])) > 127
    out = np.asarray(remove_text(texted, Image.fromarray(m.astype(np.uint8) * 255)), np.float64)
    ink = Image.new("L", clean.size, 0)
    ImageDraw.Draw(ink).text((60, 80), "失物招领", font=font, fill=255)
    letters = np.asarray(ink) > 127
    paler = (out - np.asarray(clean, np.float64)).mean(axis=2)[letters].mean()
    assert paler < 2.5, paler  # 6.5 grey levels before the glow was looked for
    assert [line.text for line in ppocr.read(Image.fromarray(out.astype(np.uint8))).lines if len(line.text) >= 2] == []


def test_outline_attached_through_its_anti_aliased_ring_is_masked(ppocr):
    # tr_013: "Exit" in light blue with a 5 px black outline over bricks, a JPEG. Round the arms of
    # the "x" the outline touches the strokes only through their anti-aliased ring (a mixture of the
    # two colours), where growth from the strokes stopped: dark marks were left in the fill
    _record, texted, clean = removal_record(13)[:3]
    exit_box = (slice(20, 115), slice(500, 660))
    lines = [line for line in ppocr.read(texted).lines if "Exit" in line.text]
    assert lines
    m = np.asarray(text_mask(texted, [lines[0].quad])) > 127
    ink = np.abs(np.asarray(texted, np.int16) - np.asarray(clean, np.int16)).max(axis=2) > 40
    assert m[exit_box][ink[exit_box]].mean() > 0.99, m[exit_box][ink[exit_box]].mean()  # 0.95 before


def test_light_glow_of_red_text_in_a_photo_is_masked(ppocr):
    # tr_010: red "失物招领" with a light, blurred drop shadow on a pale background
    record, texted, clean = removal_record(10)[:3]
    lines = [line for line in ppocr.read(texted).lines if len(line.text) >= 2]
    m = np.asarray(text_mask(texted, [line.quad for line in lines])) > 127
    out = np.asarray(remove_text(texted, Image.fromarray(m.astype(np.uint8) * 255)), np.float64)
    x0, y0, x1, y1 = record["lines"][0]["mask_box"]
    paler = (out - np.asarray(clean, np.float64))[y0:y1, x0:x1].mean(axis=2)
    glyphs = m[y0:y1, x0:x1]
    assert abs(paler[glyphs].mean()) < 2.5, paler[glyphs].mean()  # +9.6 grey levels before the glow was looked for



def _shadowed(clean: Image.Image, text: str, font, at=(60, 80), offset=4, blur=2.0, opacity=0.75):
    """`text` in yellow over a black drop shadow shifted by `offset` px, blurred and composited at
    `opacity` (what design tools draw, and how the dev set's shadows were made); and the glyph mask."""
    shadow = Image.new("L", clean.size, 0)
    ImageDraw.Draw(shadow).text((at[0] + offset, at[1] + offset), text, font=font, fill=255)
    shadow = shadow.filter(ImageFilter.GaussianBlur(blur)).point(lambda v: int(v * opacity))
    texted = Image.composite(Image.new("RGB", clean.size, (0, 0, 0)), clean, shadow)
    ImageDraw.Draw(texted).text(at, text, font=font, fill=(255, 225, 120))
    ink = Image.new("L", clean.size, 0)
    ImageDraw.Draw(ink).text(at, text, font=font, fill=255)
    return texted, np.asarray(ink) > 127


def test_tail_of_a_blurred_drop_shadow_on_a_smooth_photo_leaves_no_dark_ghost(ppocr):
    # beyond the clearly shaded pixels a blurred shadow still darkens the photo by a few grey levels;
    # a fill from that rim brings the letters back as darker shapes on a smooth face or wall
    yy, xx = np.mgrid[0:260, 0:720]
    clean = Image.fromarray(np.clip(np.stack([150 + 40 * xx / 720 - 20 * yy / 260] * 3, -1), 0, 255).astype(np.uint8))
    texted, letters = _shadowed(clean, "民间剪纸艺术", fonts.load(fonts.resolve("sans-bold"), 66))
    lines = [line for line in ppocr.read(texted).lines if len(line.text) >= 2]
    assert [line.text for line in lines] == ["民间剪纸艺术"]
    m = np.asarray(text_mask(texted, [lines[0].quad])) > 127
    out = np.asarray(remove_text(texted, Image.fromarray(m.astype(np.uint8) * 255)), np.float64)
    darker = (np.asarray(clean, np.float64) - out).mean(axis=2)[letters].mean()
    assert abs(darker) < 2.0, darker  # 5.3 grey levels darker before the tail was fitted


def test_a_photo_edge_along_the_line_is_not_taken_for_a_shadow_tail():
    # a dark band (a table's edge, the tea in a cup) just below a line shades one side of it as a
    # drop shadow would; masking it would fill a slab of the photo
    yy, xx = np.mgrid[0:260, 0:720]
    base = 170 + 20 * xx / 720 - 90 * (1 / (1 + np.exp(-(yy - 174) / 3.0)))
    clean = Image.fromarray(np.clip(np.stack([base] * 3, -1), 0, 255).astype(np.uint8))
    font = fonts.load(fonts.resolve("sans-bold"), 66)
    texted = clean.copy()
    ImageDraw.Draw(texted).text((60, 80), "民间剪纸艺术", font=font, fill=(80, 16, 180))
    box = ImageDraw.Draw(Image.new("L", clean.size)).textbbox((60, 80), "民间剪纸艺术", font=font)
    quad = [(box[0], box[1]), (box[2], box[1]), (box[2], box[3]), (box[0], box[3])]
    m = np.asarray(text_mask(texted, [quad])) > 127
    ink = Image.new("L", clean.size, 0)
    ImageDraw.Draw(ink).text((60, 80), "民间剪纸艺术", font=font, fill=255)
    from scipy import ndimage

    near = ndimage.binary_dilation(np.asarray(ink) > 127, iterations=3)
    assert (m & ~near).sum() < 0.02 * m.sum(), (m & ~near).sum()  # 10265 of 29086 px taken as a tail


def test_shadow_tail_of_tr_014_leaves_the_face_clean(ppocr):
    # tr_014: "民间剪纸艺术" in yellow with a blurred black drop shadow over a blurred grey face
    record, texted, clean = removal_record(14)[:3]
    lines = [line for line in ppocr.read(texted).lines if "剪纸" in line.text]
    m = np.asarray(text_mask(texted, [line.quad for line in lines])) > 127
    out = np.asarray(remove_text(texted, Image.fromarray(m.astype(np.uint8) * 255)), np.float64)
    x0, y0, x1, y1 = record["lines"][0]["mask_box"]
    face = (slice(y0, y1), slice(x0 + 100, x0 + 280))  # the letters over the face, not over the hair
    darker = (np.asarray(clean, np.float64) - out)[face].mean(axis=2)[m[face]].mean()
    # 13.9 grey levels darker before the tail was fitted; 3.6 with the clean photo round the mask
    assert abs(darker) < 7.0, darker

def _knit(width=640, height=300):
    # rows of slanted stitches whose phase wanders across the picture, with grain: a strong texture
    # that no single shift of the neighbourhood reproduces (a knitted scarf, tr_014)
    from scipy import ndimage

    rng = np.random.default_rng(7)
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float64)
    wobble = ndimage.gaussian_filter(rng.normal(0, 1, (height, width)), 12) * 40
    stitches = np.sin((xx + 0.6 * np.abs((yy % 9) - 4.5)) * 2 * np.pi / 7 + wobble)
    rows = np.sin(yy * 2 * np.pi / 9 + 0.5 * wobble)
    grey = 120 + 45 * stitches * (rows > -0.3) - 40 * (rows <= -0.3) + 18 * rng.normal(0, 1, (height, width))
    return Image.fromarray(np.clip(grey[..., None] * np.array([1.0, 0.92, 0.85]), 0, 255).astype(np.uint8))


def _detail(image, where):
    """Mean high-pass energy (image minus its Gaussian blur) over the `where` pixels."""
    from scipy import ndimage

    grey = np.asarray(image, np.float64).mean(axis=2)
    return float(((grey - ndimage.gaussian_filter(grey, 2)) ** 2)[where].mean())


def _near_rim(m):
    """The masked pixels within 3 px of the unmasked photo (where any fill meets the real texture)."""
    from scipy import ndimage

    return ndimage.binary_dilation(~m, iterations=3) & m


def test_text_on_a_strong_texture_is_filled_with_texture_not_smooth_letter_shapes(ppocr):
    # two stacked lines of bold text across a knit: a smooth (membrane) fill leaves the letters as
    # flat blobs that a person still reads; the fill must carry the texture through them
    clean = _knit()
    font = fonts.load(fonts.resolve("sans-bold"), 60)
    texted = clean.copy()
    draw = ImageDraw.Draw(texted)
    draw.text((40, 60), "Cable Car", font=font, fill=(250, 215, 110), stroke_width=3, stroke_fill=(60, 40, 20))
    draw.text((40, 150), "Station Hall", font=font, fill=(250, 215, 110), stroke_width=3, stroke_fill=(60, 40, 20))
    lines = [line for line in ppocr.read(texted).lines if len(line.text) >= 2]
    assert len(lines) == 2, [line.text for line in lines]
    mask = text_mask(texted, [line.quad for line in lines])
    m = np.asarray(mask) > 127
    out = remove_text(texted, mask)
    inside = m & ~_near_rim(m)
    ratio = _detail(out, inside) / _detail(clean, inside)
    assert 0.4 < ratio < 1.6, ratio  # 0.56 (a membrane fill alone: 0.0001)
    assert [line.text for line in ppocr.read(out).lines if len(line.text) >= 2] == []


@pytest.mark.parametrize("text, score, texture", [
    ("RSAAAR", 0.557, True), ("ARRRRRRI", 0.699, True), ("RRRRARA", 0.819, True),  # a knitted scarf
    ("IIIII", 0.6, True),
    ("Open8:00y 1-22:00", 0.761, False), ("真丝围市", 0.867, False), ("telT Coral", 0.801, False),  # real lines
    ("2000", 0.95, False), ("WWW", 0.99, False), ("OK", 0.5, False),
])
def test_lines_that_read_like_a_repeating_pattern_are_texture(text, score, texture):
    from ml.text.readback import looks_like_texture

    assert looks_like_texture(text, score) is texture


@pytest.mark.parametrize("index, old, new", [(4, "JadeCarvingWorkshop", "Sale Today"), (13, "EmergencyExit", "Museum Cafe")])
def test_new_text_over_a_textured_fill_reads_back(ppocr, index, old, new):
    # the fill under the old line carries the photo's texture (grass on tr_004, dark curly hair on
    # tr_013); under the new letters it stays smooth: with the texture there tr_013 read "Museum n Cafe"
    _record, texted, _clean = removal_record(index)[:3]
    line = next(line for line in ppocr.read(texted).lines if line.text.replace(" ", "") == old)
    out = modify_text(texted, line.quad, new)
    [check] = read_back(out, [TextBox(quad=line.quad, text=new)], reader=ppocr)
    assert check.ok, check.read


def test_modify_does_not_copy_the_line_above_into_the_old_one(ppocr):
    # tr_001: "Fresh Osmanthus Cake" under "请排队候车", both purple with a yellow outline. A shifted
    # copy of the photo above the old line's end brought "车" with it, and the result read
    # "Tea House车"; the old line's colours elsewhere are never copied now
    _record, texted, _clean = removal_record(1)[:3]
    line = next(line for line in ppocr.read(texted).lines if line.text.replace(" ", "") == "FreshOsmanthusCake")
    out = modify_text(texted, line.quad, "Tea House")
    [check] = read_back(out, [TextBox(quad=line.quad, text="Tea House")], reader=ppocr)
    assert check.read == "Tea House", check.read
    assert sum("车" in found.text for found in ppocr.read(out).lines) == 1
