"""Text in images in real Chromium with the real engine: upload a photo, draw a box on the canvas,
type Chinese text, run it, and see the read-back ✓; then find the lines of the result and change
one by clicking it."""

import re

import pytest
from PIL import Image, ImageDraw

from gallery.models import GalleryItem, Job
from tests.e2e.helpers import drag, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def poster(path):
    """A dark, slightly textured poster: text drawn on it must contrast automatically."""
    image = Image.new("RGB", (800, 500), (38, 52, 78))
    draw = ImageDraw.Draw(image)
    for y in range(0, 500, 4):
        draw.line((0, y, 800, y), fill=(38 + y // 25, 52 + y // 30, 78))
    image.save(path)


def test_draw_a_box_type_chinese_and_see_it_read_back(page, live_server, make_user, tmp_path):
    make_user("lin", "bronze-bird-2026")
    path = tmp_path / "mouse-pad.png"
    poster(path)
    login(page, "lin", "bronze-bird-2026")

    # the feature is in the sidebar; upload on its page
    page.click("a.nav-link[href='/edit/text/']")
    page.wait_for_url(re.compile(r"/edit/text/$"))
    page.set_input_files("[data-testid=upload-input]", str(path))
    page.click("[data-testid=upload-submit]")
    page.wait_for_url(re.compile(r"/edit/text/\?mode=add&source="))
    page.wait_for_function("() => document.querySelector('[data-testid=text-source]').naturalWidth > 0")

    # draw a box over the middle of the image: a card opens with its text field focused
    drag(page, "[data-testid=text-overlay]", (0.25, 0.3), (0.75, 0.6))
    assert page.locator("[data-testid=text-overlay] polygon.tx-box").count() == 1
    page.wait_for_selector("[data-testid=box-text-1]")
    page.keyboard.type("天路")
    assert page.input_value("[data-testid=box-text-1]") == "天路"
    page.select_option("[data-testid=box-cards] [data-field=font]", "serif")
    page.click("[data-testid=text-submit]")

    # jobs run inline in tests: the result page shows the read-back with a ✓
    page.wait_for_url(re.compile(r"/edit/text/jobs/"))
    page.wait_for_selector("[data-testid=text-result][data-status=succeeded]")
    mark = page.locator("[data-testid=check-1]")
    assert mark.inner_text() == "✓" and mark.get_attribute("data-ok") == "true"
    assert page.inner_text("[data-testid=check-read]") == "天路"
    page.check("[data-testid=debug-toggle]")
    assert page.locator("[data-testid=debug-overlay]").is_visible()

    job = Job.objects.get(kind="editing.text_add")
    box = job.params["boxes"][0]
    assert box["text"] == "天路" and box["font"] == "serif"
    # the box was drawn in image pixels: about 200..600 x 150..300 of the 800 x 500 image
    (x0, y0), _, (x1, y1), _ = box["quad"]
    assert abs(x0 - 200) < 12 and abs(x1 - 600) < 12 and abs(y0 - 150) < 12 and abs(y1 - 300) < 12
    output = job.outputs.get()
    assert output.kind == GalleryItem.Kind.EDITED and output.parent == job.inputs.get()
    assert output.metadata["readback"] == [{"expected": "天路", "read": "天路", "ok": True}]



def test_find_the_lines_click_one_and_change_it(page, live_server, make_user, tmp_path, monkeypatch):
    from gallery import runner, services
    from tests.ocr_images import cjk_font

    make_user("lin", "bronze-bird-2026")
    path = tmp_path / "sign.png"
    image = Image.new("RGB", (800, 500), (38, 52, 78))
    ImageDraw.Draw(image).text((200, 180), "天路", font=cjk_font(110), fill=(255, 255, 255))
    image.save(path)
    login(page, "lin", "bronze-bird-2026")
    page.goto("/edit/text/?mode=modify")
    page.set_input_files("[data-testid=upload-input]", str(path))
    page.click("[data-testid=upload-submit]")
    page.wait_for_url(re.compile(r"/edit/text/\?mode=modify&source="))
    assert page.is_disabled("[data-testid=text-submit]")  # nothing to change before the lines are found

    # the find-lines job waits for a worker: the panel polls, and reloads the page once it is done
    held: list = []
    monkeypatch.setattr(services, "job_enqueue", lambda *, job_id: held.append(job_id))
    page.click("[data-testid=find-lines]")
    page.wait_for_selector("[data-testid=lines-status][data-status=queued]")
    monkeypatch.undo()
    (job_id,) = held
    runner.job_run(job_id=job_id)
    page.wait_for_selector("[data-testid=line-1]")
    assert page.inner_text("[data-testid=line-1]").endswith("天路")
    page.click("[data-testid=text-overlay] [data-testid=overlay-line-1]", force=True)
    # before the job has run the old colour is not known: the card says so, no stand-in swatch
    card = "[data-testid=edit-cards] [data-card]"
    assert page.inner_text(f"{card} [data-testid=auto-colour]") == "detected after analysis"
    assert not page.is_visible(f"{card} [data-field=color]")
    page.uncheck(f"{card} [data-field=auto]")   # choosing a colour shows the picker
    assert page.is_visible(f"{card} [data-field=color]") and not page.is_visible(f"{card} [data-testid=auto-colour]")
    page.check(f"{card} [data-field=auto]")
    page.fill("[data-testid=edit-text-1]", "丝路")
    page.click("[data-testid=text-submit]")
    page.wait_for_selector("[data-testid=text-result][data-status=succeeded]")
    assert page.locator("[data-testid=check-1]").get_attribute("data-ok") == "true"
    assert page.inner_text("[data-testid=check-read]") == "丝路"


def upload_on(page, mode, path):
    page.goto(f"/edit/text/?mode={mode}")
    page.set_input_files("[data-testid=upload-input]", str(path))
    page.click("[data-testid=upload-submit]")
    page.wait_for_url(re.compile(rf"/edit/text/\?mode={mode}&source="))
    page.wait_for_function("() => document.querySelector('[data-testid=text-source]').naturalWidth > 0")


def quads(page):
    return page.evaluate("Array.from(document.querySelectorAll('[data-testid=text-overlay] polygon.tx-box'))"
                         ".map(p => p.getAttribute('points'))")


def test_boxes_move_resize_tilt_and_delete(page, live_server, make_user, tmp_path):
    make_user("lin", "bronze-bird-2026")
    path = tmp_path / "poster.png"
    poster(path)
    login(page, "lin", "bronze-bird-2026")
    upload_on(page, "add", path)
    overlay = "[data-testid=text-overlay]"

    drag(page, overlay, (0.1, 0.1), (0.4, 0.3))      # box 1: 80..320 x 50..150
    drag(page, overlay, (0.5, 0.5), (0.9, 0.8))      # box 2
    assert page.locator(f"{overlay} polygon.tx-box").count() == 2
    assert page.inner_text("[data-box-count]") == "2 / 8"

    # move box 2 by dragging its inside, then resize it from its bottom-right corner
    drag(page, overlay, (0.7, 0.65), (0.6, 0.55))
    x0, y0 = (float(v) for v in quads(page)[1].split()[0].split(","))
    assert abs(x0 - 320) < 6 and abs(y0 - 200) < 6  # moved by -80, -50 from 400, 250
    box = page.locator(overlay).bounding_box()
    corner = page.locator(f"{overlay} circle.tx-handle[data-corner='2']").bounding_box()
    page.mouse.move(corner["x"] + corner["width"] / 2, corner["y"] + corner["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.95, box["y"] + box["height"] * 0.95, steps=4)
    page.mouse.up()
    x2, y2 = (float(v) for v in quads(page)[1].split()[2].split(","))
    assert abs(x2 - 760) < 6 and abs(y2 - 475) < 6

    # perspective: the top-right corner moves alone, the box becomes a four-point quad
    page.check("[data-testid=box-cards] .tx-card.is-selected [data-field=persp]")
    corner = page.locator(f"{overlay} circle.tx-handle[data-corner='1']").bounding_box()
    page.mouse.move(corner["x"] + corner["width"] / 2, corner["y"] + corner["height"] / 2)
    page.mouse.down()
    page.mouse.move(corner["x"] + 30, corner["y"] + 40, steps=4)
    page.mouse.up()
    points = [tuple(float(v) for v in p.split(",")) for p in quads(page)[1].split()]
    assert points[1][1] > points[0][1] + 10 and points[2][0] == pytest.approx(x2, abs=1)

    # Delete removes the selected box; the other one stays
    page.locator(overlay).focus()
    page.keyboard.press("Delete")
    assert page.locator(f"{overlay} polygon.tx-box").count() == 1
    # an empty box is refused in the page before anything is sent
    page.click("[data-testid=text-submit]")
    assert "Type the text of every box" in page.inner_text("[data-client-error]")
    assert Job.objects.count() == 0


def test_paint_over_a_caption_and_remove_it(page, live_server, make_user, tmp_path):
    from tests.ocr_images import latin_font

    make_user("lin", "bronze-bird-2026")
    path = tmp_path / "caption.png"
    image = Image.new("RGB", (800, 500), (38, 52, 78))
    ImageDraw.Draw(image).text((120, 380), "SAMPLE WATERMARK", font=latin_font(48), fill=(235, 235, 235))
    image.save(path)
    login(page, "lin", "bronze-bird-2026")
    upload_on(page, "remove", path)

    page.check("[data-testid=target-region]")
    assert page.is_visible("[data-brush]")
    drag(page, "[data-testid=text-overlay]", (0.12, 0.82), (0.78, 0.82))
    assert page.locator("[data-testid=text-overlay] polyline.tx-stroke").count() == 1
    page.click("[data-testid=text-submit]")

    page.wait_for_selector("[data-testid=text-result][data-status=succeeded]")
    assert page.locator("[data-testid=check-1]").get_attribute("data-ok") == "true"
    job = Job.objects.get(kind="editing.text_remove")
    assert job.params["target"] == "region" and len(job.params["strokes"]) == 1
    assert job.result["lines_left_in_image"] == 0
