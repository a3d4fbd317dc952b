"""A generated background in real Chromium: on a real portrait's cutout, choose "Generated", see the
prompt, the model (with the size it will make for this photo) and the key choice, save, and get the
composite and the generated picture (the fake DashScope server over real HTTP). The page again in
Chinese. Set SCREENSHOT_DIR to keep screenshots."""

import re

import numpy as np
import pytest
from PIL import Image

from gallery.models import GalleryItem, Job
from matting.services import BACKGROUND_KIND, cutout_job_create
from tests.e2e.helpers import login, shot
from tests.generation.conftest import _fake_server, fake_dashscope  # noqa: F401
from tests.matting.helpers import portrait

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_generated_background_on_a_real_cutout(page, browser, live_server, make_user, make_item, settings, tmp_path,
                                               fake_dashscope):  # noqa: F811
    settings.ML_WEIGHTS_DIR = tmp_path / "weights"
    user = make_user("mei", "paper-cut-2026")
    photo = make_item(user, name="mei.jpg", image=portrait(0.5), fmt="JPEG")   # 540x672
    job = cutout_job_create(user=user, params={}, sources=[photo])            # runs on commit (sync)
    cutout = Job.objects.get(id=job.id).outputs.get(kind=GalleryItem.Kind.CUTOUT)

    login(page, "mei", "paper-cut-2026")
    page.goto(f"/cutout/{cutout.id}/")
    assert page.is_hidden("[data-testid=generated-panel]")
    page.click("[data-testid=mode-generated] + span")
    assert page.is_visible("[data-testid=generated-panel]") and page.is_visible("[data-bg-generated]")
    assert page.is_visible("[data-testid=generated-key]")      # a DashScope model: the key choice shows
    page.select_option("[data-testid=generated-model]", "qwen-image")
    assert page.inner_text("[data-gen-size]") == "1140×1472"    # Qwen-Image's portrait size for a 540x672 photo
    page.fill("[data-testid=generated-prompt]", "秋天的公园，金色的落叶，柔和的阳光")
    shot(page, "genbg-1-form-en")
    page.click("[data-testid=background-submit]")

    page.wait_for_url(re.compile(r"/cutout/jobs/"))
    page.wait_for_selector("[data-testid=cutout-result][data-status=succeeded]")
    page.wait_for_function("() => ['composite-image', 'generated-image'].every("
                           "t => document.querySelector(`[data-testid=${t}]`).naturalWidth > 0)")
    assert "秋天的公园" in page.inner_text("[data-testid=composite-prompt]")
    shot(page, "genbg-2-result-en")
    background_job = Job.objects.get(kind=BACKGROUND_KIND)
    composite = background_job.outputs.get(kind=GalleryItem.Kind.EDITED)
    assert (composite.width, composite.height) == (photo.width, photo.height) and composite.parent == cutout
    with composite.file.open("rb") as fh, Image.open(fh) as image:
        rgb = np.asarray(image.convert("RGB"), np.int16)
    with photo.file.open("rb") as fh, Image.open(fh) as image:
        original = np.asarray(image.convert("RGB"), np.int16)
    face = (slice(200, 300), slice(220, 320))   # the face: the photo's own pixels
    assert np.abs(rgb[face] - original[face]).mean() < 10
    corner = (slice(0, 40), slice(0, 40))       # the wall behind: replaced
    assert np.abs(rgb[corner] - original[corner]).mean() > 15

    # the same page in Chinese
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 860})
    zh = context.new_page()
    login(zh, "mei", "paper-cut-2026")
    zh.goto(f"/cutout/{cutout.id}/")
    zh.click("[data-testid=mode-generated] + span")
    assert zh.inner_text("[data-testid=mode-generated] + span") == "AI 生成"
    assert "描述背景" in zh.inner_text("[data-testid=generated-panel]")
    shot(zh, "genbg-3-form-zh")
    zh.goto(f"/cutout/jobs/{background_job.id}/")
    assert "生成的背景" in zh.inner_text("[data-testid=generated-background]")
    shot(zh, "genbg-4-result-zh")
    context.close()
