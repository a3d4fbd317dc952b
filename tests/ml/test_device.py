"""ML_DEVICE=cuda on a machine without a usable GPU: every engine runs on the CPU, says so once in the
log, and gives the CPU's results (a GPU worker and a CPU one share their settings)."""

import logging

import numpy as np
import pytest
from PIL import Image, ImageDraw

from ml import device
from ml.matting import pipeline
from ml.matting.modnet_engine import ModnetOnnxMatter
from ml.matting.u2net_engine import U2NetpMatter


@pytest.fixture(autouse=True)
def _fresh_log():
    device._fallback.cache_clear()
    yield
    device._fallback.cache_clear()


def _no_gpu() -> None:
    import onnxruntime as ort
    import torch

    if torch.cuda.is_available() or "CUDAExecutionProvider" in ort.get_available_providers():
        pytest.skip("this machine has a GPU: the fallback is not exercised")


def test_cpu_and_auto_run_on_the_cpu_without_a_word(caplog):
    _no_gpu()
    with caplog.at_level(logging.WARNING, logger="ml.device"):
        assert device.torch_device("cpu") == "cpu"
        assert device.torch_device("auto") == "cpu"
        assert device.onnx_providers("cpu") == ["CPUExecutionProvider"]
        assert device.onnx_providers("auto") == ["CPUExecutionProvider"]
    assert caplog.records == []


def test_cuda_falls_back_to_the_cpu_with_one_log_line_per_engine(caplog):
    _no_gpu()
    with caplog.at_level(logging.WARNING, logger="ml.device"):
        assert device.torch_device("cuda", what="MODNet") == "cpu"
        assert device.torch_device("cuda:1", what="MODNet") == "cpu"
        assert device.torch_device("cuda", what="MODNet") == "cpu"  # said once already
        assert device.onnx_providers("cuda", what="PP-OCR") == ["CPUExecutionProvider"]
    messages = [r.getMessage() for r in caplog.records]
    assert messages == [
        "MODNet: cuda was asked for but torch sees no CUDA device; running on the CPU",
        "MODNet: cuda:1 was asked for but torch sees no CUDA device; running on the CPU",
        "PP-OCR: cuda was asked for but this onnxruntime has no CUDA provider (install onnxruntime-gpu); "
        "running on the CPU",
    ]


def test_an_unknown_device_runs_on_the_cpu():
    assert device.torch_device("tpu") == "cpu"


def _figure() -> Image.Image:
    image = Image.new("RGB", (240, 320), (40, 120, 200))
    draw = ImageDraw.Draw(image)
    draw.ellipse((80, 30, 160, 120), fill=(230, 190, 160))
    draw.rectangle((60, 120, 180, 320), fill=(200, 40, 40))
    return image


@pytest.mark.parametrize("make", [
    lambda dev: U2NetpMatter(device=dev, **pipeline.DEFAULT_U2NETP_OPTIONS),
    lambda dev: ModnetOnnxMatter(device=dev),
], ids=["u2netp", "modnet-onnx"])
def test_matting_engines_asked_for_cuda_give_the_cpu_matte(make, caplog):
    _no_gpu()
    photo = _figure()
    on_cpu = make("cpu").predict_alpha(photo)
    with caplog.at_level(logging.WARNING, logger="ml.device"):
        asked_cuda = make("cuda").predict_alpha(photo)
    assert np.array_equal(on_cpu, asked_cuda)
    assert any("running on the CPU" in r.getMessage() for r in caplog.records)


def test_ppocr_asked_for_cuda_reads_as_on_the_cpu(caplog):
    _no_gpu()
    from ml.ocr.ppocr_engine import PpOcrEngine
    from tests.ocr_images import ENGLISH_PARAGRAPH, render_lines

    image = render_lines(ENGLISH_PARAGRAPH[:1])
    with caplog.at_level(logging.WARNING, logger="ml.device"):
        engine = PpOcrEngine(device="cuda")
    assert [line.text for line in engine.read(image).lines] == ENGLISH_PARAGRAPH[:1]
    assert any(r.getMessage().startswith("PP-OCR: cuda was asked for") for r in caplog.records)
