"""MODNet: load the official checkpoints (or our parity/safetensors files), run them, export to ONNX.

Preprocessing follows the official demo (`demo/image_matting/colab/inference.py`): RGB scaled to
[-1, 1] (mean 0.5, std 0.5); when both sides are below or both above ``ref_size`` (512) the image is
scaled so that its shorter side is 512; each side is then rounded down to a multiple of 32, the
resize uses area interpolation, and the matte is resized back to the input size (area again).

The studio ships one MODNet file, ``ml/models/modnet.onnx`` (Apache-2.0, ``ml/models/LICENSE-modnet.txt``):
our MODNet with batch norm folded, exported from the photographic checkpoint by public references (what is
proven and what is not: bench/RESULTS-matting.md). `ModnetOnnxMatter` runs it, its sha256 checked
at load, through OpenVINO when installed (in f32; about half the time of onnxruntime here) else
onnxruntime. The official ``.ckpt`` files (``fetch_models modnet``) run through PyTorch (`ModnetMatter`).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from ml import weights
from ml.availability import NO_RUNTIME, PACKAGE, WEIGHTS_BAD, WEIGHTS_MISSING, Missing
from ml.device import onnx_providers, torch_device

from .base import ChecksumMismatchError, Matter, WeightsMissingError

MANIFEST_PATH = Path(__file__).resolve().parent / "manifest.json"
REF_SIZE = 512
CHECKPOINT = weights.CATALOGUE["modnet"]
SHIPPED = weights.CATALOGUE["modnet-onnx"]
# File names of the official releases (Apache-2.0, distributed on Google Drive by ZHKKKe/MODNet).
PHOTOGRAPHIC_CKPT = CHECKPOINT.files[0].filename
WEBCAM_CKPT = "modnet_webcam_portrait_matting.ckpt"
ONNX_NAME = SHIPPED.files[0].filename
# The MODNet file that ships with the studio, checked at load (provenance: ml/models/LICENSE-modnet.txt).
MODELS_DIR = weights.SHIPPED_DIR
SHIPPED_ONNX = MODELS_DIR / ONNX_NAME
SHIPPED_ONNX_SHA256 = SHIPPED.files[0].sha256
RUNTIMES = ("openvino", "onnxruntime")


class CheckpointMismatchError(ValueError):
    """A checkpoint whose tensor names or shapes are not those of the official MODNet."""


def load_manifest(path: Path | str = MANIFEST_PATH) -> dict[str, tuple[int, ...]]:
    """Official tensor names (``module.`` stripped) -> shapes."""
    tensors = json.loads(Path(path).read_text(encoding="utf-8"))["tensors"]
    return {_strip(k): tuple(v) for k, v in tensors.items()}


def _strip(key: str) -> str:
    return key[len("module."):] if key.startswith("module.") else key


@dataclass(frozen=True)
class ManifestDiff:
    missing: list[str]
    unexpected: list[str]
    mismatched: list[tuple[str, tuple, tuple]]  # key, expected shape, found shape

    @property
    def ok(self) -> bool:
        return not (self.missing or self.unexpected or self.mismatched)

    def message(self, source: str = "checkpoint", limit: int = 5) -> str:
        parts = []
        for label, items in (("missing", self.missing), ("unexpected", self.unexpected)):
            if items:
                more = f" (+{len(items) - limit} more)" if len(items) > limit else ""
                parts.append(f"{len(items)} {label} key(s): {', '.join(items[:limit])}{more}")
        if self.mismatched:
            shown = ", ".join(f"{k} expected {list(e)} got {list(g)}" for k, e, g in self.mismatched[:limit])
            more = f" (+{len(self.mismatched) - limit} more)" if len(self.mismatched) > limit else ""
            parts.append(f"{len(self.mismatched)} shape mismatch(es): {shown}{more}")
        return (f"{source} is not an official MODNet checkpoint: " + "; ".join(parts) +
                ". Download modnet_photographic_portrait_matting.ckpt from the official MODNet release.")


def compare_with_manifest(shapes: dict[str, tuple[int, ...]],
                          manifest: dict[str, tuple[int, ...]] | None = None) -> ManifestDiff:
    """Compares tensor shapes (keys with or without ``module.``) with the official manifest."""
    manifest = load_manifest() if manifest is None else manifest
    found = {_strip(k): tuple(v) for k, v in shapes.items()}
    return ManifestDiff(
        missing=sorted(set(manifest) - set(found)),
        unexpected=sorted(set(found) - set(manifest)),
        mismatched=[(k, manifest[k], found[k]) for k in sorted(set(manifest) & set(found)) if manifest[k] != found[k]],
    )


def read_state_dict(path: Path | str) -> dict:
    """Tensors of a ``.ckpt``/``.pth`` (torch, loaded with ``weights_only=True``) or a ``.safetensors`` file,
    ``module.`` stripped, floating tensors cast to float32. Raises CheckpointMismatchError on junk."""
    import torch

    path = Path(path)
    if not path.is_file():
        raise WeightsMissingError(f"MODNet weights not found: {path}")
    try:
        if path.suffix == ".safetensors":
            from safetensors.torch import load_file

            state = load_file(str(path))
        else:
            state = torch.load(str(path), map_location="cpu", weights_only=True)
    except Exception as exc:  # unpickling / header errors of a damaged or foreign file
        raise CheckpointMismatchError(f"{path.name} cannot be read as a checkpoint: {exc}") from exc
    if isinstance(state, dict) and isinstance(state.get("state_dict"), dict):
        state = state["state_dict"]
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise CheckpointMismatchError(f"{path.name} does not hold a state dict of tensors")
    return {_strip(k): (v.float() if v.is_floating_point() else v) for k, v in state.items()}


def verify_checkpoint(path: Path | str, manifest: dict | None = None) -> dict:
    """Reads a checkpoint and checks it against the manifest; returns the (stripped, float32) state dict."""
    state = read_state_dict(path)
    diff = compare_with_manifest({k: tuple(v.shape) for k, v in state.items()}, manifest)
    if not diff.ok:
        raise CheckpointMismatchError(diff.message(Path(path).name))
    return state


def load_modnet(path: Path | str, device: str = "cpu", manifest: dict | None = None):
    """Builds our MODNet, loads a verified checkpoint with strict=True, returns it in eval mode."""
    from .modnet import MODNet

    state = verify_checkpoint(path, manifest)
    net = MODNet()
    net.load_state_dict(state, strict=True)
    return net.to(device).eval()


def target_size(width: int, height: int, ref_size: int = REF_SIZE) -> tuple[int, int]:
    """The official demo's inference size (width, height): multiples of 32."""
    if max(height, width) < ref_size or min(height, width) > ref_size:
        if width >= height:
            rh, rw = ref_size, int(width / height * ref_size)
        else:
            rw, rh = ref_size, int(height / width * ref_size)
    else:
        rh, rw = height, width
    return max(32, rw - rw % 32), max(32, rh - rh % 32)


def preprocess(image: Image.Image, ref_size: int = REF_SIZE):
    """PIL RGB -> 1x3xhxw float32 tensor in [-1, 1] at the inference size."""
    import torch
    import torch.nn.functional as F

    arr = np.asarray(image.convert("RGB"), dtype=np.float32) / 255.0
    x = torch.from_numpy((arr - 0.5) / 0.5).permute(2, 0, 1)[None].contiguous()
    w, h = target_size(image.width, image.height, ref_size)
    return F.interpolate(x, size=(h, w), mode="area")


def postprocess(matte, size: tuple[int, int]) -> np.ndarray:
    """1x1xhxw matte tensor -> HxW float32 numpy array at ``size`` (width, height), area interpolation."""
    import torch
    import torch.nn.functional as F

    matte = torch.as_tensor(matte)
    out = F.interpolate(matte, size=(size[1], size[0]), mode="area")
    return out[0, 0].clamp(0, 1).cpu().numpy().astype(np.float32)


class ModnetMatter(Matter):
    """MODNet with PyTorch, from the official photographic checkpoint in ``weights_dir``."""

    name = "modnet"

    def __init__(self, *, weights_dir=None, device: str = "cpu", filename: str = PHOTOGRAPHIC_CKPT,
                 path: Path | str | None = None, ref_size: int = REF_SIZE) -> None:
        super().__init__(weights_dir=weights_dir, device=device)
        if path is None:
            if self.weights_dir is None:
                raise WeightsMissingError("MODNet needs weights_dir or path")
            path = self.weights_dir / filename
        self.path = Path(path)
        self.ref_size = ref_size
        self.device = torch_device(device, what="MODNet")
        self.net = load_modnet(self.path, self.device)

    @classmethod
    def is_available(cls, weights_dir, filename: str = PHOTOGRAPHIC_CKPT) -> bool:
        return weights_dir is not None and (Path(weights_dir) / filename).is_file()

    @classmethod
    def availability(cls, *, weights_dir=None, **_config) -> tuple[bool, str]:
        if not cls.is_available(weights_dir):
            return False, Missing(WEIGHTS_MISSING, PHOTOGRAPHIC_CKPT, f"{PHOTOGRAPHIC_CKPT} is not in {weights_dir}")
        if importlib.util.find_spec("torch") is None:
            return False, Missing(PACKAGE, "torch", "the Python package torch is not installed")
        return True, ""

    @classmethod
    def model_file(cls, weights_dir=None) -> Path | None:
        return Path(weights_dir) / PHOTOGRAPHIC_CKPT if weights_dir is not None else None

    def run(self, x):
        import torch

        with torch.inference_mode():
            return self.net(x.to(self.device))

    def predict_alpha(self, image: Image.Image) -> np.ndarray:
        return postprocess(self.run(preprocess(image, self.ref_size)).cpu(), image.size)


def export_onnx(net, path: Path | str, *, opset: int = 17, sample_size: tuple[int, int] = (512, 512)) -> Path:
    """Exports a MODNet to ONNX: input ``input`` Nx3xHxW, output ``output`` Nx1xHxW, dynamic N, H, W."""
    import torch

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    net = net.cpu().eval()
    dummy = torch.zeros(1, 3, sample_size[1], sample_size[0])
    axes = {"input": {0: "batch", 2: "height", 3: "width"}, "output": {0: "batch", 2: "height", 3: "width"}}
    tmp = path.with_name(path.name + ".part")
    with torch.no_grad(), warnings.catch_warnings():
        # InstanceNorm always normalises with the input's own statistics (no running stats): exporting it
        # "with train=True" is exactly the eval behaviour, the exporter's warning is noise.
        warnings.filterwarnings("ignore", message=".*instance_norm.*")
        # The legacy (TorchScript) exporter is used on purpose: it needs no onnxscript and gives a plain
        # graph with dynamic axes; its deprecation and tracer notices say nothing about this model.
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", torch.jit.TracerWarning)
        torch.onnx.export(net, (dummy,), str(tmp), input_names=["input"], output_names=["output"],
                          dynamic_axes=axes, opset_version=opset, dynamo=False)
    tmp.replace(path)
    return path


def sha256_of(path: Path | str, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


_sha_cache: dict[tuple, str] = {}


def shipped_onnx_problem(path: Path | str | None = None) -> str:
    """"" when the shipped MODNet file is there and is the known one, else why not (for the engine list;
    the hash is computed once per file version: path, size, mtime)."""
    path = Path(path if path is not None else SHIPPED_ONNX)
    try:
        stat = path.stat()
    except OSError:
        return Missing(WEIGHTS_MISSING, path.name, f"{path.name} is missing from {path.parent}")
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    if key not in _sha_cache:
        _sha_cache[key] = sha256_of(path)
    if _sha_cache[key] != SHIPPED_ONNX_SHA256:
        return Missing(WEIGHTS_BAD, path.name, f"{path} has sha256 {_sha_cache[key]}, expected {SHIPPED_ONNX_SHA256} "
                                               "(the MODNet file the studio ships)")
    return ""


def default_runtime() -> str:
    try:
        import openvino  # noqa: F401
    except ImportError:
        return "onnxruntime"
    return "openvino"


class _OnnxRuntimeRunner:
    def __init__(self, model: bytes, threads: int | None, providers: list[str]) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        if threads:
            options.intra_op_num_threads = threads
        # idle threads sleep instead of spinning: the worker shares its cores (as for U^2-Net-p)
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.add_session_config_entry("session.inter_op.allow_spinning", "0")
        self.session = ort.InferenceSession(model, options, providers=providers)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.session.run(["output"], {"input": x})[0]


class _OpenVinoRunner:
    """The graph compiled once with its dynamic height and width (MODNet's input size follows each photo's
    aspect ratio; a per-shape compile was slower here than the dynamic one)."""

    def __init__(self, path: Path, threads: int | None) -> None:
        import openvino as ov

        core = ov.Core()
        # f32 throughout, as for U^2-Net-p: on a CPU with bf16 units OpenVINO otherwise computes in bf16
        # by default, which moved U^2-Net-p's mattes by up to 0.49 against onnxruntime's
        config = {"PERFORMANCE_HINT": "LATENCY", "INFERENCE_PRECISION_HINT": "f32"}
        if threads:
            config["INFERENCE_NUM_THREADS"] = int(threads)
        compiled = core.compile_model(core.read_model(str(path)), "CPU", config)
        self.request, self.output = compiled.create_infer_request(), compiled.outputs[0]
        self.lock = threading.Lock()  # an infer request is not safe to share between threads

    def __call__(self, x: np.ndarray) -> np.ndarray:
        with self.lock:
            return np.array(self.request.infer({0: x})[self.output], copy=True)


class ModnetOnnxMatter(Matter):
    """MODNet as ONNX (input ``input``, output ``output``): by default the shipped file, its sha256 checked;
    ``path`` (or ``weights_dir``/``filename``) runs another export, e.g. one made by `export_onnx`, checked
    only when ``sha256`` is given. The official area resizes before and after the network use torch."""

    name = "modnet-onnx"

    def __init__(self, *, weights_dir=None, device: str = "cpu", filename: str | None = None,
                 path: Path | str | None = None, sha256: str | None = None, ref_size: int = REF_SIZE,
                 threads: int | None = None, runtime: str | None = None, name: str | None = None) -> None:
        super().__init__(weights_dir=weights_dir, device=device)
        if path is None and filename is not None:
            if self.weights_dir is None:
                raise WeightsMissingError("MODNet ONNX needs weights_dir with filename, or path")
            path = self.weights_dir / filename
        if path is None or Path(path) == SHIPPED_ONNX:
            path, sha256 = SHIPPED_ONNX, SHIPPED_ONNX_SHA256
        self.path = Path(path)
        if not self.path.is_file():
            raise WeightsMissingError(f"MODNet ONNX file not found: {self.path}")
        data = self.path.read_bytes()
        if sha256 is not None:
            found = hashlib.sha256(data).hexdigest()
            if found != sha256:
                raise ChecksumMismatchError(
                    f"{self.path} has sha256 {found}, expected {sha256} (corrupted or not the MODNet file "
                    "the studio ships)")
        providers = onnx_providers(device, what="MODNet")
        # OpenVINO runs on the CPU only: a GPU that onnxruntime can use wins over it
        self.runtime = runtime or ("onnxruntime" if providers[0] != "CPUExecutionProvider" else default_runtime())
        if self.runtime not in RUNTIMES:
            raise ValueError(f"unknown runtime {self.runtime!r}; use one of {', '.join(RUNTIMES)}")
        self._infer = _OpenVinoRunner(self.path, threads) if self.runtime == "openvino" else _OnnxRuntimeRunner(data, threads, providers)
        self.ref_size = ref_size
        if name is not None:
            self.name = name  # e.g. "modnet": the shipped file is what the `modnet` engine runs

    @classmethod
    def model_file(cls, weights_dir=None) -> Path:
        """An own export weights_dir/modnet.onnx when there, else the shipped file."""
        own = Path(weights_dir) / ONNX_NAME if weights_dir is not None else None
        return own if own is not None and own.is_file() else SHIPPED_ONNX

    @classmethod
    def availability(cls, *, weights_dir=None, **_config) -> tuple[bool, str]:
        if importlib.util.find_spec("onnxruntime") is None and importlib.util.find_spec("openvino") is None:
            return False, Missing(NO_RUNTIME, "onnxruntime", "neither onnxruntime nor openvino is installed")
        path = cls.model_file(weights_dir)
        problem = shipped_onnx_problem() if path == SHIPPED_ONNX else ""
        return (False, problem) if problem else (True, "")

    def run(self, x: np.ndarray) -> np.ndarray:
        return self._infer(np.ascontiguousarray(x, dtype=np.float32))

    def predict_alpha(self, image: Image.Image) -> np.ndarray:
        x = preprocess(image, self.ref_size).numpy()
        return postprocess(self.run(x), image.size)


class ShippedModnetMatter(ModnetOnnxMatter):
    """The MODNet file that ships with the studio under the engine name ``modnet``: what ``modnet`` runs
    until the official checkpoint is installed, whatever else ``weights_dir`` holds."""

    name = "modnet"

    def __init__(self, *, device: str = "cpu", **options) -> None:
        options.pop("weights_dir", None)
        super().__init__(device=device, name="modnet", **options)

    @classmethod
    def model_file(cls, weights_dir=None) -> Path:
        return SHIPPED_ONNX

    @classmethod
    def availability(cls, *, weights_dir=None, **config) -> tuple[bool, str]:
        return super().availability(weights_dir=None)
