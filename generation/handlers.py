"""Job handler for generation.dashscope and generation.local (declared in generation/kinds.py), and the
one call other features' handlers make for a picture (generate_for_job). Runs in a worker: the backend
is built once per worker process (ml.registry) and reused by every job. Every image becomes a gallery
item carrying all the parameters it was made with."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

from django.conf import settings

from gallery.models import GalleryItem, Job
from gallery.services import job_cancel_requested
from gallery.runner import JobOutcome, JobOutput, ProgressReporter
from generation import backends, keys
from generation.params import request_from_params
from generation.ratelimit import dashscope_submit_gate
from ml.generation.types import GenerationError

STORED_AS_IS = ("PNG", "JPEG", "WEBP")

# Parameters copied onto each item (for "generate again with these").
AGAIN_FIELDS = ("model", "prompt", "negative_prompt", "size", "width", "height", "n", "seed", "template",
                "subject", "prompt_extend", "watermark", "steps", "guidance")


def _name(prompt: str, index: int, count: int) -> str:
    words = "".join(c if c.isalnum() or c in " -_" else " " for c in prompt).split()
    stem = "-".join(words)[:40] or "image"
    return f"{stem}-{index + 1}" if count > 1 else stem


# the backends' progress notes (ml.generation: "submitted", DashScope's task status, "download 1/2",
# "load", "step 3/4") -> a gallery.progress step
_NOTE_STEPS = {"submit": "submit", "submitted": "wait", "pending": "wait", "running": "generate", "download": "download",
               "downloaded": "download", "load": "load", "step": "denoise"}


def _step(note: str) -> tuple[str, int, int]:
    word, _sep, count = (note or "").partition(" ")
    item, _slash, items = count.partition("/")
    step = _NOTE_STEPS.get(word.lower(), "generate")
    return (step, int(item), int(items)) if item.isdigit() and items.isdigit() else (step, 0, 0)


def _generate(job: Job, request, report: ProgressReporter, *, share: float = 1.0):
    """Runs the job's backend for `request` (progress from 2 % to 2 + 96 * share %). Returns the
    backend's result; failures become translated ApplicationErrors."""
    p = job.params
    backend_name = p.get("backend", "dashscope")
    api_key = keys.key_for_job(job=job) if backend_name != backends.LOCAL else ""
    last = [None]

    def progress(fraction: float, note: str) -> None:
        # Called once per DashScope poll (>= DASHSCOPE_POLL_INTERVAL apart) or per denoising step: one
        # small UPDATE each, skipped when neither the percentage nor the step moved.
        percent = 2 + int(96 * share * max(0.0, min(1.0, fraction)))
        step = _step(note)
        if (percent, step) != last[0]:
            last[0] = (percent, step)
            report(percent, step[0], item=step[1], items=step[2])

    checked = [0.0, False]

    def should_cancel() -> bool:
        now = time.monotonic()
        if now - checked[0] >= 0.2:
            checked[0], checked[1] = now, job_cancel_requested(job_id=job.id)
        return checked[1]

    try:
        backend = backends.backend_get(backend_name)
        extra = {"submit_gate": dashscope_submit_gate} if backend_name != backends.LOCAL else {}
        return backend.generate(request, api_key=api_key, progress=progress, should_cancel=should_cancel, **extra)
    except GenerationError as exc:
        raise backends.error_to_application(exc, timeout=settings.DASHSCOPE_TIMEOUT) from exc


def _generated_output(job: Job, request, result, index: int, generated, *, name: str, metadata: dict | None = None):
    """A generated image as a job output (kind generated) with every parameter it was made with."""
    p = job.params
    backend_name = p.get("backend", "dashscope")
    again = {k: p.get(k) for k in AGAIN_FIELDS if p.get(k) is not None}
    meta = {
        "prompt": request.prompt, "negative_prompt": request.negative_prompt,
        "actual_prompt": generated.actual_prompt, "model": request.model, "backend": backend_name,
        "size": f"{generated.image.width}*{generated.image.height}", "seed": generated.seed,
        "index": index, "n": request.n, "template": p.get("template", ""),
        "prompt_extend": request.prompt_extend, "watermark": request.watermark,
        "steps": request.steps, "guidance": request.guidance, "task_id": result.task_id,
        # what DashScope billed; a local run costs nothing, so it has no count to show
        "image_count": result.image_count if backend_name != "local" else None,
        # the seed is recorded once, with how it was chosen; "generate again" fixes it (selectors)
        "seed_mode": p.get("seed_mode") or "fixed", "subject": again.get("subject"),
        **(metadata or {}),
    }
    meta = {k: v for k, v in meta.items() if v not in (None, "") or k == "prompt"}
    # A downloaded PNG/JPEG/WebP is kept byte for byte (already verified by decoding it): re-encoding
    # a 1 MP picture as PNG costs ~0.4 s of CPU and gains nothing. Local images are encoded as PNG.
    keep = generated.data is not None and generated.format in STORED_AS_IS
    return JobOutput(image=generated.image, name=name, fmt=generated.format if keep else "PNG",
                     kind=GalleryItem.Kind.GENERATED, metadata=meta, encoded=generated.data if keep else None)


def _job_result(job: Job, request, result, images: list[dict]) -> dict:
    backend_name = job.params.get("backend", "dashscope")
    return {"backend": backend_name, "model": result.model, "task_id": result.task_id,
            "request_id": result.request_id, "image_count": result.image_count,
            "actual_prompt": images[0]["actual_prompt"] if images else "", "seed": request.seed,
            "images": images, "backend_seconds": round(result.backend_seconds, 3), **result.extra}


def _image_row(generated) -> dict:
    return {"seed": generated.seed, "actual_prompt": generated.actual_prompt,
            "width": generated.image.width, "height": generated.image.height}


def generation_handle(*, job: Job, report: ProgressReporter) -> JobOutcome:
    request = request_from_params(job.params)
    result = _generate(job, request, report)
    outputs, images = [], []
    for index, generated in enumerate(result.images):
        outputs.append(_generated_output(job, request, result, index, generated,
                                         name=_name(request.prompt, index, len(result.images))))
        images.append(_image_row(generated))
    return JobOutcome(outputs=outputs, engine=job.params.get("backend", "dashscope"), model_name=result.model[:80],
                      result=_job_result(job, request, result, images))


@dataclass(frozen=True)
class JobPicture:
    """What generate_for_job made: the picture (image, seed, actual_prompt), its job output, and the
    result Text to image records for it (backend, model, task, seed, timings)."""

    generated: object
    output: JobOutput
    result: dict

    @property
    def image(self):
        return self.generated.image


def generate_for_job(job: Job, report: ProgressReporter, *, share: float, suffix: str = "",
                     metadata: dict | None = None, prompt: str | None = None) -> JobPicture:
    """One picture for another feature's job (a cutout's generated background, "Generate with text"):
    the job's params are a generation request (`prompt`, when given, is sent instead of theirs), run
    on the same backends with the same key, cancel and error rules as Text to image; progress fills
    2 to 2 + 96 * `share` %. The output is named after the job's prompt + `suffix`."""
    request = replace(request_from_params(job.params), n=1, **({"prompt": prompt} if prompt else {}))
    result = _generate(job, request, report, share=share)
    if not result.images:
        raise backends.error_to_application(GenerationError("no_images", "0 images"))
    generated = result.images[0]
    output = _generated_output(job, request, result, 0, generated,
                               name=f"{_name(job.params['prompt'], 0, 1)}{suffix}", metadata=metadata)
    return JobPicture(generated=generated, output=output,
                      result=_job_result(job, request, result, [_image_row(generated)]))
