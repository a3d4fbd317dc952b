"""Each matting engine class says itself whether it can run here (without loading anything); the registry's
names run the first engine behind them that can (ml.matting.pipeline.engines)."""

import shutil

import pytest

from ml import availability, registry
from ml.matting import pipeline
from ml.matting.modnet_engine import (PHOTOGRAPHIC_CKPT, SHIPPED_ONNX, ModnetMatter, ModnetOnnxMatter,
                                      ShippedModnetMatter)
from ml.matting.u2net_engine import U2NetpMatter


def test_each_engine_answers_for_its_own_files(tmp_path):
    assert U2NetpMatter.availability(weights_dir=tmp_path) == (True, "")      # the shipped copy
    assert U2NetpMatter.model_file(tmp_path).parent == SHIPPED_ONNX.parent

    ok, reason = ModnetMatter.availability(weights_dir=tmp_path)
    assert not ok and reason.code == availability.WEIGHTS_MISSING and reason.name == PHOTOGRAPHIC_CKPT
    assert ShippedModnetMatter.availability(weights_dir=tmp_path) == (True, "")
    assert ModnetOnnxMatter.model_file(tmp_path) == SHIPPED_ONNX


def test_the_checkpoint_wins_once_installed_and_an_own_export_for_modnet_onnx(tmp_path, parity_ckpt):
    pytest.importorskip("torch")
    assert pipeline.engine_for("modnet", tmp_path)[0] is ShippedModnetMatter
    assert registry.model_path("matting", "modnet", weights_dir=tmp_path) == str(SHIPPED_ONNX)

    shutil.copyfile(parity_ckpt, tmp_path / PHOTOGRAPHIC_CKPT)
    assert ModnetMatter.availability(weights_dir=tmp_path) == (True, "")
    assert pipeline.engine_for("modnet", tmp_path)[0] is ModnetMatter
    assert registry.model_path("matting", "modnet", weights_dir=tmp_path) == str(tmp_path / PHOTOGRAPHIC_CKPT)

    # an own export beside it is what modnet-onnx runs; modnet's fallback stays the shipped file
    shutil.copyfile(SHIPPED_ONNX, tmp_path / "modnet.onnx")
    assert registry.model_path("matting", "modnet-onnx", weights_dir=tmp_path) == str(tmp_path / "modnet.onnx")
    assert ShippedModnetMatter.model_file(tmp_path) == SHIPPED_ONNX


def test_without_a_runtime_no_onnx_engine_can_run(tmp_path, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name in ("onnxruntime", "openvino") else real(name, *a))
    ok, reason = registry.available("matting", weights_dir=tmp_path)["modnet-onnx"]
    assert not ok and reason.code == availability.NO_RUNTIME
    assert registry.available("matting", weights_dir=tmp_path)["modnet"][1].code == availability.NO_RUNTIME
