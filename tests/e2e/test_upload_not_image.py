"""A file named like an image that is not one shows its name and "not an image" as soon as it is picked,
instead of a broken thumbnail (issue 18, item 8)."""

from PIL import Image

from gallery.models import GalleryItem
from tests.e2e.helpers import login


def test_a_file_that_is_not_an_image_is_named_and_marked_before_upload(page, make_user, tmp_path):
    make_user("ana", "bronze-bird-2026")
    (tmp_path / "notes.jpg").write_text("shopping list: tea, rice, ink\n")
    Image.new("RGB", (40, 30), (10, 120, 200)).save(tmp_path / "real.png")
    login(page, "ana", "bronze-bird-2026")
    page.goto("/ocr/")  # the upload zone every tool shares
    page.set_input_files("[data-testid=upload-input]", [str(tmp_path / "notes.jpg"), str(tmp_path / "real.png")])
    bad = page.locator("[data-testid=upload-not-image]")
    bad.wait_for()
    assert bad.count() == 1
    assert "notes.jpg" in bad.inner_text() and "Not an image" in bad.inner_text()
    assert page.locator(".upload-item img.upload-thumb").count() == 1  # the real one keeps its thumbnail
    assert page.evaluate("() => [...document.querySelectorAll('.upload-item img')].every(i => i.naturalWidth > 0)")
    assert GalleryItem.objects.count() == 0
