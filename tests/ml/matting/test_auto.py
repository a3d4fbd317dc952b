"""`auto` per photo (ml.matting.auto): MODNet where a frontal face lies on the subject, both mattes
combined otherwise, with the choice and its reason on the result; odd inputs still give a cutout."""

import numpy as np
import pytest
from PIL import Image

from ml.matting import pipeline
from ml.matting.auto import AutoMatter, choose, fuse, modnet_is_sure, person

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
    assert (result.alpha <= np.maximum(objects, portrait)).all()  # nothing that neither network holds


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


def test_fusion_drops_a_piece_of_u2netp_that_modnet_does_not_touch():
    """Where the face test misses a small face, U^2-Net-p's matte may hold a piece of background (a sign
    behind the people) apart from the person MODNet holds: the fusion drops it, as it drops MODNet's."""
    objects = np.zeros((100, 100), np.float32)
    objects[20:60, 20:60] = 1.0                          # U^2-Net-p: the person ...
    objects[5:15, 70:95] = 1.0                           # ... and a sign behind, apart
    portrait = np.zeros_like(objects)
    portrait[20:70, 20:60] = 1.0                         # MODNet: the person alone
    fused = fuse(objects, portrait)
    assert fused[20:70, 20:60].min() == 1.0 and fused[5:15, 70:95].max() == 0.0
    # with nothing solid in MODNet's matte (no person) U^2-Net-p's matte is kept whole
    assert np.array_equal(fuse(objects, np.zeros_like(objects)), objects)


def _small_group_on_a_sign(lift: int) -> tuple[Image.Image, np.ndarray]:
    """Five people (a licensed cut-out with exact alpha, bench/data/portraits) at 0.6 of the height of a
    street photo with a shop sign (../shared/data/scenetext), `lift` px above the bottom edge: faces too
    small for the face test, and U^2-Net-p takes the sign for the subject."""
    from .conftest import REPO, SHARED

    person = Image.open(REPO / "bench" / "data" / "portraits" / "cutouts" / "hs_group.png").convert("RGBA")
    bg = Image.open(need(SHARED / "data" / "scenetext" / "images" / "img_1.jpg")).convert("RGB")
    bg = bg.resize((800, round(800 * bg.height / bg.width)))
    s = 0.6 * bg.height / person.height
    person = person.resize((round(person.width * s), round(person.height * s)), Image.LANCZOS)
    x, y = 40, bg.height - person.height - lift
    bg.paste(person, (x, y), person)
    gt = np.zeros((bg.height, bg.width), np.float32)
    gt[y:y + person.height, x:x + person.width] = np.asarray(person.getchannel("A"), np.float32) / 255
    return bg, gt


def test_auto_adds_no_background_to_a_small_group(auto):
    image, gt = _small_group_on_a_sign(lift=60)  # U^2-Net-p: the people and the sign, apart

    result = pipeline.cutout(auto, image)

    # the faces are too small for the whole-photo face test; the person test finds them in MODNet's box
    assert result.auto["chose"] == "modnet" and result.auto["reason"] == "person"
    assert result.alpha[gt > 0.95].mean() > 0.95         # the people are kept ...
    added = (result.alpha > 0.5) & (gt < 0.05)           # ... and no background held solid (the sign)
    assert added.sum() < 0.002 * gt.size, added.sum()    # (the one-sided fusion kept 33,500 px, 9 %)


def test_auto_keeps_the_people_where_the_networks_disagree_on_the_subject(auto):
    image, gt = _small_group_on_a_sign(lift=0)   # U^2-Net-p: only the sign; MODNet: only the people

    result = pipeline.cutout(auto, image)

    assert result.alpha[gt > 0.95].mean() > 0.95  # the one-sided fusion dropped MODNet's people: 0.0


def _small_person_on_grass() -> tuple[Image.Image, np.ndarray]:
    """A person (a licensed cut-out with exact alpha, bench/data/portraits) at 0.35 of the height of an
    800 px photo of grass (scikit-image): the face is too small for the whole-photo face test."""
    import random
    import sys

    from skimage import data

    from .conftest import REPO

    sys.path.insert(0, str(REPO / "bench"))
    from portrait_set import composite  # the portrait set's own compositing (premultiplied, exact alpha)

    person = Image.open(REPO / "bench" / "data" / "portraits" / "cutouts" / "hs_grandmother.png").convert("RGBA")
    grass = Image.fromarray(data.grass()).convert("RGB").resize((800, 800))
    return composite(person, grass, 0.35, random.Random(0))


def test_a_small_person_whose_face_the_photo_wide_test_misses_is_a_portrait(auto):
    image, gt = _small_person_on_grass()
    assert choose(image, auto.objects.predict_alpha(image)).reason == "no_face"  # the whole-photo test misses

    result = pipeline.cutout(auto, image)

    assert result.auto == {"chose": "modnet", "reason": "person", "faces": 1}  # found in MODNet's box
    assert result.engine == "modnet" and result.refine == pipeline.AUTO_PORTRAIT_REFINE
    assert result.alpha[gt > 0.95].mean() > 0.95 and ((result.alpha > 0.5) & (gt < 0.05)).sum() < 0.002 * gt.size


def test_the_person_test_wants_modnet_sure_of_its_matte():
    image, gt = _small_person_on_grass()
    solid = np.where(gt > 0.5, 1.0, 0.0).astype(np.float32)
    assert modnet_is_sure(solid)
    hazy = solid.copy()
    hazy[:, ::2] *= 0.5                               # half of the person soft: MODNet unsure of its matte
    assert not modnet_is_sure(hazy) and person(image, hazy) is None
    assert person(image, np.zeros_like(gt)) is None   # no subject: nothing to look at
