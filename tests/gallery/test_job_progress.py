"""Every long job reports named steps (issue 18, item 10): the real handler of each job kind runs
through the real runner while every progress update it makes is recorded. The percentage only rises,
the steps come in the order the work is done (per image of a batch, per stage of a text edit, per
denoising step), and the job ends at 100. The API shows `progress` and the step; the pages show the
translated step name."""

import json

import numpy as np
import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image, ImageDraw
from rest_framework.test import APIClient

from gallery.models import Job
from tests.generation.conftest import _fake_server, fake_dashscope, tiny_pipeline_dir  # noqa: F401
from tests.matting.helpers import figure, half_cutout
from tests.ocr_images import ENGLISH_PARAGRAPH, cjk_font, latin_font, render_lines

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_weights_dir")]


@pytest.fixture
def updates(monkeypatch):
    """Every progress update handlers make through the runner, as (percent, step, item, items)."""
    from gallery import runner

    seen: list[tuple] = []
    real = runner.job_progress

    def record(*, job_id, progress, step=None, item=0, items=0):
        seen.append((progress, step, item, items))
        real(job_id=job_id, progress=progress, step=step, item=item, items=items)

    monkeypatch.setattr(runner, "job_progress", record)
    return seen


@pytest.fixture
def local_model(settings, tiny_pipeline_dir):  # noqa: F811
    settings.GENERATION_LOCAL_MODEL = str(tiny_pipeline_dir)
    settings.GENERATION_LOCAL_DEVICE = "cpu"
    settings.GENERATION_LOCAL_MAX_SIDE = 128
    settings.JOB_CLUSTERS = {}
    return tiny_pipeline_dir


def steps(seen) -> list[tuple]:
    """The named steps in order, a step repeated without change counted once."""
    out = []
    for _percent, step, item, items in seen:
        if step is not None and (not out or out[-1] != (step, item, items)):
            out.append((step, item, items))
    return out


def finished(job, seen) -> Job:
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error_message
    percents = [p for p, *_ in seen]
    assert percents == sorted(percents), percents  # never backwards
    assert job.progress == 100 and job.step == "save"
    return job


def signed_photo() -> Image.Image:
    image = Image.new("RGB", (640, 400))
    draw = ImageDraw.Draw(image)
    for y in range(400):
        draw.line((0, y, 640, y), fill=(70 + y // 8, 110 + y // 10, 150 - y // 12))
    draw.text((60, 60), "今日咖啡半价", font=cjk_font(48), fill=(255, 255, 255))
    draw.text((60, 260), "Fresh Coffee Daily", font=latin_font(40), fill=(250, 240, 200))
    return image


CHINESE_QUAD = [[52, 52], [356, 52], [356, 124], [52, 124]]
ENGLISH_QUAD = [[56, 252], [436, 252], [436, 306], [56, 306]]


def test_ocr_batch_reads_image_by_image(user, make_item, run_jobs, updates):
    from ocr.services import ocr_job_create

    items = [make_item(user, name=f"page{i}.png", image=render_lines(ENGLISH_PARAGRAPH[:1 + i])) for i in range(2)]
    with run_jobs():
        job = ocr_job_create(user=user, params={"languages": ["en"]}, sources=items)
    finished(job, updates)
    assert steps(updates) == [("load", 0, 0), ("read", 1, 2), ("read", 2, 2), ("save", 0, 0)]


def test_cutout_batch_cuts_image_by_image(user, make_item, run_jobs, updates):
    from matting.services import cutout_job_create

    items = [make_item(user, name=f"p{i}.png", image=figure(bg=(60 + 60 * i, 150, 210))) for i in range(3)]
    with run_jobs():
        job = cutout_job_create(user=user, params={}, sources=items)
    finished(job, updates)
    assert steps(updates) == [("load", 0, 0), ("cut", 1, 3), ("cut", 2, 3), ("cut", 3, 3), ("save", 0, 0)]


def test_new_background_cuts_photos_first_then_composes(user, make_item, run_jobs, updates):
    from matting.services import background_job_create

    photo = make_item(user, name="lena.png", image=figure())
    cutout = make_item(user, name="lena-cutout", image=half_cutout((80, 60)), kind="cutout", parent=photo)
    with run_jobs():
        job = background_job_create(user=user, params={"mode": "color", "color": "#2563eb"}, sources=[photo, cutout])
    finished(job, updates)
    assert steps(updates) == [("load", 0, 0), ("cut", 1, 2), ("compose", 1, 2), ("compose", 2, 2), ("save", 0, 0)]


def test_local_generated_background_paints_step_by_step_then_composes(user, make_item, run_jobs, updates,
                                                                       local_model):
    from matting.services import background_job_create

    cutout = make_item(user, name="lena-cutout", image=half_cutout((80, 60)), kind="cutout")
    with run_jobs():
        job = background_job_create(user=user, sources=[cutout], params={
            "mode": "generated", "model": "local", "prompt": "a red wall", "steps": 2, "seed": 3})
    finished(job, updates)
    assert job.kind == "matting.background_local"
    assert steps(updates) == [("load", 0, 0), ("denoise", 1, 2), ("denoise", 2, 2), ("compose", 1, 1),
                              ("save", 0, 0)]


def test_touchup_reports_its_one_step(user, make_item, run_jobs, updates):
    from matting.services import touchup_job_create
    from tests.matting.helpers import upload

    photo = make_item(user, name="lena.png", size=(80, 60))
    matte = np.zeros((60, 80), np.uint8)
    matte[10:50, 10:70] = 255
    with run_jobs():
        job = touchup_job_create(user=user, source=photo, matte_upload=upload(Image.fromarray(matte, "L"), "m.png"))
    finished(job, updates)
    assert steps(updates) == [("matte", 0, 0), ("save", 0, 0)]


def test_crop_batch_edits_image_by_image(user, make_item, run_jobs, updates):
    from editing.services import crop_job_create

    items = [make_item(user, name=f"c{i}.png") for i in range(2)]
    with run_jobs():
        job = crop_job_create(user=user, params={"left": 10, "top": 10, "right": 90, "bottom": 90}, sources=items)
    finished(job, updates)
    assert steps(updates) == [("edit", 1, 2), ("edit", 2, 2), ("save", 0, 0)]


def test_find_lines_loads_then_detects(user, make_item, run_jobs, updates):
    from imagetext.services import text_lines_job_create

    source = make_item(user, image=signed_photo(), name="cafe.png")
    with run_jobs():
        job = text_lines_job_create(user=user, params={}, sources=[source])
    finished(job, updates)
    assert steps(updates) == [("load", 0, 0), ("detect", 0, 0), ("save", 0, 0)]


def test_add_text_places_then_reads_back(user, make_item, run_jobs, updates):
    from imagetext.services import text_add_job_create

    source = make_item(user, image=signed_photo(), name="cafe.png")
    with run_jobs():
        job = text_add_job_create(user=user, params={"boxes": [{"box": [120, 150, 520, 240], "text": "天路"}]},
                                  sources=[source])
    finished(job, updates)
    assert steps(updates) == [("place", 0, 0), ("read_back", 0, 0), ("save", 0, 0)]


def test_modify_replaces_line_by_line_then_reads_back(user, make_item, run_jobs, updates):
    from imagetext.services import text_modify_job_create

    source = make_item(user, image=signed_photo(), name="cafe.png")
    with run_jobs():
        job = text_modify_job_create(user=user, sources=[source], params={"edits": [
            {"quad": CHINESE_QUAD, "text": "今日奶茶免费"}, {"quad": ENGLISH_QUAD, "text": "Fresh Tea Daily"}]})
    finished(job, updates)
    assert steps(updates) == [("load", 0, 0), ("replace", 1, 2), ("replace", 2, 2), ("read_back", 0, 0),
                              ("save", 0, 0)]


def test_remove_all_detects_fills_reads_back_and_checks(user, make_item, run_jobs, updates):
    from imagetext.services import text_remove_job_create

    source = make_item(user, image=signed_photo(), name="cafe.png")
    with run_jobs():
        job = text_remove_job_create(user=user, params={"target": "all"}, sources=[source])
    finished(job, updates)
    assert steps(updates) == [("load", 0, 0), ("detect", 0, 0), ("fill", 0, 0), ("read_back", 0, 0),
                              ("check", 0, 0), ("save", 0, 0)]


def test_remove_region_masks_then_fills(user, make_item, run_jobs, updates):
    from imagetext.services import text_remove_job_create

    source = make_item(user, image=signed_photo(), name="cafe.png")
    with run_jobs():
        job = text_remove_job_create(user=user, sources=[source], params={
            "target": "region", "strokes": json.dumps([{"points": [[60, 90], [360, 90]], "size": 70}])})
    finished(job, updates)
    assert steps(updates) == [("load", 0, 0), ("mask", 0, 0), ("fill", 0, 0), ("read_back", 0, 0),
                              ("check", 0, 0), ("save", 0, 0)]


def test_local_generation_loads_then_paints_step_by_step(user, run_jobs, updates, local_model):
    from generation.services import generation_job_create

    with run_jobs():
        job = generation_job_create(user=user, params={"model": "local", "prompt": "a bronze bird",
                                                       "size": "64*64", "n": 2, "steps": 3, "seed": 7})
    finished(job, updates)
    assert steps(updates) == [("load", 0, 0), ("denoise", 1, 3), ("denoise", 2, 3), ("denoise", 3, 3),
                              ("save", 0, 0)]


def test_dashscope_generation_submits_waits_and_downloads(user, run_jobs, updates, fake_dashscope):  # noqa: F811
    from generation.services import generation_job_create

    with run_jobs():
        job = generation_job_create(user=user, params={"model": "wanx2.1-t2i-turbo", "prompt": "青铜神鸟",
                                                       "size": "512*512", "n": 2, "seed": 7})
    finished(job, updates)
    named = steps(updates)
    assert named[0] == ("submit", 0, 0) and named[1] == ("wait", 0, 0)
    assert named[-3:] == [("download", 1, 2), ("download", 2, 2), ("save", 0, 0)]
    assert {s for s, *_ in named} <= {"submit", "wait", "generate", "download", "save"}


def test_generate_with_text_paints_places_and_reads_back(user, run_jobs, updates, local_model):
    from imagetext.services import text_generation_job_create

    with run_jobs():
        job = text_generation_job_create(user=user, params={
            "model": "local", "prompt": "a poster", "size": "128*128", "steps": 2, "seed": 1,
            "boxes": json.dumps([{"box": [8, 8, 120, 60], "text": "Sky"}])})
    finished(job, updates)
    assert job.kind == "generation.text_local"
    assert steps(updates) == [("load", 0, 0), ("denoise", 1, 2), ("denoise", 2, 2), ("place", 0, 0),
                              ("read_back", 0, 0), ("save", 0, 0)]


# --- what the API and the pages show --------------------------------------------------------------

def _running(user, **fields) -> Job:
    return Job.objects.create(owner=user, kind="ocr.read", status=Job.Status.RUNNING, params={"languages": ["en"]},
                              progress=40, step="read", step_item=2, step_items=3, **fields)


def test_api_job_has_progress_and_its_step_translated(user, user_api):
    job = _running(user)
    body = user_api.get(f"/api/v1/jobs/{job.id}/").json()
    assert body["progress"] == 40
    assert body["step"] == {"code": "read", "label": "Reading the text · image 2 of 3", "item": 2, "items": 3}
    chinese = APIClient(HTTP_ACCEPT_LANGUAGE="zh-hans")
    chinese.force_login(user)
    assert chinese.get(f"/api/v1/jobs/{job.id}/").json()["step"]["label"] == "正在识别文字 · 第 2 张，共 3 张"
    queued = Job.objects.create(owner=user, kind="ocr.read", params={})
    assert user_api.get(f"/api/v1/jobs/{queued.id}/").json()["step"] is None


def test_every_job_page_shows_the_step_name(user, user_client):
    job = _running(user)
    for url in (reverse("gallery:job-detail", args=[job.id]), reverse("ocr:result", args=[job.id])):
        page = user_client.get(url).content.decode()
        assert 'data-testid="progress-percent">40%<' in page, url
        assert 'data-step="read">Reading the text · image 2 of 3…<' in page, url
    chinese = Client()  # the site's default language
    chinese.force_login(user)
    assert "正在识别文字 · 第 2 张，共 3 张…" in chinese.get(reverse("ocr:result", args=[job.id])).content.decode()


def test_unknown_step_code_is_shown_as_it_is():
    from gallery.progress import step_label

    assert step_label("") == "" and step_label("warp", 1, 2) == "warp"
    assert step_label("denoise", 3, 4) == "Painting · step 3 of 4" and step_label("cut", 1, 1) == "Cutting out the person"
