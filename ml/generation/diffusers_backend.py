"""A local text-to-image pipeline with diffusers: a model id (a machine with internet, e.g.
stabilityai/sd-turbo) or a folder written by `save_pretrained`. CUDA when available, else the CPU,
with the dtype chosen to match (float16 on CUDA, float32 on the CPU). One pipeline per worker process
(ml.registry keeps the instance); loading is lazy, on the first job. Progress is reported after every
denoising step, and cancellation is checked there too: the pipeline stops between steps."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from ml.availability import NOT_A_MODEL, NOT_CONFIGURED, NOT_HERE, Missing
from ml.device import torch_device
from ml.generation.types import (
    CancelFn,
    GeneratedImage,
    GenerationCancelled,
    GenerationError,
    GenerationRequest,
    GenerationResult,
    ProgressFn,
)


def pick_device(device: str = "auto") -> str:
    return torch_device(device or "auto", what="diffusers")


def pick_dtype(device: str, dtype: str = "auto"):
    import torch

    if dtype and dtype != "auto":
        return getattr(torch, dtype)
    return torch.float16 if device.startswith("cuda") else torch.float32


class DiffusersBackend:
    name = "local"

    def __init__(self, *, model: str, device: str = "auto", dtype: str = "auto", local_files_only: bool = True):
        self.model = model
        self.device_setting = device
        self.dtype_setting = dtype
        self.local_files_only = local_files_only
        self._pipe = None
        self._lock = threading.Lock()
        self.device = ""
        self.load_seconds = 0.0

    @classmethod
    def availability(cls, *, model: str = "", local_files_only: bool = True, **_) -> tuple[bool, str]:
        if not model:
            return False, Missing(NOT_CONFIGURED, "GENERATION_LOCAL_MODEL", "no local model configured (GENERATION_LOCAL_MODEL)")
        path = Path(model)
        if path.exists():
            if not (path / "model_index.json").exists():
                return False, Missing(NOT_A_MODEL, path.name, f"{model} has no model_index.json (not a diffusers folder)")
            return True, ""
        if local_files_only:
            return False, Missing(NOT_HERE, path.name, f"{model} is not a folder here and hub downloads are off")
        return True, ""

    def pipeline(self):
        if self._pipe is None:
            with self._lock:
                if self._pipe is None:
                    self._pipe = self._load()
        return self._pipe

    def _load(self):
        ok, reason = self.availability(model=self.model, local_files_only=self.local_files_only)
        if not ok:
            raise GenerationError("model_unavailable", reason)
        started = time.perf_counter()
        from diffusers import DiffusionPipeline

        self.device = pick_device(self.device_setting)
        dtype = pick_dtype(self.device, self.dtype_setting)
        try:
            pipe = DiffusionPipeline.from_pretrained(self.model, dtype=dtype,
                                                     local_files_only=self.local_files_only)
        except (OSError, ValueError) as exc:
            raise GenerationError("model_unavailable", f"{self.model}: {exc}") from exc
        pipe = pipe.to(self.device)
        pipe.set_progress_bar_config(disable=True)
        self.load_seconds = time.perf_counter() - started
        return pipe

    def generate(self, request: GenerationRequest, *, api_key: str = "", progress: ProgressFn | None = None,
                 should_cancel: CancelFn | None = None, **_) -> GenerationResult:
        import torch

        progress = progress or (lambda f, note: None)
        should_cancel = should_cancel or (lambda: False)
        started = time.perf_counter()
        progress(0.0, "load")  # the first job of a worker loads the pipeline (seconds to minutes)
        pipe = self.pipeline()
        steps = int(request.steps or 4)
        seed = int(request.seed if request.seed is not None else torch.seed() % 2_147_483_648)
        generators = [torch.Generator(device="cpu").manual_seed(seed + i) for i in range(request.n)]
        step_times: list[float] = []
        last = [time.perf_counter()]

        def on_step_end(pipeline, step, timestep, callback_kwargs):
            now = time.perf_counter()
            step_times.append(now - last[0])
            last[0] = now
            progress(0.05 + 0.9 * (step + 1) / steps, f"step {step + 1}/{steps}")
            if should_cancel():
                raise GenerationCancelled(f"after step {step + 1} of {steps}")
            return callback_kwargs

        if should_cancel():
            raise GenerationCancelled("before the first step")
        kwargs = {}
        if request.guidance is not None:
            kwargs["guidance_scale"] = float(request.guidance)
        try:
            with torch.inference_mode():
                out = pipe(
                    prompt=request.prompt, negative_prompt=request.negative_prompt or None,
                    width=request.width, height=request.height, num_inference_steps=steps,
                    num_images_per_prompt=request.n, generator=generators, callback_on_step_end=on_step_end,
                    **kwargs,
                )
        except GenerationCancelled:
            raise
        except torch.OutOfMemoryError as exc:
            raise GenerationError("out_of_memory", str(exc)) from exc
        seconds = time.perf_counter() - started
        images = [GeneratedImage(image=img.convert("RGB"), seed=seed + i, actual_prompt=request.prompt)
                  for i, img in enumerate(out.images)]
        return GenerationResult(
            images=images, backend=self.name, model=Path(self.model).name or self.model, image_count=len(images),
            seconds=seconds, backend_seconds=seconds,
            extra={"device": self.device, "steps": steps, "step_seconds": [round(s, 4) for s in step_times],
                   "load_seconds": round(self.load_seconds, 3)},
        )
