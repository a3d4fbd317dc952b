"""Portrait cutout in real Chromium: upload a real portrait, watch the job, see the cutout beside
the original and on a new background, zoom to the hair, then open the touch-up editor, paint a
brush stroke and undo it, erase a stroke across the person and save: the new cutout is transparent
where the eraser went and unchanged where the undone stroke was. Set SCREENSHOT_DIR to keep
screenshots of each page."""

import re

import numpy as np
import pytest
from PIL import Image

from gallery.models import GalleryItem, Job
from matting.services import CUTOUT_KIND, TOUCHUP_KIND
from tests.e2e.helpers import shot
from tests.matting.helpers import portrait_path

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def alpha(item) -> np.ndarray:
    with item.file.open("rb") as fh, Image.open(fh) as image:
        image.load()
        return np.asarray(image.getchannel("A"))


def test_cut_out_a_portrait_then_erase_with_the_touch_up_brush(page, live_server, make_user, settings, tmp_path,
                                                               monkeypatch):
    from gallery import runner, services

    settings.ML_WEIGHTS_DIR = tmp_path / "weights"
    path = portrait_path()
    make_user("mei", "paper-cut-2026")
    held: list = []
    monkeypatch.setattr(services, "job_enqueue", lambda *, job_id: held.append(job_id))

    page.goto("/accounts/login/")
    page.fill("input[name=login]", "mei")
    page.fill("input[name=password]", "paper-cut-2026")
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url(re.compile(r"^https?://[^/]+/$"))

    # the feature is in the sidebar; upload the portrait on its page
    page.click("a.nav-link[href='/cutout/']")
    page.wait_for_url(re.compile(r"/cutout/$"))
    shot(page, "1-pick")
    page.set_input_files("[data-testid=upload-input]", str(path))
    page.click("[data-testid=upload-submit]")
    page.wait_for_url(re.compile(r"/cutout/\?source="))
    # MODNet ships (modnet.onnx) and can be chosen; the official checkpoint is still offered for fetching
    assert page.is_checked("[data-testid=engine-auto]") and page.is_enabled("[data-testid=engine-modnet]")
    assert "modnet.onnx" in page.inner_text("[data-testid=cutout-form]")
    shot(page, "2-options")
    page.click("[data-testid=cutout-submit]")

    # the job waits: the page shows its progress and polls; then the worker runs it
    page.wait_for_url(re.compile(r"/cutout/jobs/"))
    page.wait_for_selector("[data-testid=cutout-progress][data-status=queued]")
    shot(page, "3-progress")
    (job_id,) = held
    monkeypatch.undo()  # from here on, jobs run as soon as they are created (sync mode)
    runner.job_run(job_id=job_id)

    # the poll reloads the page with the result: original, cutout on a checkerboard, on a background
    page.wait_for_selector("[data-testid=cutout-result][data-status=succeeded]")
    page.wait_for_function(
        "() => ['view-original', 'view-cutout', 'view-background'].every("
        "t => document.querySelector(`[data-testid=${t}]`).naturalWidth > 0)"
    )
    job = Job.objects.get(id=job_id)
    assert job.kind == CUTOUT_KIND and job.engine == "auto"
    # auto says what it chose for this photo and why, in words
    choice = page.locator("[data-testid=cutout-auto]")
    assert choice.get_attribute("data-chose") in ("modnet", "fusion") and choice.get_attribute("data-reason")
    assert ":" in choice.inner_text() and len(choice.inner_text()) > 20
    assert page.inner_text("[data-testid=cutout-engine]").startswith(("modnet", "u2netp+modnet"))
    page.click("[data-swatch='#2563eb']")
    assert page.evaluate("getComputedStyle(document.querySelector('[data-bg-pane]')).backgroundColor") == "rgb(37, 99, 235)"
    shot(page, "4-result")
    page.click("[data-zoom=hair]")
    assert page.input_value("[data-testid=zoom-range]") == "3"
    shot(page, "5-hair")
    page.click("[data-zoom=fit]")

    # touch-up: erase a stroke across the middle of the person, then save
    page.click("[data-testid=touchup-link]")
    page.wait_for_selector("[data-testid=touchup-stage][data-ready=true]")
    shot(page, "6-touchup")
    box = page.locator("[data-testid=touchup-stage] canvas").bounding_box()
    # a brush stroke on the wall (top left), taken back with undo
    page.mouse.move(box["x"] + 150, box["y"] + 60)
    page.mouse.down()
    page.mouse.move(box["x"] + 250, box["y"] + 60, steps=8)
    page.mouse.up()
    assert page.get_attribute("[data-testid=touchup-stage]", "data-strokes") == "1"
    page.click("[data-testid=undo]")
    assert page.is_disabled("[data-testid=undo]")
    page.click("[data-testid=tool-eraser]")
    page.fill("[data-testid=brush-softness]", "0")
    page.eval_on_selector("[data-testid=brush-size]", "el => { el.value = '60'; el.dispatchEvent(new Event('input')); }")
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(cx - 60, cy)
    page.mouse.down()
    for step in range(1, 13):
        page.mouse.move(cx - 60 + step * 10, cy)
    page.mouse.up()
    assert page.get_attribute("[data-testid=touchup-stage]", "data-strokes") == "2"
    assert page.is_enabled("[data-testid=undo]") and page.is_enabled("[data-testid=touchup-save]")
    page.click("[data-testid=view-cutout]")
    shot(page, "7-erased")
    page.click("[data-testid=touchup-save]")

    page.wait_for_url(re.compile(r"/cutout/jobs/"))
    page.wait_for_selector("[data-testid=cutout-result][data-status=succeeded]")
    shot(page, "8-saved")
    touchup = Job.objects.get(kind=TOUCHUP_KIND)
    new = touchup.outputs.get()
    old = job.outputs.get(kind=GalleryItem.Kind.CUTOUT)
    assert new.kind == "cutout" and new.parent_id == old.parent_id and new.metadata["edited_from"] == str(old.id)
    before, after = alpha(old), alpha(new)
    h, w = before.shape
    middle = (slice(h // 2 - 5, h // 2 + 5), slice(w // 2 - 20, w // 2 + 20))
    assert before[middle].min() > 200          # the person was opaque there
    assert after[middle].max() < 30            # the eraser made it transparent
    assert np.array_equal(after[: h // 4], before[: h // 4])  # the undone brush stroke left no trace
