"""Which device an engine runs on. The studio asks for one (ML_DEVICE, e.g. "cuda" on a GPU worker);
what the machine can do decides: a device that is not there falls back to the CPU with one log line,
never a crash, so the same settings run on a machine with or without a GPU."""

from __future__ import annotations

import logging
from functools import lru_cache

logger = logging.getLogger(__name__)


def _wants_cuda(requested: str) -> bool:
    return str(requested or "").lower().startswith("cuda")


@lru_cache(maxsize=None)
def _fallback(what: str, requested: str, reason: str) -> None:
    # once per process and cause: a worker loads each engine once, and the line says why
    logger.warning("%s: %s was asked for but %s; running on the CPU", what, requested, reason)


def torch_device(requested: str = "cpu", *, what: str = "torch") -> str:
    """"cuda" / "cuda:N" when torch sees that GPU, "auto" picks it when there is one, else "cpu"."""
    requested = str(requested or "cpu")
    if requested == "auto" or _wants_cuda(requested):
        import torch

        if torch.cuda.is_available():
            index = requested.partition(":")[2]
            if not index or (index.isdigit() and int(index) < torch.cuda.device_count()):
                return "cuda" if requested == "auto" else requested
            _fallback(what, requested, f"only {torch.cuda.device_count()} GPU(s) are visible")
        elif requested != "auto":
            _fallback(what, requested, "torch sees no CUDA device")
        return "cpu"
    if requested != "cpu":
        _fallback(what, requested, "only cpu and cuda are supported")
    return "cpu"


def onnx_providers(requested: str = "cpu", *, what: str = "onnxruntime") -> list[str]:
    """onnxruntime's providers: CUDA first where this onnxruntime build has it (onnxruntime-gpu), the
    CPU always last, so a model runs either way."""
    if requested == "auto" or _wants_cuda(requested):
        import onnxruntime as ort

        if "CUDAExecutionProvider" in ort.get_available_providers():
            return ["CUDAExecutionProvider", "CPUExecutionProvider"]
        if requested != "auto":
            _fallback(what, str(requested), "this onnxruntime has no CUDA provider (install onnxruntime-gpu)")
    return ["CPUExecutionProvider"]
