"""ml.text.render.preview_box: the region round one box, rendered on a crop, is the full render's
pixels there (automatic colour and outline included), for straight and tilted boxes, with
half-pixel corners (round() ties to even) and a box at the image's edge."""

import numpy as np
import pytest
from PIL import Image, ImageDraw

from ml.text import TextBox, TextError, place_text_detailed
from ml.text.render import preview_box


def _photo():
    rng = np.random.default_rng(3)
    image = Image.fromarray((rng.random((420, 700, 3)) * 255).astype("uint8"))
    ImageDraw.Draw(image).rectangle((0, 0, 330, 420), fill=(236, 232, 222))
    return image


@pytest.mark.parametrize("box", [
    TextBox.from_rect((40.5, 30.5, 300.5, 120.5), "Bronze Bird", shadow=True),
    TextBox.from_rect((351.3, 40.7, 699.5, 160.2), "天路", color="#ff2020", outline=True),
    TextBox(quad=((20.5, 250), (400.3, 230.5), (410, 380), (30, 400.5)), text="Tilted sign"),
    TextBox.from_rect((0, 300, 700, 420), "Edge to edge", vertical=False),
])
def test_preview_box_is_the_full_renders_region(box):
    image = _photo()
    full, [whole] = place_text_detailed(image, [box])
    region_image, region, placement = preview_box(image, box)
    assert np.array_equal(np.asarray(full.crop(region)), np.asarray(region_image))
    assert (placement.size, placement.color, placement.lines, placement.outline) == (
        whole.size, whole.color, whole.lines, whole.outline)


def test_preview_box_error_names_the_box_it_was_given():
    with pytest.raises(TextError) as exc_info:
        preview_box(_photo(), TextBox.from_rect((10, 10, 40, 26), "far too long for this box"), index=4)
    assert exc_info.value.code == "too_long" and exc_info.value.extra["index"] == 4
