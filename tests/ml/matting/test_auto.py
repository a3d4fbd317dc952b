"""`auto` per photo (ml.matting.auto): MODNet where a frontal face lies on the subject, both mattes
combined otherwise, with the choice and its reason on the result; odd inputs still give a cutout."""

import numpy as np
import pytest
from PIL import Image

from ml.matting import pipeline
from ml.matting.auto import AutoMatter, choose, fuse

from .conftest import PEOPLE, need


@pytest.fixture(scope="module")
def auto() -> AutoMatter:
    matter = pipeline.make_matter("auto")
    assert isinstance(matter, AutoMatter)
    return matter


def test_a_portrait_is_cut_out_by_modnet_and_says_why(auto):
    image = Image.open(need(PEOPLE) / "p3m_p_22fc0130.jpg").convert("RGB")  # frontal head and shoulders

    result = pipeline.cutout(auto, image)

    assert result.auto["chose"] == "modnet" and result.auto["reason"] == "face" and result.auto["faces"] >= 1
    assert result.engine == "modnet" and result.refine == pipeline.AUTO_PORTRAIT_REFINE
    h, w = result.alpha.shape
    assert result.alpha[int(0.4 * h):, int(0.35 * w):int(0.65 * w)].mean() > 0.9  # face and torso kept
    # an explicit refinement is applied as asked
    assert pipeline.cutout(auto, image, refine="guided").refine == "guided"


@pytest.mark.parametrize("name", ["coffee", "rocket"])
def test_an_object_photo_combines_both_mattes_and_says_why(auto, name):
    from skimage import data

    from ml.matting.refine import refine_alpha

    image = Image.fromarray(getattr(data, name)())

    result = pipeline.cutout(auto, image)

    assert result.auto == {"chose": "fusion", "reason": "no_face", "faces": 0}
    assert result.engine == "u2netp+modnet"
    assert result.refine == f"{pipeline.DEFAULT_REFINE} | {pipeline.AUTO_PORTRAIT_REFINE}"
    pixels = np.asarray(image)  # the two refined mattes, fused
    objects = refine_alpha(pixels, auto.objects.predict_alpha(image), method=pipeline.DEFAULT_REFINE)
    portrait = refine_alpha(pixels, auto.portraits.predict_alpha(image), method=pipeline.AUTO_PORTRAIT_REFINE)
    assert np.array_equal(result.alpha, fuse(objects, portrait))
    assert (result.alpha >= objects).all()


def test_fusion_extends_the_subject_but_adds_no_piece_of_its_own():
    objects = np.zeros((100, 100), np.float32)
    objects[20:60, 20:60] = 1.0                          # U^2-Net-p: the subject
    portrait = np.zeros_like(objects)
    portrait[20:70, 20:60] = 1.0                         # MODNet: the subject, a little longer ...
    portrait[80:95, 80:95] = 1.0                         # ... and a piece of its own, apart
    fused = fuse(objects, portrait)
    assert fused[60:70, 20:60].min() == 1.0 and fused[80:95, 80:95].max() == 0.0


def test_a_face_off_the_subject_does_not_make_a_portrait():
    image = Image.open(need(PEOPLE) / "p3m_p_22fc0130.jpg").convert("RGB")
    nothing = np.zeros((image.height, image.width), np.float32)  # U^2-Net-p found no subject
    assert choose(image, nothing).chose == "fusion" and choose(image, nothing).reason == "face_not_subject"
    assert choose(image, np.ones_like(nothing)).chose == "modnet"


@pytest.mark.parametrize("mode", ["L", "CMYK", "I;16", "tiny"])
def test_odd_photos_give_a_cutout_and_a_choice(auto, mode):
    image = Image.open(need(PEOPLE) / "p3m_p_22fc0130.jpg").convert("RGB").resize((270, 336))
    if mode == "tiny":
        image = image.resize((32, 40))
    elif mode == "I;16":
        image = Image.fromarray((np.asarray(image.convert("L"), np.uint16) * 257))
    else:
        image = image.convert(mode)

    result = pipeline.cutout(auto, image)

    assert result.rgba.mode == "RGBA" and result.rgba.size == image.size
    assert result.auto["chose"] in ("modnet", "fusion") and result.auto["reason"]
