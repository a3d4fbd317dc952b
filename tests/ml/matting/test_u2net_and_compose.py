"""U^2-Net-p for real on a real portrait, the refinements and the compositing helpers."""

import numpy as np
import pytest
from PIL import Image

from ml.matting import compose, pipeline
from ml.matting.base import ChecksumMismatchError
from ml.matting.modnet_engine import SHIPPED_ONNX
from ml.matting.refine import estimate_foreground, guided_filter, refine_alpha
from ml.matting.u2net_engine import U2NETP_MD5, U2NetpMatter, md5_of

from .conftest import PEOPLE, need


@pytest.fixture(scope="module")
def matter():
    return U2NetpMatter(**pipeline.DEFAULT_U2NETP_OPTIONS)


@pytest.fixture(scope="module")
def portrait():
    # A frontal head-and-shoulders portrait (P3M-10k, face blurred by the dataset), 1080x1344: the head
    # fills the upper middle, the torso runs from below it to the bottom edge; plain wall behind.
    return Image.open(need(PEOPLE) / "p3m_p_22fc0130.jpg").convert("RGB")


def test_shipped_model_is_the_known_file():
    from ml.matting.u2net_engine import MODELS_DIR

    assert md5_of(MODELS_DIR / "u2netp.onnx") == U2NETP_MD5
    assert (MODELS_DIR / "LICENSE-u2netp.txt").is_file()


def test_openvino_and_onnxruntime_give_the_same_matte(portrait):
    # the app runs the shipped ONNX file through OpenVINO when it is installed (less CPU per photo)
    pytest.importorskip("openvino")
    ov = U2NetpMatter(runtime="openvino")
    ort = U2NetpMatter(runtime="onnxruntime")
    assert np.abs(ov.raw_mask(portrait) - ort.raw_mask(portrait)).max() < 1e-3
    # another input shape (a flipped pair at 448) is compiled on demand, with the same result
    ov448 = U2NetpMatter(runtime="openvino", size=448, flip=True)
    ort448 = U2NetpMatter(runtime="onnxruntime", size=448, flip=True)
    assert np.abs(ov448.raw_mask(portrait) - ort448.raw_mask(portrait)).max() < 1e-3


def test_unknown_runtime_is_refused():
    with pytest.raises(ValueError, match="runtime"):
        U2NetpMatter(runtime="tensorrt")


def test_portrait_cutout_is_opaque_on_the_person_and_clear_in_the_corners(matter, portrait):
    result = pipeline.cutout(matter, portrait)
    assert result.engine == "u2netp"
    assert result.rgba.mode == "RGBA" and result.rgba.size == portrait.size
    alpha = np.asarray(result.rgba.getchannel("A"), np.float32) / 255
    h, w = alpha.shape
    face_and_torso = alpha[int(0.30 * h):, int(0.35 * w):int(0.65 * w)]
    assert face_and_torso.mean() > 0.9
    # The top corners are wall; the bottom ones are the shoulders (opaque, correctly), so only the
    # corners the person does not reach are checked.
    c = int(0.08 * min(h, w))
    for corner in (alpha[:c, :c], alpha[:c, -c:]):
        assert corner.mean() < 0.1
    assert result.matte_image().size == portrait.size


def test_remove_background_keeps_size_for_odd_sizes_and_modes(matter):
    image = Image.new("L", (77, 131), 128)
    out = matter.remove_background(image)
    assert out.mode == "RGBA" and out.size == (77, 131)


def test_wrong_model_file_is_refused(tmp_path):
    bad = tmp_path / "u2netp.onnx"
    bad.write_bytes(b"\0" * 100)
    with pytest.raises(ChecksumMismatchError, match=U2NETP_MD5):
        U2NetpMatter(path=bad)


def test_options_flip_and_size_run(portrait):
    small = portrait.resize((300, 200))
    for options in ({"flip": True}, {"size": 448, "keep_aspect": True}):
        alpha = U2NetpMatter(**options).predict_alpha(small)
        assert alpha.shape == (200, 300) and 0 <= alpha.min() <= alpha.max() <= 1


def test_guided_filter_snaps_a_blurry_matte_to_the_edge():
    h, w = 80, 120
    image = np.zeros((h, w, 3), np.float32)
    image[:, 60:] = 1.0
    truth = (np.arange(w)[None, :] >= 60).astype(np.float32).repeat(h, 0)
    blurry = np.clip((np.arange(w)[None, :] - 50) / 20, 0, 1).astype(np.float32).repeat(h, 0)
    refined = guided_filter(image, blurry, radius=8, eps=1e-4, subsample=1)
    # the matte's transition moves onto the image's edge: one big step between columns 59 and 60
    step = refined[:, 60] - refined[:, 59]
    assert step.min() > 0.3 and (blurry[:, 60] - blurry[:, 59]).max() < 0.1
    assert np.abs(refined - truth)[:, :45].max() < 0.1 and np.abs(refined - truth)[:, 75:].max() < 0.1
    # the fast (subsampled) variant agrees with the exact one away from the edge
    fast = guided_filter(image, blurry, radius=8, eps=1e-4, subsample=2)
    assert np.abs(fast - refined).mean() < 0.05
    with pytest.raises(ValueError):
        refine_alpha(image, blurry, method="magic")


def test_foreground_estimation_removes_the_old_background():
    # A red subject with a soft edge over a green background: composited edge pixels are red+green,
    # the estimated foreground must be (nearly) pure red there.
    h, w = 200, 300
    alpha = np.clip((np.arange(w)[None, :] - 140) / 8, 0, 1).astype(np.float32).repeat(h, 0)
    red, green = np.array([1.0, 0, 0], np.float32), np.array([0, 1.0, 0], np.float32)
    image = alpha[..., None] * red + (1 - alpha[..., None]) * green
    fg = estimate_foreground(image, alpha)
    edge = (alpha > 0.2) & (alpha < 0.8)
    assert fg[edge][:, 1].mean() < 0.05 and image[edge][:, 1].mean() > 0.4


def test_compose_backgrounds():
    image = Image.new("RGB", (40, 20), (255, 0, 0))
    alpha = np.zeros((20, 40), np.float32)
    alpha[:, 20:] = 1
    rgba = compose.cutout(image, alpha)
    assert rgba.getpixel((30, 5)) == (255, 0, 0, 255) and rgba.getpixel((5, 5))[3] == 0
    assert compose.on_color(rgba, "#00f").getpixel((5, 5)) == (0, 0, 255)
    other = Image.new("RGB", (10, 10), (0, 255, 0))
    filled = compose.on_image(rgba, other, "fill")
    assert filled.size == (40, 20) and filled.getpixel((5, 5)) == (0, 255, 0)
    fitted = compose.on_image(rgba, other, "fit", pad_color="#000")
    assert fitted.getpixel((5, 5)) == (0, 0, 0) and fitted.getpixel((15, 10)) == (0, 255, 0)
    assert compose.on_blurred(rgba, image).getpixel((30, 5)) == (255, 0, 0)
    with pytest.raises(ValueError):
        compose.cutout(image, alpha[:10])
    with pytest.raises(ValueError):
        compose.parse_color("#12345z")


def test_auto_is_both_engines_and_its_portrait_engine_is_the_checkpoint_when_there(tmp_path, parity_ckpt):
    from ml.matting.auto import AutoMatter

    for weights_dir in (tmp_path, None):  # the shipped MODNet file
        matter = pipeline.make_matter("auto", weights_dir=weights_dir)
        assert isinstance(matter, AutoMatter) and matter.objects.name == "u2netp" and matter.portraits.name == "modnet"
        assert matter.portraits.path == SHIPPED_ONNX
    matter = pipeline.make_matter("auto", weights_dir=parity_ckpt.parent)
    assert matter.portraits.name == "modnet" and not str(getattr(matter.portraits, "path", "")).endswith(".onnx")
    with pytest.raises(ValueError, match="unknown matting engine"):
        pipeline.make_matter("nope")


def test_cutout_from_an_edited_matte(portrait):
    small = portrait.resize((120, 150))
    alpha = np.zeros((150, 120), np.float32)
    alpha[30:, 30:90] = 1
    rgba = pipeline.cutout_from_alpha(small, alpha)
    assert rgba.size == small.size and rgba.getpixel((0, 0))[3] == 0 and rgba.getpixel((60, 100))[3] == 255
