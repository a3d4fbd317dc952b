"""MODNet: load the official checkpoints (or our parity/safetensors files), run them, export to ONNX.

Preprocessing follows the official demo (`demo/image_matting/colab/inference.py`): RGB scaled to
[-1, 1] (mean 0.5, std 0.5); when both sides are below or both above ``ref_size`` (512) the image is
scaled so that its shorter side is 512; each side is then rounded down to a multiple of 32, the
resize uses area interpolation, and the matte is resized back to the input size (area again).
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from .base import Matter, WeightsMissingError

MANIFEST_PATH = Path(__file__).resolve().parent / "manifest.json"
REF_SIZE = 512
# File names of the official releases (Apache-2.0, distributed on Google Drive by ZHKKKe/MODNet).
PHOTOGRAPHIC_CKPT = "modnet_photographic_portrait_matting.ckpt"
WEBCAM_CKPT = "modnet_webcam_portrait_matting.ckpt"
ONNX_NAME = "modnet.onnx"


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
        self.net = load_modnet(self.path, device)

    @classmethod
    def is_available(cls, weights_dir, filename: str = PHOTOGRAPHIC_CKPT) -> bool:
        return weights_dir is not None and (Path(weights_dir) / filename).is_file()

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


class ModnetOnnxMatter(Matter):
    """MODNet exported by `export_onnx`, run with onnxruntime. The network runs without torch; the
    official area resizes before and after it still use torch's `F.interpolate(mode="area")`."""

    name = "modnet-onnx"

    def __init__(self, *, weights_dir=None, device: str = "cpu", filename: str = ONNX_NAME,
                 path: Path | str | None = None, ref_size: int = REF_SIZE, threads: int | None = None) -> None:
        super().__init__(weights_dir=weights_dir, device=device)
        import onnxruntime as ort

        if path is None:
            if self.weights_dir is None:
                raise WeightsMissingError("MODNet ONNX needs weights_dir or path")
            path = self.weights_dir / filename
        self.path = Path(path)
        if not self.path.is_file():
            raise WeightsMissingError(f"MODNet ONNX file not found: {self.path}")
        options = ort.SessionOptions()
        if threads:
            options.intra_op_num_threads = threads
        self.session = ort.InferenceSession(str(self.path), options, providers=["CPUExecutionProvider"])
        self.ref_size = ref_size

    def run(self, x: np.ndarray) -> np.ndarray:
        return self.session.run(["output"], {"input": np.ascontiguousarray(x, dtype=np.float32)})[0]

    def predict_alpha(self, image: Image.Image) -> np.ndarray:
        x = preprocess(image, self.ref_size).numpy()
        return postprocess(self.run(x), image.size)
