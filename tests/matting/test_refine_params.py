"""The refinement names a user may choose (matting.params.REFINE_METHODS) all run in ml.matting, and a
name outside them is refused with a message that lists them."""

import numpy as np
import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from matting.params import REFINE_METHODS, CutoutParams
from ml.matting.pipeline import DEFAULT_REFINE
from ml.matting.refine import refine_alpha


@pytest.mark.parametrize("method", REFINE_METHODS)
def test_every_offered_refinement_runs(method):
    assert CutoutParams.clean({"refine": method})["refine"] == method
    image = np.zeros((48, 64, 3), np.uint8)
    image[12:36, 16:48] = (220, 40, 40)
    alpha = np.zeros((48, 64), np.float32)
    alpha[14:34, 18:46] = 0.8
    out = refine_alpha(image, alpha, method=method)
    assert out.shape == alpha.shape and out.dtype == np.float32


def test_default_and_switches_map_to_the_benchmarked_refinement():
    assert DEFAULT_REFINE in REFINE_METHODS
    assert CutoutParams.clean({"refine": "default"})["refine"] == DEFAULT_REFINE
    assert CutoutParams.clean({"refine": "on"})["refine"] == DEFAULT_REFINE
    assert CutoutParams.clean({"refine": "off"})["refine"] == "none"


def test_unknown_refinement_is_refused_with_the_choices_in_chinese_too():
    with pytest.raises(ValidationError) as caught:
        CutoutParams.clean({"refine": "grabcut+magic"})
    assert "grabcut+guided+sharpen" in caught.value.message_dict["refine"][0]
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        CutoutParams.clean({"refine": "magic"})
    message = caught.value.message_dict["refine"][0]
    assert "未知的边缘优化方式" in message and "grabcut" in message
