"""The GrabCut refinement (ml.matting.refine.grabcut) for real: U^2-Net-p's matte of a real portrait,
refined by OpenCV's GrabCut, then the guided filter and sharpening, as the default pipeline runs it."""

import cv2
import numpy as np
import pytest
from PIL import Image

from ml.matting import pipeline
from ml.matting.refine import grabcut, grabcut_trimap, refine_alpha
from ml.matting.u2net_engine import U2NetpMatter

from .conftest import PEOPLE, need


@pytest.fixture(scope="module")
def portrait():
    # Frontal head-and-shoulders portrait (P3M-10k), 1080x1344, plain wall behind: the head fills the
    # upper middle, the torso reaches the bottom edge, the top corners are wall.
    return Image.open(need(PEOPLE) / "p3m_p_22fc0130.jpg").convert("RGB")


@pytest.fixture(scope="module")
def network_alpha(portrait):
    return U2NetpMatter(**pipeline.DEFAULT_U2NETP_OPTIONS).predict_alpha(portrait)


def test_default_refinement_is_grabcut_then_guided_then_sharpen():
    assert pipeline.DEFAULT_REFINE == "grabcut+guided+sharpen"


def test_grabcut_refinement_keeps_the_person_and_clears_the_corners(portrait, network_alpha):
    pixels = np.asarray(portrait)
    alpha = refine_alpha(pixels, network_alpha, method="grabcut+guided+sharpen")
    assert alpha.shape == network_alpha.shape and alpha.dtype == np.float32
    assert 0 <= alpha.min() and alpha.max() <= 1
    h, w = alpha.shape
    assert alpha[int(0.30 * h):, int(0.35 * w):int(0.65 * w)].mean() > 0.9   # face and torso
    c = int(0.08 * min(h, w))
    for corner in (alpha[:c, :c], alpha[:c, -c:]):
        assert corner.mean() < 0.05
    # sharpening after the guided filter leaves most pixels exactly 0 or 1, with a soft band between
    edge = (alpha > 0) & (alpha < 1)
    assert 0 < edge.mean() < 0.1


def test_grabcut_alone_is_a_clean_binary_matte_at_full_size(portrait, network_alpha):
    pixels = np.asarray(portrait)
    cut = grabcut(pixels, network_alpha, max_side=256)
    assert cut.shape == network_alpha.shape and cut.dtype == np.float32
    # binary at the working size, soft only along the upsampled edge
    assert ((cut < 0.02) | (cut > 0.98)).mean() > 0.97
    # it agrees with the network on the bulk of the picture (both find the same person)
    assert ((cut > 0.5) == (network_alpha > 0.5)).mean() > 0.95


def test_trimap_has_sure_regions_and_an_uncertain_band():
    alpha = np.zeros((200, 200), np.float32)
    cv2.circle(alpha, (100, 100), 60, 1.0, -1)
    alpha = cv2.GaussianBlur(alpha, (21, 21), 6)
    mask = grabcut_trimap(alpha, fg=0.9, bg=0.1, erode=0.02, far=0.05)
    assert mask[100, 100] == cv2.GC_FGD and mask[0, 0] == cv2.GC_BGD
    assert mask[100, 100 + 60] in (cv2.GC_PR_FGD, cv2.GC_PR_BGD)   # on the edge: left to GrabCut
    labels = set(np.unique(mask).tolist())
    assert labels == {cv2.GC_BGD, cv2.GC_FGD, cv2.GC_PR_BGD, cv2.GC_PR_FGD}


def test_grabcut_without_background_to_learn_from_returns_the_matte_unchanged():
    image = np.full((64, 64, 3), 120, np.uint8)
    alpha = np.ones((64, 64), np.float32)
    assert np.array_equal(grabcut(image, alpha), alpha)


@pytest.mark.parametrize("method", ["magic", "grabcut+magic", "none+guided", "grabcut++sharpen"])
def test_unknown_step_is_refused(method):
    image = np.zeros((16, 16, 3), np.uint8)
    with pytest.raises(ValueError, match="unknown refinement step"):
        refine_alpha(image, np.zeros((16, 16), np.float32), method=method)


def test_matte_helper_equals_the_cutouts_alpha(portrait):
    matter = U2NetpMatter(**pipeline.DEFAULT_U2NETP_OPTIONS)
    small = portrait.resize((432, 538))
    alpha = pipeline.matte(matter, small)
    result = pipeline.cutout(matter, small)
    assert alpha.shape == (538, 432) and alpha.dtype == np.float32
    assert np.allclose(alpha, result.alpha)
    assert np.array_equal(np.asarray(result.rgba.getchannel("A")), np.round(alpha * 255).astype(np.uint8))


def test_grabcut_does_not_cut_away_a_body_the_network_was_sure_of():
    # Black-and-white photo (P3M-10k): a grey sweater before a grey park. GrabCut's colour models cannot
    # tell them apart and, left alone, keep only the hair; the refinement then falls back on the network.
    photo = Image.open(need(PEOPLE) / "p3m_p_71bcce3a.jpg").convert("RGB")
    photo.thumbnail((640, 640))
    pixels = np.asarray(photo)
    raw = U2NetpMatter(**pipeline.DEFAULT_U2NETP_OPTIONS).predict_alpha(photo)
    sure = raw > 0.5
    unguarded = grabcut(pixels, raw, min_kept=0.0)
    assert (unguarded[sure] > 0.5).mean() < 0.8          # what the guard is for
    guarded = grabcut(pixels, raw)
    assert np.array_equal(guarded, raw.astype(np.float32))
    refined = refine_alpha(pixels, raw, method="grabcut+guided+sharpen")
    assert (refined[sure] > 0.5).mean() > 0.9


def test_a_second_person_is_not_dropped_as_a_stray_piece():
    # Two people of different sizes, each a confident blob of its own colour on a plain wall.
    rng = np.random.default_rng(0)
    pixels = np.full((240, 320, 3), (205, 200, 190), np.uint8)
    alpha = np.zeros((240, 320), np.float32)
    cv2.ellipse(pixels, (90, 150), (45, 80), 0, 0, 360, (40, 60, 120), -1)
    cv2.ellipse(alpha, (90, 150), (45, 80), 0, 0, 360, 1.0, -1)
    cv2.ellipse(pixels, (240, 180), (22, 40), 0, 0, 360, (150, 40, 40), -1)
    cv2.ellipse(alpha, (240, 180), (22, 40), 0, 0, 360, 1.0, -1)
    pixels = np.clip(pixels + rng.normal(0, 4, pixels.shape), 0, 255).astype(np.uint8)
    alpha = cv2.GaussianBlur(alpha, (9, 9), 3)
    cut = grabcut(pixels, alpha)
    assert cut[180, 240] > 0.5 and cut[150, 90] > 0.5
