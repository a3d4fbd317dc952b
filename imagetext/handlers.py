"""Job handlers of "Text in images" (declared in imagetext/kinds.py); they run in a worker.
Every result is read back by OCR inside each box and marked ok or not, in job.result and in the
output's metadata, so the page can show ✓ or ✗ per line."""

from __future__ import annotations

from pathlib import PurePath

import numpy as np
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw

from core.exceptions import ApplicationError
from gallery.models import GalleryItem, Job
from gallery.runner import JobOutcome, JobOutput, ProgressReporter
from generation.handlers import generate_for_job
from imagetext import engine as text_engine
from ml.ocr.base import OcrError
from ocr.engines import to_application_error as ocr_error


def _source(job: Job) -> GalleryItem:
    item = job.inputs.order_by("created_at").first()
    if item is None:  # deleted from the gallery while the job waited
        raise ApplicationError(_("Choose an image: upload one or pick one from your gallery."), code="no_source")
    return item


def _open(item: GalleryItem) -> Image.Image:
    """The image as RGB for the engine; a transparent image keeps its alpha in `image.info["alpha"]`
    so the result can be given it back (`_with_alpha`)."""
    with item.file.open("rb") as fh:
        image = Image.open(fh)
        image.load()
    alpha = None
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        alpha = image.convert("RGBA").getchannel("A")
    rgb = image.convert("RGB")
    if alpha is not None and alpha.getextrema() != (255, 255):
        rgb.info["alpha"] = alpha
    return rgb


def _with_alpha(result: Image.Image, source: Image.Image) -> Image.Image:
    alpha = source.info.get("alpha")
    if alpha is None:
        return result
    result = result.convert("RGBA")
    result.putalpha(alpha)
    return result


def _reader():
    try:
        return text_engine.ocr_reader()
    except OcrError as exc:
        raise ocr_error(exc) from exc


def _detect(reader, image: Image.Image, min_score: float | None = None):
    try:
        return reader.read(image, text_engine.ocr_options(min_score))
    except OcrError as exc:
        raise ocr_error(exc) from exc


def _read_back(image: Image.Image, pairs: list[tuple], reader) -> list[dict]:
    """pairs: (quad, expected[, vertical]). An empty expectation (a removal) is met when nothing is read."""
    from ml.text import TextError, read_back

    try:
        checks = read_back(image, pairs, reader=reader)
    except TextError as exc:
        raise text_engine.to_application_error(exc) from exc
    except OcrError as exc:
        raise ocr_error(exc) from exc
    rows = []
    for (quad, expected, *_vertical), check in zip(pairs, checks):
        read = (check.read or "").strip()
        ok = (not read) if not expected else bool(check.ok)
        rows.append({"quad": [list(p) for p in quad], "expected": expected, "read": read, "ok": ok,
                     "score": round(float(check.score or 0), 4)})
    return rows


def _outcome(job: Job, item: GalleryItem, image: Image.Image, *, suffix: str, rows: list[dict], extra: dict,
             metadata: dict, engine: str, model: str) -> JobOutcome:
    p = job.params
    fmt = item.format if p.get("format", "same") == "same" else p["format"]
    ok_count = sum(1 for r in rows if r["ok"])
    summary = {"checks": rows, "ok_count": ok_count, "total": len(rows), "all_ok": ok_count == len(rows)}
    output = JobOutput(
        image=image, name=f"{PurePath(item.name).stem}-{suffix}", fmt=fmt, quality=p.get("quality", 92),
        kind=GalleryItem.Kind.EDITED, parent=item,
        metadata={"operation": job.kind, "source_name": item.name, **metadata,
                  "readback": [{"expected": r["expected"], "read": r["read"], "ok": r["ok"]} for r in rows],
                  "all_ok": summary["all_ok"]},
    )
    return JobOutcome(
        outputs=[output], engine=engine, model_name=model[:80],
        result={"source": str(item.id), "width": image.width, "height": image.height, **extra, **summary},
    )


def text_lines_handle(*, job: Job, report: ProgressReporter) -> JobOutcome:
    item = _source(job)
    image = _open(item)
    report(5, "load")
    reader = _reader()
    report(20, "detect")
    found = _detect(reader, image, job.params.get("min_score"))
    lines = [line.to_dict() for line in found.lines]
    return JobOutcome(
        outputs=[], engine=found.engine, model_name=found.model[:80],
        result={"source": str(item.id), "width": image.width, "height": image.height, "lines": lines,
                "text": found.text, "seconds": round(found.seconds, 3)},
    )


def text_place_and_check(image: Image.Image, boxes: list[dict], *, report: ProgressReporter | None = None):
    """Places the text of each cleaned box (imagetext.params) exactly, then reads every box back
    with OCR. Returns (image with the text, one check row per box, the reader). Shared by "Add text"
    and "Generate with text"."""
    if report is not None:
        report(20, "place")
    out, placements = text_engine.place(image, boxes)
    if report is not None:
        report(60, "read_back")
    reader = _reader()
    rows = text_read_back(out, boxes, reader=reader)
    for row, placement in zip(rows, placements):
        row.update({"size": placement.size, "color": placement.color, "lines": list(placement.lines),
                    "outline": placement.outline})
    return out, rows, reader


def text_read_back(image: Image.Image, boxes: list[dict], *, reader=None) -> list[dict]:
    """OCR inside each box (cleaned boxes: quad, text, vertical): one row per box with what was
    expected, what was read, and ✓ (ok) or not."""
    reader = reader or _reader()
    return _read_back(image, [(b["quad"], b["text"], b.get("vertical", False)) for b in boxes], reader)


def text_find_lines(image: Image.Image, *, reader=None):
    """Every line OCR finds in the whole image (a list of ml.ocr lines)."""
    return _detect(reader or _reader(), image).lines


def text_add_handle(*, job: Job, report: ProgressReporter) -> JobOutcome:
    item = _source(job)
    image = _open(item)
    out, rows, reader = text_place_and_check(image, job.params["boxes"], report=report)
    return _outcome(job, item, _with_alpha(out, image), suffix="text", rows=rows, extra={"mode": "add"},
                    metadata={"mode": "add", "boxes": job.params["boxes"]},
                    engine="ml.text", model=getattr(reader, "name", ""))


def text_modify_handle(*, job: Job, report: ProgressReporter) -> JobOutcome:
    from ml.text import TextError, modify_text

    item = _source(job)
    image = out = _open(item)
    edits, method = job.params["edits"], job.params.get("method", "default")
    try:
        report(5, "load")
        learned = text_engine.learned_fill(method)
        for index, edit in enumerate(edits):
            report(10 + int(50 * index / len(edits)), "replace", item=index + 1, items=len(edits))
            out = modify_text(out, edit["quad"], edit["text"], font=edit["font"], color=edit["color"],
                              font_dirs=text_engine.font_dirs(), learned=learned, old_text=edit.get("old") or None)
    except TextError as exc:
        raise text_engine.to_application_error(exc) from exc
    report(60, "read_back")
    reader = _reader()
    rows = _read_back(out, [(e["quad"], e["text"]) for e in edits], reader)
    for row, edit in zip(rows, edits):
        row["old"] = edit.get("old", "")
    return _outcome(job, item, _with_alpha(out, image), suffix="modified", rows=rows, extra={"mode": "modify"},
                    metadata={"mode": "modify", "edits": edits, "method": method},
                    engine="ml.text", model=getattr(reader, "name", ""))


def _region_mask(size: tuple[int, int], strokes: list[dict]) -> tuple[Image.Image, list[list[float]]]:
    """The painted strokes as a mask (255 = fill), and the quad of their bounding box."""
    mask = Image.new("L", size, 0)
    draw = ImageDraw.Draw(mask)
    xs, ys = [], []
    for stroke in strokes:
        points = [tuple(p) for p in stroke["points"]]
        radius = stroke["size"] / 2
        if len(points) > 1:
            draw.line(points, fill=255, width=max(1, round(stroke["size"])), joint="curve")
        for x, y in points:
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=255)
            xs += [x - radius, x + radius]
            ys += [y - radius, y + radius]
    x0, y0 = max(0.0, min(xs)), max(0.0, min(ys))
    x1, y1 = min(float(size[0]), max(xs)), min(float(size[1]), max(ys))
    return mask, [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]


def text_remove_handle(*, job: Job, report: ProgressReporter) -> JobOutcome:
    from ml.text import TextError, mark_leftovers, mostly_inside, remove_text, text_mask
    from ml.text.readback import looks_like_texture
    from ml.text.traces import line_areas, mark_traces

    p = job.params
    item = _source(job)
    image = _open(item)
    report(3, "load")
    reader = _reader()
    mode, method = p["target"], p.get("method", "default")
    metadata = {"mode": "remove", "target": mode, "method": method}
    try:
        learned = text_engine.learned_fill(method)
        if mode == "region":
            report(10, "mask")
            mask, region = _region_mask(image.size, p["strokes"])
            report(30, "fill")
            out = remove_text(image, mask, method=method, learned=learned)
            checked, areas = [(region, "")], [np.asarray(mask) > 127]
            metadata["strokes"] = len(p["strokes"])
            metadata["region"] = region
        else:
            if mode == "all":
                # a knitted scarf or a fence read as "ARRRRRRI" is not text to remove: filling it
                # would put a smooth patch in the pattern
                lines, metadata["skipped"] = [], []
                report(10, "detect")
                for line in _detect(reader, image).lines:
                    pattern = looks_like_texture(line.text, line.score)
                    (metadata["skipped"] if pattern else lines).append(
                        {"quad": [list(pt) for pt in line.quad], "text": line.text})
                if not lines:
                    raise ApplicationError(_("No text was found in this image, so there is nothing to remove."),
                                           code="no_text")
            else:
                lines = p["lines"]
            report(30, "fill")
            quads = [line["quad"] for line in lines]
            mask = text_mask(image, quads)
            out = remove_text(image, mask, method=method, learned=learned)
            checked, areas = [(quad, "") for quad in quads], line_areas(mask, quads)
            metadata["lines"] = lines
    except TextError as exc:
        raise text_engine.to_application_error(exc) from exc
    report(70, "read_back")
    rows = _read_back(out, checked, reader)
    if mode != "region":
        for row, line in zip(rows, metadata["lines"]):
            row["old"] = line.get("text", "")
    # a pattern skipped before may be read differently afterwards ("RSAAAR", then "RSAARNE"): it is
    # still the pattern, not text left behind
    skipped = [line["quad"] for line in metadata.get("skipped", [])]
    report(85, "check")
    left = [line for line in _detect(reader, out).lines if not looks_like_texture(line.text, line.score)
            and not any(mostly_inside(line.quad, quad) for quad in skipped)]
    mark_leftovers(rows, left)
    # OCR cannot read half a letter: the tops and bottoms a painted band left are looked for too
    mark_traces(rows, image, out, areas, filled=np.asarray(mask) > 127)
    metadata["traces"] = [row["traces"] for row in rows]
    remaining = len(left)
    return _outcome(job, item, _with_alpha(out, image), suffix="no-text", rows=rows, extra={"mode": "remove", "target": mode,
                                                                         "lines_left_in_image": remaining,
                                                                         "traces_left": sum(r["traces_left"] for r in rows)},
                    metadata=metadata, engine="ml.text", model=getattr(reader, "name", ""))


def _found_anywhere(expected: str, lines) -> bool:
    """The expected text is somewhere in what OCR reads in the whole picture (whitespace ignored)."""
    from ml.text.readback import squash

    want = squash(expected)
    return bool(want) and want in squash("".join(line.text for line in lines))


def text_generation_handle(*, job: Job, report: ProgressReporter) -> JobOutcome:
    """"Generate with text": the base picture from Text to image's backends (the prompt as typed, or
    with the text lines quoted in it when the model draws them), then either our exact placement of
    every line or nothing placed; every box is read back (OCR) either way. Outputs: the base
    (generated) and, when we place the text, the final picture (edited, its child)."""
    p = job.params
    boxes, draws = p["boxes"], bool(p.get("model_draws_text"))
    prompt = p.get("generation_prompt") or p["prompt"]
    text_meta = {"text_mode": "model" if draws else "placed", "user_prompt": p["prompt"]}
    picture = generate_for_job(job, report, share=0.7, prompt=prompt,
                               metadata={**text_meta, "prompt": p["prompt"], "generation_prompt": prompt})
    base = picture.image.convert("RGB")
    if base.size != (p["width"], p["height"]):  # a service that answers another size: the boxes follow
        sx, sy = base.width / p["width"], base.height / p["height"]
        boxes = [{**b, "quad": [[round(x * sx, 1), round(y * sy, 1)] for x, y in b["quad"]]} for b in boxes]
    text_meta["boxes"] = boxes
    if draws:
        report(72, "read_back")
        rows = text_read_back(base, boxes)
        report(85, "check")
        lines = text_find_lines(base)
        for row in rows:
            row["anywhere"] = _found_anywhere(row["expected"], lines)
        final = None
    else:
        # text_place_and_check reports on the Add-text scale (place 20 %, read back 60 %): squeezed here
        # into what is left after the picture
        final, rows, _reader = text_place_and_check(
            base, boxes, report=lambda p, step=None, **kw: report(70 + int(p * 0.25), step, **kw))
    ok_count = sum(1 for r in rows if r["ok"])
    readback = [{"expected": r["expected"], "read": r["read"], "ok": r["ok"]} for r in rows]
    summary = {"checks": rows, "ok_count": ok_count, "total": len(rows), "all_ok": ok_count == len(rows)}
    picture.output.metadata["boxes"] = boxes
    if draws:
        picture.output.metadata.update(readback=readback, all_ok=summary["all_ok"])
    outputs = [picture.output]
    if final is not None:
        outputs.append(JobOutput(
            image=final, name=f"{picture.output.name}-text", fmt="PNG", kind=GalleryItem.Kind.EDITED, parent_index=0,
            metadata={"operation": job.kind, "mode": "generate", **text_meta, "model": p["model"],
                      "seed": picture.generated.seed, "size": f"{final.width}*{final.height}",
                      "readback": readback, "all_ok": summary["all_ok"]}))
    return JobOutcome(
        outputs=outputs, engine=p.get("backend", "dashscope"), model_name=picture.result["model"][:80],
        result={**picture.result, "mode": "generate", "text_mode": text_meta["text_mode"], "width": base.width,
                "height": base.height, **summary},
    )
