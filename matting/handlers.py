"""Job handlers of the portrait cutout (declared in matting/kinds.py). They run in a worker;
the engine is built once per worker process by ml.registry and reused by every job. Model code is
called only through ml.matting.pipeline and ml.matting.compose."""

from pathlib import PurePath

import numpy as np
from django.utils.translation import gettext as _
from PIL import Image

from core.exceptions import ApplicationError
from gallery.models import GalleryItem, Job
from gallery.runner import JobOutcome, JobOutput, ProgressReporter
from generation.handlers import generate_for_job
from matting import engines
from matting.params import default_refine
from matting.services import BACKGROUND_KIND, CUTOUT_KIND, TOUCHUP_KIND


def _open(item: GalleryItem) -> Image.Image:
    with item.file.open("rb") as fh:
        image = Image.open(fh)
        image.load()
    return image


def _stem(item: GalleryItem) -> str:
    return PurePath(item.name).stem or "photo"


def _inputs(job: Job) -> list[GalleryItem]:
    inputs = list(job.inputs.order_by("created_at"))
    if not inputs:  # deleted from the gallery while the job waited
        raise ApplicationError(_("Choose an image: upload one or pick one from your gallery."), code="no_source")
    return inputs


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)


def _matter(engine: str):
    name = engines.engine_resolve(engine)
    matter = engines.engine_get(name)
    return name, matter, engines.model_file(matter)


def _cut(matter, image: Image.Image, refine: str, decontaminate: bool):
    from ml.matting.pipeline import cutout

    try:
        return cutout(matter, image, refine=refine, decontaminate=decontaminate)
    except (ValueError, RuntimeError) as exc:
        raise ApplicationError(_("The cutout failed: %(reason)s") % {"reason": exc}, code="matting_failed") from exc


def cutout_handle(*, job: Job, report: ProgressReporter) -> JobOutcome:
    p = job.params
    refine, decontaminate, fmt = p.get("refine", "none"), bool(p.get("decontaminate", True)), p.get("format", "PNG")
    report(2, "load")
    name, matter, model = _matter(p.get("engine", "auto"))
    inputs = _inputs(job)
    outputs, images = [], []
    for index, item in enumerate(inputs):
        report(5 + int(90 * index / len(inputs)), "cut", item=index + 1, items=len(inputs))
        result = _cut(matter, _open(item), refine, decontaminate)
        alpha = result.alpha
        info = {
            "operation": CUTOUT_KIND, "engine": result.engine, "model": model, "refine": result.refine,
            "decontaminate": decontaminate, "source_name": item.name,
        }
        if result.auto is not None:  # which engine `auto` chose for this photo, and why
            info["model"] = engines.model_file(matter.engine_named(result.auto["chose"]))
            info["auto"] = result.auto
        elif p.get("engine", "auto") == "auto":  # no MODNet here: U^2-Net-p alone
            info["auto"] = {"chose": name, "reason": "modnet_unavailable", "faces": 0}
        outputs.append(JobOutput(image=result.rgba, name=f"{_stem(item)}-cutout", fmt=fmt, kind=GalleryItem.Kind.CUTOUT,
                                 parent=item, lossless=True, metadata={**info, "role": "cutout"}))
        outputs.append(JobOutput(image=result.matte_image(), name=f"{_stem(item)}-matte", fmt="PNG",
                                 kind=GalleryItem.Kind.MATTE, parent=item, metadata={**info, "role": "matte"}))
        images.append({
            "source": str(item.id), "name": item.name, "width": item.width, "height": item.height,
            "cutout": 2 * index, "matte": 2 * index + 1,
            "foreground": round(float((alpha > 0.5).mean()), 4),
            "seconds": {k: round(v, 3) for k, v in result.timings.items()},
            **({"auto": info["auto"]} if "auto" in info else {}),
        })
        report(5 + int(90 * (index + 1) / len(inputs)))
    return JobOutcome(
        outputs=outputs, engine=name, model_name=model[:80],
        result={"engine": name, "model": model, "refine": refine, "decontaminate": decontaminate, "format": fmt,
                "images": images},
    )


def _background_image(job: Job) -> Image.Image | None:
    item_id = job.params.get("background_item")
    if not item_id:
        return None
    item = GalleryItem.objects.filter(owner=job.owner_id, id=item_id).first()
    if item is None:
        raise ApplicationError(_("The background image was deleted. Choose another one."), code="no_background")
    return _open(item)


GENERATED_SHARE = 0.6  # of the progress bar: generating the picture; the rest is cutting out and compositing


def _generated_background(job: Job, report: ProgressReporter) -> tuple[Image.Image, JobOutput, dict]:
    """The picture generated for a "generated" background (one call to generation: the same backends,
    key, cancel and error rules as Text to image), its job output (kind generated, stored first) and
    the provenance each composite carries."""
    p = job.params
    picture = generate_for_job(job, report, share=GENERATED_SHARE, suffix="-background",
                               metadata={"operation": job.kind, "role": "background"})
    provenance = {
        "prompt": p.get("prompt"), "actual_prompt": picture.generated.actual_prompt,
        "model": picture.output.metadata.get("model"), "backend": p.get("backend", "dashscope"),
        "seed": picture.generated.seed, "generated_size": f"{picture.image.width}*{picture.image.height}",
        "task_id": picture.result["task_id"],
        "background_output": 0,  # this job's first output (result["outputs"][0]) is the generated picture
    }
    return picture.image, picture.output, {k: v for k, v in provenance.items() if v not in (None, "")}


def background_handle(*, job: Job, report: ProgressReporter) -> JobOutcome:
    from ml.matting import compose

    p = job.params
    mode, fit, color = p["mode"], p.get("fit", "fill"), p.get("color", "#ffffff")
    background = _background_image(job)
    inputs = _inputs(job)
    matter, engine_name, model = None, "", ""
    outputs, images = [], []
    start, share = 0, 95
    generated_info: dict = {}
    if mode == "generated":
        # a generated picture is paid for: first make sure every input opens and, for photos, that the
        # cutout model loads, so a failure there does not throw a bought picture away
        for item in inputs:
            with item.file.open("rb") as fh, Image.open(fh) as header:  # the header says enough
                needs_cut = not _has_alpha(header)
            if needs_cut and matter is None:
                report(1, "load")
                engine_name, matter, model = _matter(p.get("engine", "auto"))
        background, generated_output, generated_info = _generated_background(job, report)
        outputs.append(generated_output)
        start = 2 + int(96 * GENERATED_SHARE)
        share = 95 - start
    count = len(inputs)
    for index, item in enumerate(inputs):
        at = start + int(share * index / count)
        image = _open(item)
        info = {"operation": BACKGROUND_KIND, "background": mode, "source_name": item.name}
        if _has_alpha(image):  # a cutout (or any transparent image)
            rgba = image.convert("RGBA")
            original = None
            if mode == "blur":
                if item.kind == GalleryItem.Kind.CUTOUT:
                    if item.parent is None:
                        raise ApplicationError(
                            _("The original photo of “%(name)s” was deleted, so it cannot be blurred behind the "
                              "person. Choose a colour or an image instead.") % {"name": item.name},
                            code="no_original")
                    original = _open(item.parent)
                else:
                    original = image
        else:  # a photo: cut it out first, with the default refinement
            if matter is None:
                report(at, "load")
                engine_name, matter, model = _matter(p.get("engine", "auto"))
            report(at, "cut", item=index + 1, items=count)
            cut = _cut(matter, image, default_refine(), True)
            at = start + int(share * (index + 0.7) / count)  # cutting out is most of an image's work
            rgba, original = cut.rgba, image
            info.update(engine=cut.engine, model=model)
            if cut.auto is not None:
                info.update(model=engines.model_file(matter.engine_named(cut.auto["chose"])), auto=cut.auto)
        report(at, "compose", item=index + 1, items=count)
        if mode == "color":
            out = compose.on_color(rgba, color)
            info["color"] = color
        elif mode == "image":
            out = compose.on_image(rgba, background, mode=fit, pad_color=color)
            info.update(fit=fit, background_item=p.get("background_item"))
        elif mode == "generated":  # cropped to cover when the model's size is not the photo's exact shape
            out = compose.on_image(rgba, background, mode="fill")
            info.update(fit="fill", **generated_info)
        else:
            if original.size != rgba.size:  # an original edited after the cutout was made
                original = original.resize(rgba.size, Image.LANCZOS)
            diagonal = float(np.hypot(*rgba.size))
            out = compose.on_blurred(rgba, original, radius=max(1.0, p.get("blur", 2.0) / 100 * diagonal))
            info["blur"] = p.get("blur", 2.0)
        stem = _stem(item.parent) if item.kind == GalleryItem.Kind.CUTOUT and item.parent else _stem(item)
        outputs.append(JobOutput(image=out, name=f"{stem}-new-background", fmt=p.get("format", "JPEG"),
                                 quality=int(p.get("quality", 92)), kind=GalleryItem.Kind.EDITED, parent=item,
                                 metadata=info))
        images.append({"source": str(item.id), "name": item.name, "output": len(outputs) - 1})
        report(start + int(share * (index + 1) / count))
    result = {"mode": mode, "images": images}
    if mode == "generated":
        result["generated"] = generated_info
        return JobOutcome(outputs=outputs, engine=p.get("backend", "dashscope"), model_name=p.get("model", "")[:80],
                          result=result)
    return JobOutcome(outputs=outputs, engine="compose", result=result)


def touchup_handle(*, job: Job, report: ProgressReporter) -> JobOutcome:
    """A new cutout from the matte the user painted (stored by the service as an input)."""
    from ml.matting.pipeline import cutout_from_alpha

    p = job.params
    inputs = {str(i.id): i for i in job.inputs.all()}
    photo, matte = inputs.get(p.get("photo")), inputs.get(p.get("matte"))
    if photo is None or matte is None:
        raise ApplicationError(_("The photo or its edited matte was deleted before the job ran."), code="no_source")
    image = _open(photo)
    matte_image = _open(matte).convert("L")
    if matte_image.size != image.size:
        raise ApplicationError(_("The matte is not the size of the photo."), code="matte_size")
    report(20, "matte")
    alpha = np.asarray(matte_image, np.float32) / 255.0
    try:
        rgba = cutout_from_alpha(image, alpha)
    except ValueError as exc:
        raise ApplicationError(_("The cutout failed: %(reason)s") % {"reason": exc}, code="matting_failed") from exc
    fmt = p.get("format", "PNG")
    info = {"operation": TOUCHUP_KIND, "role": "cutout", "engine": "touch-up", "model": "", "refine": "none",
            "decontaminate": True, "matte": str(matte.id), "edited_from": p.get("edited_from", ""),
            "source_name": photo.name}
    output = JobOutput(image=rgba, name=f"{_stem(photo)}-cutout-edited", fmt=fmt, kind=GalleryItem.Kind.CUTOUT,
                       parent=photo, lossless=True, metadata=info)
    return JobOutcome(
        outputs=[output], engine="touch-up",
        result={"engine": "touch-up", "images": [{"source": str(photo.id), "name": photo.name, "width": photo.width,
                                                  "height": photo.height, "cutout": 0, "matte_item": str(matte.id),
                                                  "foreground": round(float((alpha > 0.5).mean()), 4)}]},
    )
