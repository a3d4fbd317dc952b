"""What the item and job pages show of a job's params and an output's metadata reads as words in the
user's language (issue 18, item 6): every real job kind runs through its real handler, then its pages
are rendered in Chinese. A key the page does not know would fall back to its English spelling
("Engine", "Refine"), and a list of records would print as Python text ("{'box': [...]}")."""

import re
from html.parser import HTMLParser

import numpy as np
import pytest
from django.urls import reverse
from PIL import Image

from gallery.models import Job
from tests.gallery.test_job_progress import (  # noqa: F401  (fixtures: the same weights and local model)
    CHINESE_QUAD, ENGLISH_QUAD, local_model, signed_photo)
from tests.generation.conftest import tiny_pipeline_dir  # noqa: F401
from tests.matting.helpers import figure, half_cutout, upload
from tests.ocr_images import ENGLISH_PARAGRAPH, render_lines

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_weights_dir")]

CJK = re.compile(r"[\u3400-\u9fff]")
# Names that are the same in every language (models, formats, filters named after people)
PROPER = {"Lanczos", "Hamming", "PNG", "JPEG", "WebP", "DashScope", "U²-Net-p", "MODNet", "OCR"}


class _Labels(HTMLParser):
    """The row labels of every `table.kv` and the key labels of every `ul.kv-list`, and the value cells."""

    def __init__(self):
        super().__init__()
        self.labels, self.values, self._in, self._buf = [], [], None, []

    def handle_starttag(self, tag, attrs):
        cls = dict(attrs).get("class") or ""
        if tag == "th" and dict(attrs).get("scope") == "row":
            self._in, self._buf = "label", []
        elif tag == "span" and "kv-key" in cls and self._in == "value":
            self._in, self._buf, self._value = "key", [], self._buf
        elif tag == "td" and self._in is None:
            self._in, self._buf = "value", []

    def handle_endtag(self, tag):
        if tag == "th" and self._in == "label":
            self.labels.append("".join(self._buf).strip())
            self._in = None
        elif tag == "span" and self._in == "key":
            self.labels.append("".join(self._buf).strip().rstrip(":"))
            self._in, self._buf = "value", self._value
        elif tag == "td" and self._in == "value":
            self.values.append("".join(self._buf).strip())
            self._in = None

    def handle_data(self, data):
        if self._in:
            self._buf.append(data)


def untranslated(html: str) -> tuple[list[str], list[str]]:
    parser = _Labels()
    parser.feed(html)
    labels = [l for l in parser.labels if l and not CJK.search(l) and l not in PROPER]
    blobs = [v for v in parser.values if "{'" in v or "['" in v or '{"' in v]
    return labels, blobs


def assert_all_translated(pages: dict[str, str]):
    problems = {}
    for name, html in pages.items():
        labels, blobs = untranslated(html)
        if labels or blobs:
            problems[name] = labels + blobs
    assert not problems, " | ".join(sorted({l for v in problems.values() for l in v}))


# Stored strings that are what the user typed or named, shown as they are
USER_TEXT = {"source_name", "prompt", "actual_prompt", "generation_prompt", "negative_prompt", "text", "old",
             "expected", "read", "ocr_text", "model", "subject", "template", "task_id", "color"}
CODE = re.compile(r"^[a-z][a-z0-9_+|\s-]*$")  # "no_face", "grabcut+guided+sharpen | sharpen"


def codes_shown_raw(data, key=None) -> list[str]:
    """Every stored code (an engine, a mode, a reason...) that the page would show as it is stored."""
    from django.utils import translation

    from gallery.templatetags.studio import readable

    if isinstance(data, dict):
        return [raw for k, v in data.items() for raw in codes_shown_raw(v, k)]
    if isinstance(data, list):
        return [raw for v in data for raw in codes_shown_raw(v, key)]
    if isinstance(data, str) and key not in USER_TEXT and CODE.match(data):
        with translation.override("zh-hans"):
            if str(readable(data, key)) == data:
                return [f"{key}={data}"]
    return []


def assert_codes_translated(job):
    raw = codes_shown_raw(job.params) + [c for o in job.outputs.all() for c in codes_shown_raw(o.metadata)]
    assert not raw, " | ".join(sorted(set(raw)))


def pages_of(job, client) -> dict[str, str]:
    client.cookies["django_language"] = "zh-hans"
    pages = {"job": client.get(reverse("gallery:job-detail", args=[job.id])).content.decode()}
    for output in job.outputs.all():
        pages[output.name] = client.get(reverse("gallery:item-detail", args=[output.id])).content.decode()
    return pages


def run(user, make_item, run_jobs, kind):
    from editing import services as editing
    from imagetext import services as imagetext
    from matting import services as matting
    from ocr.services import ocr_job_create

    photo = lambda name="cafe.png": make_item(user, image=signed_photo(), name=name)  # noqa: E731
    with run_jobs():
        if kind == "cutout":
            return matting.cutout_job_create(user=user, params={}, sources=[make_item(user, name="p.png", image=figure())])
        if kind == "background":
            cut = make_item(user, name="c-cutout", image=half_cutout((80, 60)), kind="cutout")
            return matting.background_job_create(user=user, params={"mode": "color", "color": "#2563eb"}, sources=[cut])
        if kind == "touchup":
            matte = np.zeros((60, 80), np.uint8)
            matte[10:50, 10:70] = 255
            return matting.touchup_job_create(user=user, source=make_item(user, name="t.png", size=(80, 60)),
                                              matte_upload=upload(Image.fromarray(matte, "L"), "m.png"))
        if kind == "ocr":
            return ocr_job_create(user=user, params={"languages": ["en"]},
                                  sources=[make_item(user, name="page.png", image=render_lines(ENGLISH_PARAGRAPH[:2]))])
        if kind == "crop":
            return editing.crop_job_create(user=user, params={"left": 10, "top": 10, "right": 90, "bottom": 90,
                                                              "aspect": "1:1", "rotate": 90}, sources=[photo()])
        if kind == "resize":
            return editing.resize_job_create(user=user, params={"width": 32}, sources=[photo()])
        if kind == "text_add":
            return imagetext.text_add_job_create(user=user, sources=[photo()], params={
                "boxes": [{"box": [120, 150, 520, 240], "text": "天路"}]})
        if kind == "text_modify":
            return imagetext.text_modify_job_create(user=user, sources=[photo()], params={"edits": [
                {"quad": CHINESE_QUAD, "text": "今日奶茶免费"}, {"quad": ENGLISH_QUAD, "text": "Fresh Tea Daily"}]})
        if kind == "text_remove":
            return imagetext.text_remove_job_create(user=user, params={"target": "all"}, sources=[photo()])
        if kind == "text_remove_region":
            return imagetext.text_remove_job_create(user=user, sources=[photo()], params={
                "target": "region", "strokes": [{"points": [[60, 90], [350, 90]], "size": 60}]})
    raise AssertionError(kind)


KINDS = ["cutout", "background", "touchup", "ocr", "crop", "resize", "text_add", "text_modify", "text_remove",
         "text_remove_region"]


@pytest.mark.parametrize("kind", KINDS)
def test_every_key_and_value_reads_in_chinese(user, user_client, make_item, run_jobs, kind):
    job = run(user, make_item, run_jobs, kind)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error_message
    assert_all_translated(pages_of(job, user_client))
    assert_codes_translated(job)


def test_local_generation_reads_in_chinese(user, user_client, run_jobs, local_model):  # noqa: F811
    from generation.services import generation_job_create

    with run_jobs():
        job = generation_job_create(user=user, params={"model": "local", "prompt": "a red wall", "size": "64*64",
                                                       "steps": 1, "seed": 3})
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error_message
    assert_all_translated(pages_of(job, user_client))
    assert_codes_translated(job)
