"""Job handler for generation.dashscope and generation.local (settings.JOB_HANDLERS). Runs in a
worker: the backend is built once per worker process (ml.registry) and reused by every job. Every
image becomes a gallery item carrying all the parameters it was made with."""

from __future__ import annotations

import time

from django.conf import settings

from gallery.models import GalleryItem, Job
from gallery.runner import JobOutcome, JobOutput, ProgressReporter
from generation import backends, keys
from generation.params import request_from_params
from generation.ratelimit import dashscope_submit_gate
from generation.services import generation_cancel_requested
from ml.generation.types import GenerationError

STORED_AS_IS = ("PNG", "JPEG", "WEBP")

# Parameters copied onto each item (for "generate again with these").
AGAIN_FIELDS = ("model", "prompt", "negative_prompt", "size", "width", "height", "n", "seed", "template",
                "subject", "prompt_extend", "watermark", "steps", "guidance")


def _name(prompt: str, index: int, count: int) -> str:
    words = "".join(c if c.isalnum() or c in " -_" else " " for c in prompt).split()
    stem = "-".join(words)[:40] or "image"
    return f"{stem}-{index + 1}" if count > 1 else stem


def generation_handle(*, job: Job, report: ProgressReporter) -> JobOutcome:
    p = job.params
    backend_name = p.get("backend", "dashscope")
    request = request_from_params(p)
    api_key = keys.key_for_job(job=job) if backend_name != backends.LOCAL else ""
    last = [-1]

    def progress(fraction: float, note: str) -> None:
        # Called once per DashScope poll (>= DASHSCOPE_POLL_INTERVAL apart) or per denoising step: one
        # small UPDATE each, skipped when the percentage did not move.
        percent = 2 + int(96 * max(0.0, min(1.0, fraction)))
        if percent != last[0]:
            last[0] = percent
            report(percent)

    checked = [0.0, False]

    def should_cancel() -> bool:
        now = time.monotonic()
        if now - checked[0] >= 0.2:
            checked[0], checked[1] = now, generation_cancel_requested(job_id=job.id)
        return checked[1]

    try:
        backend = backends.backend_get(backend_name)
        extra = {"submit_gate": dashscope_submit_gate} if backend_name != backends.LOCAL else {}
        result = backend.generate(request, api_key=api_key, progress=progress, should_cancel=should_cancel, **extra)
    except GenerationError as exc:
        raise backends.error_to_application(exc, timeout=settings.DASHSCOPE_TIMEOUT) from exc

    again = {k: p.get(k) for k in AGAIN_FIELDS if p.get(k) is not None}
    outputs, images = [], []
    for index, generated in enumerate(result.images):
        metadata = {
            "prompt": request.prompt, "negative_prompt": request.negative_prompt,
            "actual_prompt": generated.actual_prompt, "model": request.model, "backend": backend_name,
            "size": f"{generated.image.width}*{generated.image.height}", "seed": generated.seed,
            "index": index, "n": request.n, "template": p.get("template", ""),
            "prompt_extend": request.prompt_extend, "watermark": request.watermark,
            "steps": request.steps, "guidance": request.guidance, "task_id": result.task_id,
            "image_count": result.image_count,
            "params": {**again, "seed": generated.seed, "n": 1, "seed_mode": "fixed"},
        }
        metadata = {k: v for k, v in metadata.items() if v not in (None, "") or k == "prompt"}
        # A downloaded PNG/JPEG/WebP is kept byte for byte (already verified by decoding it): re-encoding
        # a 1 MP picture as PNG costs ~0.4 s of CPU and gains nothing. Local images are encoded as PNG.
        keep = generated.data is not None and generated.format in STORED_AS_IS
        outputs.append(JobOutput(image=generated.image, name=_name(request.prompt, index, len(result.images)),
                                 fmt=generated.format if keep else "PNG", kind=GalleryItem.Kind.GENERATED,
                                 metadata=metadata, encoded=generated.data if keep else None))
        images.append({"seed": generated.seed, "actual_prompt": generated.actual_prompt,
                       "width": generated.image.width, "height": generated.image.height})
    return JobOutcome(
        outputs=outputs, engine=backend_name, model_name=result.model[:80],
        result={"backend": backend_name, "model": result.model, "task_id": result.task_id,
                "request_id": result.request_id, "image_count": result.image_count,
                "actual_prompt": images[0]["actual_prompt"] if images else "", "seed": request.seed,
                "images": images, "backend_seconds": round(result.backend_seconds, 3), **result.extra},
    )
