"""Job handlers for editing.* kinds (declared in editing/kinds.py). They run in a worker."""

from pathlib import PurePath

from PIL import Image

from editing import operations
from editing.services import resize_target_for
from gallery.models import GalleryItem, Job
from gallery.runner import JobOutcome, JobOutput, ProgressReporter


def _open(item: GalleryItem, *, at_least: tuple[int, int] | None = None) -> Image.Image:
    """Decodes an input. With `at_least`, a JPEG is decoded at the smallest DCT scale (1/2, 1/4,
    1/8) still at least twice that size: a 12 MP downscale then decodes about 5x faster, and
    Lanczos still has twice the pixels it needs."""
    with item.file.open("rb") as fh:
        image = Image.open(fh)
        if at_least and image.format == "JPEG":
            image.draft(image.mode, (at_least[0] * 2, at_least[1] * 2))
        image.load()
    return image


def _output_name(item: GalleryItem, suffix: str) -> str:
    return f"{PurePath(item.name).stem}-{suffix}"


def _each_input(job: Job, report: ProgressReporter, make) -> JobOutcome:
    inputs = list(job.inputs.order_by("created_at"))
    fmt_choice, quality = job.params["format"], job.params["quality"]
    outputs = []
    for index, item in enumerate(inputs):
        report(int(90 * index / len(inputs)), "edit", item=index + 1, items=len(inputs))
        image, suffix, info = make(item)
        fmt = item.format if fmt_choice == "same" else fmt_choice
        outputs.append(
            JobOutput(
                image=image, name=_output_name(item, suffix), fmt=fmt, quality=quality,
                kind=GalleryItem.Kind.EDITED, parent=item,
                metadata={"operation": job.kind, "source_name": item.name, **info},
            )
        )
    return JobOutcome(outputs=outputs, engine="pillow")


def crop_handle(*, job: Job, report: ProgressReporter) -> JobOutcome:
    p = job.params

    def make(item: GalleryItem):
        image = _open(item)
        out = operations.crop(
            image, box_percent=(p["left"], p["top"], p["right"], p["bottom"]), rotate=p["rotate"],
            flip_horizontal=p["flip_horizontal"], flip_vertical=p["flip_vertical"],
            aspect=p.get("aspect", "free"),  # jobs stored before the preset was a parameter have none
        )
        return out, "crop", {"from_size": [image.width, image.height], "size": [out.width, out.height]}

    return _each_input(job, report, make)


def resize_handle(*, job: Job, report: ProgressReporter) -> JobOutcome:
    p = job.params

    def make(item: GalleryItem):
        target = resize_target_for(p, (item.width, item.height))
        image = _open(item, at_least=target if p["filter"] != "nearest" else None)
        out = operations.resize(image, target=target, resample=p["filter"])
        return out, f"{target[0]}x{target[1]}", {"from_size": [item.width, item.height], "size": list(target)}

    return _each_input(job, report, make)
