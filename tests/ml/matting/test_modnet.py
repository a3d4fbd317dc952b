"""MODNet: our network against the official checkpoint layout and the official outputs."""

import json

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from ml.matting import modnet_engine  # noqa: E402
from ml.matting.modnet import MODNet  # noqa: E402
from ml.matting.modnet_engine import (CheckpointMismatchError, ModnetMatter, ModnetOnnxMatter,  # noqa: E402
                                      export_onnx, load_modnet, load_manifest, target_size)


def test_shipped_manifest_is_the_shared_one(modnet_kit):
    shipped = json.loads(modnet_engine.MANIFEST_PATH.read_text())
    shared = json.loads((modnet_kit / "state_dict_manifest.json").read_text())
    assert shipped == shared


def test_state_dict_keys_and_shapes_equal_the_manifest():
    manifest = load_manifest()
    ours = {k: tuple(v.shape) for k, v in MODNet().state_dict().items()}
    assert len(ours) == 751
    assert ours == manifest
    assert sum(int(np.prod(s)) for s in ours.values()) == 8_780_012


@pytest.fixture(scope="module")
def parity_net(parity_ckpt):
    return load_modnet(parity_ckpt)


@pytest.mark.parametrize("case", ["a", "b"])
def test_pytorch_parity_with_the_official_outputs(parity_net, parity_io, case):
    with torch.inference_mode():
        out = parity_net(torch.from_numpy(parity_io[f"input_{case}"])).numpy()
    expected = parity_io[f"matte_{case}"]
    assert out.shape == expected.shape
    assert np.abs(out - expected).max() < 1e-4


def test_safetensors_checkpoint_loads_too(modnet_kit, parity_io):
    net = load_modnet(modnet_kit / "parity_weights.safetensors")
    with torch.inference_mode():
        out = net(torch.from_numpy(parity_io["input_a"])).numpy()
    assert np.abs(out - parity_io["matte_a"]).max() < 1e-4


def test_onnx_export_parity_with_onnxruntime(parity_net, parity_io, tmp_path):
    path = export_onnx(parity_net, tmp_path / "modnet.onnx")
    engine = ModnetOnnxMatter(path=path, runtime="onnxruntime")
    session = engine._infer.session
    inputs = session.get_inputs()[0]
    assert inputs.name == "input" and session.get_outputs()[0].name == "output"
    assert [isinstance(d, str) for d in inputs.shape] == [True, False, True, True]  # dynamic N, H, W
    for case in "ab":
        out = engine.run(parity_io[f"input_{case}"])
        assert np.abs(out - parity_io[f"matte_{case}"]).max() < 1e-4
    batch = engine.run(np.concatenate([parity_io["input_b"]] * 2))
    assert batch.shape == (2, 1, 128, 128)


def test_official_layout_checkpoint_through_the_engine(parity_ckpt):
    from PIL import Image

    matter = ModnetMatter(weights_dir=parity_ckpt.parent)
    image = Image.new("RGB", (130, 70), (120, 80, 200))
    result = matter.predict(image)
    assert result.alpha.shape == (70, 130) and result.engine == "modnet"
    assert 0 <= result.alpha.min() and result.alpha.max() <= 1
    assert matter.remove_background(image).mode == "RGBA"
    assert ModnetMatter.is_available(parity_ckpt.parent) and not ModnetMatter.is_available(parity_ckpt.parent / "x")


@pytest.fixture(scope="module")
def official_layout_state():
    """Any state dict in the official layout (keys with `module.`); needs no shared data."""
    return {"module." + k: v for k, v in MODNet().state_dict().items()}


def test_checkpoint_with_a_missing_key_is_refused(official_layout_state, tmp_path):
    state = dict(official_layout_state)
    del state["module.f_branch.conv_f.1.layers.0.weight"]
    state["module.extra.weight"] = torch.zeros(3)
    torch.save(state, tmp_path / "bad.ckpt")
    with pytest.raises(CheckpointMismatchError) as info:
        load_modnet(tmp_path / "bad.ckpt")
    message = str(info.value)
    assert "1 missing key(s): f_branch.conv_f.1.layers.0.weight" in message
    assert "1 unexpected key(s): extra.weight" in message


def test_checkpoint_with_a_wrong_shape_is_refused(official_layout_state, tmp_path):
    state = dict(official_layout_state)
    state["module.lr_branch.se_block.fc.0.weight"] = torch.zeros(320, 1000)
    torch.save(state, tmp_path / "bad.ckpt")
    with pytest.raises(CheckpointMismatchError, match=r"lr_branch.se_block.fc.0.weight expected \[320, 1280\] "
                                                       r"got \[320, 1000\]"):
        load_modnet(tmp_path / "bad.ckpt")


def test_junk_file_is_refused(tmp_path):
    (tmp_path / "junk.ckpt").write_bytes(b"not a checkpoint at all")
    with pytest.raises(CheckpointMismatchError, match="cannot be read"):
        load_modnet(tmp_path / "junk.ckpt")


def test_missing_weights_say_where(tmp_path):
    with pytest.raises(FileNotFoundError, match="modnet_photographic_portrait_matting.ckpt"):
        ModnetMatter(weights_dir=tmp_path)


@pytest.mark.parametrize("size,expected", [((1024, 768), (672, 512)), ((300, 200), (768, 512)),
                                           ((600, 400), (576, 384)), ((400, 700), (384, 672))])
def test_inference_size_follows_the_official_demo(size, expected):
    assert target_size(*size) == expected
