"""U^2-Net-p (Qin et al. 2020, Apache-2.0) through onnxruntime: the offline default matting model.

The ONNX file is the one rembg ships (``ml/models/u2netp.onnx``, md5 checked at load). Preprocessing as
rembg runs it: RGB resized to ``size`` x ``size`` (320 is what the network was trained at), divided by
its maximum, ImageNet mean/std; of the seven outputs the first (d1) is the mask, min-max normalised and
resized back to the input size (rembg: 8-bit, Lanczos; here: float, bilinear). Options beyond rembg: ``flip`` averages the prediction of the mirrored
image (test-time augmentation) and ``size`` runs the network at another size (square, or the longer
side with ``keep_aspect``; the graph's axes are made dynamic at load). ``rembg_resize`` reproduces rembg's 8-bit Lanczos upsampling of the mask.

Runtime: OpenVINO when it is installed (the same ONNX file, the same outputs within 1e-4, and about a
quarter less CPU per inference than onnxruntime on these machines: bench/RESULTS-matting.md, Speed),
else onnxruntime; ``runtime`` picks one explicitly.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import numpy as np
from PIL import Image

from ml import weights
from ml.availability import WEIGHTS_MISSING, Missing
from ml.device import onnx_providers

from .base import ChecksumMismatchError, Matter, WeightsMissingError

WEIGHTS = weights.CATALOGUE["u2netp"]
MODELS_DIR = weights.SHIPPED_DIR
U2NETP_FILE = WEIGHTS.files[0].filename
U2NETP_MD5 = WEIGHTS.files[0].md5
_MEAN = np.array([0.485, 0.456, 0.406], np.float32)
_STD = np.array([0.229, 0.224, 0.225], np.float32)
RUNTIMES = ("openvino", "onnxruntime")


def default_runtime() -> str:
    try:
        import openvino  # noqa: F401
    except ImportError:
        return "onnxruntime"
    return "openvino"


def _dynamic_axes(model_bytes: bytes) -> bytes:
    """The same graph with its batch, height and width declared dynamic (the file fixes 1x3x320x320, but
    every resize in it follows the shape of another tensor, so any size that is a multiple of 32 runs)."""
    import onnx

    model = onnx.load_from_string(model_bytes)
    for value in list(model.graph.input) + list(model.graph.output):
        dims = value.type.tensor_type.shape.dim
        for index, name in ((0, "batch"), (2, "height"), (3, "width")):
            dims[index].dim_param = name
    del model.graph.value_info[:]  # stale intermediate shapes; onnxruntime infers them again
    return model.SerializeToString()


def md5_of(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.md5()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


class _OnnxRuntimeRunner:
    """d1 (Nx1xHxW) for an input batch, through onnxruntime."""

    def __init__(self, model_bytes: bytes, threads: int | None, providers: list[str]) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        if threads:
            options.intra_op_num_threads = threads
        # Idle worker threads sleep instead of busy-waiting: the worker shares its cores with the web
        # process and other jobs, which spinning would starve (bench/RESULTS-matting.md, Speed).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.add_session_config_entry("session.inter_op.allow_spinning", "0")
        self.session = ort.InferenceSession(_dynamic_axes(model_bytes), options, providers=providers)
        self.input_name = self.session.get_inputs()[0].name
        self.output_name = self.session.get_outputs()[0].name

    def __call__(self, x: np.ndarray) -> np.ndarray:
        # Only d1 is asked for: onnxruntime then skips the side outputs' upsampling.
        return self.session.run([self.output_name], {self.input_name: x})[0]


class _OpenVinoRunner:
    """d1 (Nx1xHxW) for an input batch, through OpenVINO: the graph is compiled once per input shape
    (320x320 in the app; the benchmark also tries other sizes and a flipped pair)."""

    def __init__(self, path: Path, threads: int | None) -> None:
        import openvino as ov

        self.core = ov.Core()
        self.model = self.core.read_model(str(path))
        # f32 throughout: on a CPU with bf16 units (AMX, AVX-512 BF16) OpenVINO otherwise computes in
        # bf16 by default, and the matte moved by up to 0.49 against onnxruntime's
        self.config = {"PERFORMANCE_HINT": "LATENCY", "INFERENCE_PRECISION_HINT": "f32"}
        if threads:
            self.config["INFERENCE_NUM_THREADS"] = int(threads)
        self.compiled: dict = {}
        # an infer request is not safe to share between threads; the worker may run jobs in several
        self.lock = threading.Lock()

    def __call__(self, x: np.ndarray) -> np.ndarray:
        with self.lock:
            entry = self.compiled.get(x.shape)
            if entry is None:
                self.model.reshape(list(x.shape))
                compiled = self.core.compile_model(self.model, "CPU", self.config)
                entry = self.compiled[x.shape] = (compiled.create_infer_request(), compiled.outputs[0])
            request, output = entry
            return np.array(request.infer({0: x})[output], copy=True)


class U2NetpMatter(Matter):
    name = "u2netp"

    def __init__(self, *, weights_dir=None, device: str = "cpu", path: Path | str | None = None,
                 size: int = 320, flip: bool = False, threads: int | None = None,
                 rembg_resize: bool = False, keep_aspect: bool = False, runtime: str | None = None) -> None:
        super().__init__(weights_dir=weights_dir, device=device)
        if path is None:
            path = self.model_file(self.weights_dir)
        self.path = Path(path)
        if not self.path.is_file():
            raise WeightsMissingError(f"U^2-Net-p model not found: {self.path}")
        data = self.path.read_bytes()
        found = hashlib.md5(data).hexdigest()
        if found != U2NETP_MD5:
            raise ChecksumMismatchError(f"{self.path} has md5 {found}, expected {U2NETP_MD5} (the file rembg ships)")
        providers = onnx_providers(device, what="U^2-Net-p")
        # OpenVINO runs on the CPU only: a GPU that onnxruntime can use wins over it
        self.runtime = runtime or ("onnxruntime" if providers[0] != "CPUExecutionProvider" else default_runtime())
        if self.runtime not in RUNTIMES:
            raise ValueError(f"unknown runtime {self.runtime!r}; use one of {', '.join(RUNTIMES)}")
        if self.runtime == "openvino":
            self._infer = _OpenVinoRunner(self.path, threads)
        else:
            self._infer = _OnnxRuntimeRunner(data, threads, providers)
        self.size, self.flip, self.rembg_resize, self.keep_aspect = size, flip, rembg_resize, keep_aspect

    @classmethod
    def model_file(cls, weights_dir=None) -> Path:
        """The shipped copy, unless weights_dir holds its own u2netp.onnx."""
        return WEIGHTS.path(weights_dir) or MODELS_DIR / U2NETP_FILE

    @classmethod
    def availability(cls, *, weights_dir=None, **_config) -> tuple[bool, str]:
        if WEIGHTS.locate(weights_dir) is None:
            return False, Missing(WEIGHTS_MISSING, U2NETP_FILE, f"{U2NETP_FILE} is missing from {MODELS_DIR}")
        return True, ""

    def network_size(self, width: int, height: int) -> tuple[int, int]:
        if not self.keep_aspect:
            return self.size, self.size
        scale = self.size / max(width, height)
        return (max(32, int(round(width * scale / 32)) * 32), max(32, int(round(height * scale / 32)) * 32))

    def _tensor(self, image: Image.Image) -> np.ndarray:
        size = self.network_size(*image.size)
        small = np.asarray(image.convert("RGB").resize(size, Image.LANCZOS), np.float32)
        small = small / max(float(small.max()), 1e-6)
        return ((small - _MEAN) / _STD).transpose(2, 0, 1)[None].astype(np.float32)

    def raw_mask(self, image: Image.Image) -> np.ndarray:
        """d1 at the network size (size x size), min-max normalised, flip-averaged when asked."""
        x = self._tensor(image)
        if self.flip:
            x = np.concatenate([x, x[..., ::-1]], 0)
        d1 = self._infer(np.ascontiguousarray(x))[:, 0]
        pred = d1[0] if not self.flip else (d1[0] + d1[1][:, ::-1]) / 2
        lo, hi = float(pred.min()), float(pred.max())
        return ((pred - lo) / max(hi - lo, 1e-6)).astype(np.float32)

    def predict_alpha(self, image: Image.Image) -> np.ndarray:
        if self.rembg_resize:  # exactly as rembg: 8-bit mask, Lanczos
            small = Image.fromarray(np.round(self.raw_mask(image) * 255).astype(np.uint8), "L")
            return np.asarray(small.resize(image.size, Image.LANCZOS), np.float32) / 255.0
        mask = Image.fromarray(self.raw_mask(image), "F").resize(image.size, Image.BILINEAR)
        return np.clip(np.asarray(mask, np.float32), 0, 1)
