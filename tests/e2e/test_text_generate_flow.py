"""Generate with text in real Chromium against the fake DashScope service (real SDK, real HTTP), with
the real text placement and PP-OCR read-back: choose the mode, pick a model and size (the canvas
follows), draw a box on the empty canvas, type Chinese text, generate, and see the ✓."""

import os
import re

import pytest

from gallery.models import GalleryItem, Job
from tests.e2e.helpers import drag, login
from tests.generation.conftest import _fake_server, fake_dashscope  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_generate_with_text_draw_a_box_and_see_the_tick(page, live_server, make_user, fake_dashscope, tmp_path):
    shots = os.environ.get("SCREENSHOT_DIR") or str(tmp_path)
    make_user("lin", "bronze-bird-2026")
    login(page, "lin", "bronze-bird-2026")
    page.goto("/edit/text/")
    page.click("[data-testid=mode-generate]")
    page.wait_for_url(re.compile(r"/edit/text/\?mode=generate$"))

    # Qwen-Image (the default) offers "let the model draw the text"; Wanx does not, and its sizes
    # reshape the canvas
    assert page.locator("[data-testid=model-draws-text]").is_visible()
    page.select_option("[data-testid=gen-model]", "wanx2.1-t2i-turbo")
    assert not page.locator("[data-testid=model-draws-text]").is_visible()
    page.select_option("[data-testid=gen-size]", "1280*720")
    assert page.get_attribute("[data-testid=text-overlay]", "viewBox") == "0 0 1280 720"

    # a click with no box says what to do; then draw a box and type
    page.fill("[data-testid=gen-prompt]", "青铜神鸟鼠标垫，国潮风格")
    page.click("[data-testid=text-submit]")
    assert "Draw a box" in page.inner_text("[data-client-error]")
    page.evaluate("window.scrollTo(0, 0)")  # the submit scrolled to the bottom; hiding the error shortens the page
    drag(page, "[data-testid=text-overlay]", (0.2, 0.1), (0.8, 0.35))
    page.locator("[data-testid=box-cards] textarea").fill("天路")
    page.screenshot(path=os.path.join(shots, "generate-form.png"), full_page=True)
    page.click("[data-testid=text-submit]")
    page.wait_for_url(re.compile(r"/edit/text/jobs/"))
    page.wait_for_selector("[data-testid=text-result][data-status=succeeded]", timeout=60000)
    assert page.get_attribute("[data-testid=check-1]", "data-ok") == "true"
    assert page.inner_text("[data-testid=check-read]") == "天路"
    page.wait_for_function("() => [...document.querySelectorAll('.tx-figure img')].every(i => i.naturalWidth === 1280)")
    page.screenshot(path=os.path.join(shots, "generate-result.png"), full_page=True)
    job = Job.objects.get()
    assert job.params["size"] == "1280*720" and job.params["model"] == "wanx2.1-t2i-turbo"
    (box,) = job.params["boxes"]
    assert 240 < box["quad"][0][0] < 272 and 60 < box["quad"][0][1] < 85  # image pixels, not screen pixels
    assert 1000 < box["quad"][2][0] < 1040 and 235 < box["quad"][2][1] < 265  # image pixels, not screen pixels
    assert sorted(GalleryItem.objects.filter(job=job).values_list("kind", flat=True)) == ["edited", "generated"]


def test_model_draws_text_in_chinese_shows_the_cross_and_why(page, live_server, make_user, fake_dashscope, tmp_path):
    shots = os.environ.get("SCREENSHOT_DIR") or str(tmp_path)
    make_user("mei", "bronze-bird-2026")
    login(page, "mei", "bronze-bird-2026")
    page.goto("/edit/text/?mode=generate")
    with page.expect_navigation():
        page.click(".lang-switch button[value=zh-hans]")
    assert "文字生图" in page.inner_text("[data-testid=modes]")
    page.select_option("[data-testid=gen-model]", "qwen-image")
    page.select_option("[data-testid=gen-size]", "1664*928")
    page.fill("[data-testid=gen-prompt]", "青铜神鸟鼠标垫")
    drag(page, "[data-testid=text-overlay]", (0.3, 0.1), (0.7, 0.3))
    page.locator("[data-testid=box-cards] textarea").fill("天路")
    page.check("[data-testid=model-draws-text]")
    page.screenshot(path=os.path.join(shots, "generate-form-zh.png"), full_page=True)
    page.click("[data-testid=text-submit]")
    page.wait_for_url(re.compile(r"/edit/text/jobs/"))
    page.wait_for_selector("[data-testid=text-result][data-status=succeeded]", timeout=60000)
    assert page.get_attribute("[data-testid=check-1]", "data-ok") == "false"
    assert "自己写出了文字" in page.inner_text("[data-testid=text-mode]")
    assert "在整张图片中都没有找到" in page.inner_text("[data-testid=check-anywhere]")
    assert page.locator("[data-testid=model-text-note]").is_visible()
    page.screenshot(path=os.path.join(shots, "generate-model-draws-zh.png"), full_page=True)
    job = Job.objects.get()
    assert "“天路”（画面上方中间）" in fake_dashscope.tasks[job.result["task_id"]]["prompt"]
