"""Job handler for ocr.read (declared in ocr/kinds.py). Runs in a worker; the engine is
built once per worker process by ml.registry and reused by every job."""

from pathlib import PurePath

from django.utils.translation import gettext as _
from PIL import Image

from core.exceptions import ApplicationError
from gallery.models import GalleryItem, Job
from gallery.runner import JobOutcome, JobOutput, ProgressReporter
from ml.ocr.base import OcrError, ReadOptions
from ocr.drawing import draw_boxes
from ocr.engines import engine_get, engine_resolve, to_application_error


def _open(item: GalleryItem) -> Image.Image:
    with item.file.open("rb") as fh:
        image = Image.open(fh)
        image.load()
    return image


def ocr_handle(*, job: Job, report: ProgressReporter) -> JobOutcome:
    p = job.params
    languages = list(p.get("languages") or ["ch_sim", "en"])
    name = engine_resolve(engine=p.get("engine", "auto"), languages=languages)
    options = ReadOptions(
        languages=tuple(languages), min_score=float(p.get("min_score", 0.5)), upscale=bool(p.get("upscale", True)),
        rotated=bool(p.get("rotated", True)), paragraphs=bool(p.get("paragraphs", False)),
    )
    report(2, "load")
    try:
        engine = engine_get(name)
    except OcrError as exc:
        raise to_application_error(exc) from exc
    inputs = list(job.inputs.order_by("created_at"))
    if not inputs:  # deleted from the gallery while the job waited
        raise ApplicationError(_("Choose an image: upload one or pick one from your gallery."), code="no_source")
    outputs, images, model = [], [], ""
    for index, item in enumerate(inputs):
        report(5 + int(90 * index / len(inputs)), "read", item=index + 1, items=len(inputs))
        image = _open(item)
        try:
            result = engine.read(image, options)
        except OcrError as exc:
            raise to_application_error(exc) from exc
        model = result.model
        data = result.to_dict()
        lines = data["lines"]
        images.append({
            "source": str(item.id), "name": item.name, "width": result.width, "height": result.height,
            "text": data["text"], "lines": lines, "paragraphs": data["paragraphs"],
            "seconds": data["seconds"], "upscaled": data["upscaled"], "no_text": not lines,
        })
        outputs.append(JobOutput(
            image=draw_boxes(image, lines), name=f"{PurePath(item.name).stem}-ocr", fmt="PNG" if item.format == "PNG" else "JPEG",
            quality=90, kind=GalleryItem.Kind.OCR, parent=item,
            metadata={"source_name": item.name, "ocr_text": data["text"], "lines": len(lines),
                      "engine": result.engine, "languages": languages},
        ))
        report(5 + int(90 * (index + 1) / len(inputs)))
    return JobOutcome(
        outputs=outputs, engine=name, model_name=model[:80],
        result={"engine": name, "model": model, "languages": languages, "images": images,
                "lines_total": sum(len(i["lines"]) for i in images)},
    )
