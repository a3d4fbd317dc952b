"""A person's first session, in real Chromium: sign up, log out, log in, upload, crop with the
box, find the result in the gallery, download it, switch the language."""

import re

import pytest
from PIL import Image

from gallery.models import GalleryItem, Job

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "bronze-bird-2026"
HOME = re.compile(r"^https?://[^/]+/$")


def _photo(path, size=(800, 600)):
    """Left half red, right half blue: the crop's content can be checked by colour."""
    image = Image.new("RGB", size, (220, 30, 30))
    image.paste((30, 60, 220), (size[0] // 2, 0, size[0], size[1]))
    image.save(path, "JPEG", quality=92)
    return path


def _sign_up(page, username):
    page.goto("/accounts/signup/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.click("form[action='/accounts/signup/'] button[type=submit]")
    page.wait_for_url(HOME)


def _log_in(page, username, password=PASSWORD):
    page.goto("/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", password)
    page.click("form[action='/accounts/login/'] button[type=submit]")


def test_sign_up_upload_crop_download_and_switch_language(page, tmp_path):
    # sign up: the user's name shows at the top left with a logout button
    _sign_up(page, "mei")
    assert page.locator(".user-name").inner_text() == "mei"

    # log out, then a wrong password is refused (the same words as an unknown name), then log in
    page.click(".logout-form button")
    page.wait_for_url(re.compile(r"/accounts/"))
    _log_in(page, "mei", "not-the-password")
    assert "The user name or the password is not correct." in page.content()
    _log_in(page, "mei")
    page.wait_for_url(HOME)

    # upload on the crop page
    page.goto("/edit/crop/")
    page.set_input_files("[data-testid=upload-input]", str(_photo(tmp_path / "bird.jpg")))
    page.click("[data-testid=upload-submit]")
    page.wait_for_url(re.compile(r"/edit/crop/\?source="))
    page.wait_for_selector("[data-testid=crop-stage]:not([hidden])")

    # crop with the box: drag the bottom-right handle to the middle of the image, then 1:1
    stage = page.locator("[data-testid=crop-overlay]").bounding_box()
    handle = page.locator("[data-handle=se]").bounding_box()
    page.mouse.move(handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2)
    page.mouse.down()
    page.mouse.move(stage["x"] + stage["width"] * 0.75, stage["y"] + stage["height"] * 0.5, steps=8)
    page.mouse.up()
    right = float(page.input_value("input[name=right]"))
    bottom = float(page.input_value("input[name=bottom]"))
    assert 70 <= right <= 80 and 45 <= bottom <= 55, (right, bottom)

    page.click("[data-aspect='1:1']")
    size = page.locator("[data-testid=output-size]")
    width, height = int(size.get_attribute("data-width")), int(size.get_attribute("data-height"))
    assert width == height and 250 <= width <= 320

    page.click("[data-testid=crop-submit]")
    page.wait_for_url(re.compile(r"/gallery/jobs/"))
    page.wait_for_selector("text=Succeeded")

    job = Job.objects.get(kind="editing.crop")
    output = job.outputs.get()
    assert (output.width, output.height) == (width, height)
    assert output.parent.kind == GalleryItem.Kind.UPLOAD

    # the result is in the gallery; its page offers downloads
    page.goto("/gallery/?kind=edited")
    page.click(f"a[href='/gallery/{output.id}/']")
    with page.expect_download() as download_info:
        page.click(f"a[href='/gallery/{output.id}/download/?format=PNG']")
    download = download_info.value
    assert download.suggested_filename.endswith(".png")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    with Image.open(saved) as image:
        assert image.format == "PNG" and image.size == (width, height)
        # the box started at the left edge: the crop is mostly the red half
        r, g, b = image.convert("RGB").getpixel((5, height // 2))
        assert r > 150 and b < 100

    # switch the language: the page speaks Simplified Chinese, and stays so after reload
    with page.expect_navigation():
        page.click(".lang-switch button[value=zh-hans]")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert "图库" in page.locator("nav").first.inner_text()
    page.reload()
    assert page.locator("html").get_attribute("lang") == "zh-hans"


def test_sidebar_collapses_on_a_phone(browser, live_server, django_user_model):
    django_user_model.objects.create_user(username="lin", password=PASSWORD)
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844},
                                  locale="en-US", is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        _log_in(page, "lin")
        page.wait_for_url(HOME)
        toggle = page.locator("[aria-expanded]").first
        assert toggle.is_visible()
        assert toggle.get_attribute("aria-expanded") == "false"
        toggle.click()
        assert toggle.get_attribute("aria-expanded") == "true"
        assert page.locator("nav >> text=Gallery").first.is_visible()
    finally:
        context.close()


def test_bad_upload_shows_a_clear_error_and_stores_nothing(page, tmp_path, django_user_model):
    django_user_model.objects.create_user(username="wu", password=PASSWORD)
    _log_in(page, "wu")
    page.wait_for_url(HOME)
    fake = tmp_path / "holiday.png"
    fake.write_text("this is not an image")
    page.goto("/gallery/")
    # upload.js filters by type in the browser; send the file the way a script would
    page.evaluate("document.querySelector('[data-testid=upload-input]').removeAttribute('accept')")
    page.set_input_files("[data-testid=upload-input]", str(fake))
    with page.expect_navigation():
        page.evaluate("document.querySelector('[data-testid=upload-form]').submit()")
    assert "“holiday.png” is not an image we can read." in page.content()
    assert GalleryItem.objects.count() == 0

