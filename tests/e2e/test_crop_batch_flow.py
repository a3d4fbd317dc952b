"""The batch crop page in real Chromium: three photos of different shapes, 1:1, a quarter turn to the
right, "Apply to all 3": the page lists what each image becomes before running, and every result is
square, as listed."""

import re

import pytest
from PIL import Image

from gallery.models import Job
from tests.e2e.helpers import login, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _photo(path, size):
    image = Image.new("RGB", size, (40, 120, 200))
    image.paste((230, 200, 40), (size[0] // 3, size[1] // 3, 2 * size[0] // 3, 2 * size[1] // 3))
    image.save(path, "PNG")
    return str(path)


def test_batch_crop_keeps_the_preset_aspect_for_every_image(page, tmp_path, django_user_model):
    django_user_model.objects.create_user(username="lin", password="bronze-bird-2026")
    login(page, "lin", "bronze-bird-2026")
    # given: a landscape, a long portrait and a nearly square photo, uploaded together
    files = [_photo(tmp_path / "a-wide.png", (960, 540)), _photo(tmp_path / "b-tall.png", (434, 811)),
             _photo(tmp_path / "c-square.png", (600, 560))]
    page.goto("/edit/crop/")
    page.set_input_files("[data-testid=upload-input]", files)
    page.click("[data-testid=upload-submit]")
    page.wait_for_url(re.compile(r"/edit/crop/\?source=.*batch="))
    page.wait_for_selector("[data-testid=crop-stage]:not([hidden])")

    # when: rotate right, 1:1, apply to all
    page.click("[data-action=rotate-right]")
    page.click("[data-aspect='1:1']")
    page.check("[data-testid=apply-all]")

    # then: before running, the page shows each image's result, each square
    listed = page.eval_on_selector_all(
        "[data-batch-size]", "rows => rows.map(r => [r.querySelector('.ed-name').textContent.trim(),"
        " parseInt(r.dataset.outWidth, 10), parseInt(r.dataset.outHeight, 10)])")
    assert page.locator("[data-testid=batch-boxes]").is_visible()
    assert len(listed) == 3 and all(w == h for _name, w, h in listed), listed
    expected = {name.rsplit(".", 1)[0] + "-crop": (w, h) for name, w, h in listed}
    shot(page, "crop-batch")

    page.click("[data-testid=crop-submit]")
    page.wait_for_url(re.compile(r"/gallery/jobs/"))
    page.wait_for_selector("text=Succeeded")

    # and the results are what the page listed: in each rotated image, the largest square inside
    # the same percent box (full width, 21.875..78.125 % of the height), centred on it
    job = Job.objects.get(kind="editing.crop")
    assert job.params["aspect"] == "1:1" and job.params["rotate"] == 90
    results = {o.name: (o.width, o.height) for o in job.outputs.all()}
    assert results == expected
    assert results == {"a-wide-crop": (540, 540), "b-tall-crop": (244, 244), "c-square-crop": (338, 338)}
