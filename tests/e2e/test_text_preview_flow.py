"""The "Add text" preview in real Chromium: what the editor shows in the box is what the job draws.
On light, striped paper with automatic colour and a shadow (the case where the old preview showed
white text and the result was dark text with an outline), then with a chosen colour and no
outline: the preview's pixels are compared with the result's in the box."""

import base64
import io
import re

import numpy as np
import pytest
from PIL import Image, ImageDraw

from gallery.models import Job
from tests import imaging
from tests.e2e.helpers import drag, login, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

GRAB = """() => new Promise((resolve) => {
  const node = document.querySelector('[data-testid=preview-1]');
  const img = new Image();
  img.onload = () => {
    const c = document.createElement('canvas');
    c.width = img.naturalWidth; c.height = img.naturalHeight;
    c.getContext('2d').drawImage(img, 0, 0);
    resolve({png: c.toDataURL('image/png'), x: +node.getAttribute('x'), y: +node.getAttribute('y'),
             w: +node.getAttribute('width'), h: +node.getAttribute('height')});
  };
  img.src = node.getAttribute('href');
})"""


def paper(path):
    image = Image.new("RGB", (800, 500), (236, 232, 222))
    draw = ImageDraw.Draw(image)
    for x in range(180, 420, 16):
        draw.rectangle((x, 150, x + 6, 300), fill=(30, 30, 34))
    image.save(path)
    return image


def text_pixels(region: np.ndarray, background: np.ndarray) -> np.ndarray:
    """The pixels the text changed (its fill, outline and shadow)."""
    return region[np.abs(region.astype(int) - background.astype(int)).max(axis=2) > 60]


def dominant(pixels: np.ndarray) -> tuple[int, int, int]:
    """The most common colour (to 16 levels) of the pixels."""
    q = (pixels // 16).astype(int)
    keys, counts = np.unique(q[:, 0] * 256 + q[:, 1] * 16 + q[:, 2], return_counts=True)
    k = keys[np.argmax(counts)]
    return (k // 256 * 16 + 8, k // 16 % 16 * 16 + 8, k % 16 * 16 + 8)


def _grab(page):
    page.wait_for_selector("[data-testid=box-cards] [data-card][data-preview-state=ok]")
    data = page.evaluate(GRAB)
    image = Image.open(io.BytesIO(base64.b64decode(data["png"].split(",", 1)[1]))).convert("RGB")
    return image, (round(data["x"]), round(data["y"]), round(data["x"] + data["w"]), round(data["y"] + data["h"]))


def _run_and_compare(page, source_image, preview, region):
    page.click("[data-testid=text-submit]")
    page.wait_for_url(re.compile(r"/edit/text/jobs/"))
    page.wait_for_selector("[data-testid=text-result][data-status=succeeded]")
    job = Job.objects.filter(kind="editing.text_add").latest("queued_at")
    result = imaging.open_stored(job.outputs.get().file).convert("RGB").crop(region)
    if result.size != preview.size:  # the preview is never bigger than the box on screen
        result = result.resize(preview.size, Image.Resampling.LANCZOS)
    background = np.asarray(source_image.crop(region).resize(preview.size, Image.Resampling.LANCZOS))
    shown, made = np.asarray(preview), np.asarray(result)
    # the same picture: close everywhere, the same dominant text colour, the same inked area
    assert np.abs(shown.astype(int) - made.astype(int)).mean() < 2.0
    ink_shown, ink_made = text_pixels(shown, background), text_pixels(made, background)
    assert len(ink_made) > 200
    assert abs(len(ink_shown) - len(ink_made)) <= 0.03 * len(ink_made)
    assert dominant(ink_shown) == dominant(ink_made)
    # the fill's colour, read where the paper is plain (right of the stripes: a white outline
    # there hardly differs from the paper)
    plain = slice(round((430 - region[0]) * preview.width / (region[2] - region[0])), None)
    fill_shown = dominant(text_pixels(shown[:, plain], background[:, plain]))
    assert fill_shown == dominant(text_pixels(made[:, plain], background[:, plain]))
    return job, fill_shown


def test_the_preview_is_what_the_job_draws(page, live_server, make_user, tmp_path):
    make_user("lin", "bronze-bird-2026")
    source = paper(tmp_path / "paper.png")
    login(page, "lin", "bronze-bird-2026")
    page.goto("/edit/text/?mode=add")
    page.set_input_files("[data-testid=upload-input]", str(tmp_path / "paper.png"))
    page.click("[data-testid=upload-submit]")
    page.wait_for_url(re.compile(r"/edit/text/\?mode=add&source="))
    page.wait_for_function("() => document.querySelector('[data-testid=text-source]').naturalWidth > 0")

    # automatic colour, shadow ticked, outline not
    drag(page, "[data-testid=text-overlay]", (0.2, 0.28), (0.62, 0.62))
    page.wait_for_selector("[data-testid=box-text-1]")
    page.keyboard.type("Bronze Bird")
    page.check("[data-testid=box-cards] [data-field=shadow]")
    preview, region = _grab(page)
    note = page.inner_text("[data-testid=box-cards] [data-preview-note]")
    shot(page, "text-preview-auto")
    # the renderer chose dark text and added an outline: the card says so, the swatch shows it
    assert "#1a1a1a" in note and "outline" in note
    assert page.input_value("[data-testid=box-cards] [data-field=color]") == "#1a1a1a"
    assert page.inner_text("[data-testid=box-cards] [data-testid=auto-colour]") == "#1a1a1a"
    job, colour = _run_and_compare(page, source, preview, region)
    assert max(colour) < 80  # dark, as in the result (the old preview was white)
    assert job.result["checks"][0]["outline"] is True

    # a chosen colour, no outline, no shadow: a red preview and a red result, neither outlined
    page.go_back()
    page.wait_for_function("() => document.querySelector('[data-testid=text-source]').naturalWidth > 0")
    drag(page, "[data-testid=text-overlay]", (0.2, 0.7), (0.8, 0.92))
    page.wait_for_selector("[data-testid=box-text-1]")
    page.keyboard.type("天路 Sky")
    page.uncheck("[data-testid=box-cards] [data-field=auto]")
    page.fill("[data-testid=box-cards] [data-field=color]", "#d01818")
    preview, region = _grab(page)
    job, colour = _run_and_compare(page, source, preview, region)
    assert colour[0] > 150 and colour[1] < 80 and colour[2] < 80
    assert job.result["checks"][0]["outline"] is False and job.params["boxes"][0]["color"] == "#d01818"
