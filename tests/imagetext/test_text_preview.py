"""The "Add text" preview (imagetext:text-preview): a PNG of what the job will draw in one box, made by
the job's own renderer. Its pixels are compared with the job's result in the same region; errors
are translated and name the box; another user's image is 404."""

import io
import json

import numpy as np
import pytest
from django.urls import reverse
from PIL import Image, ImageDraw

from imagetext.services import TEXT_ADD_KIND
from gallery.models import GalleryItem, Job
from tests import imaging

pytestmark = pytest.mark.django_db

URL = "/edit/text/preview/"


def busy_light_photo(size=(640, 400)) -> Image.Image:
    """Light paper with dark stripes under part of the box: automatic contrast picks dark text and
    adds an outline (the case where the old preview showed white text with a shadow)."""
    image = Image.new("RGB", size, (236, 232, 222))
    draw = ImageDraw.Draw(image)
    for x in range(100, 300, 14):
        draw.rectangle((x, 60, x + 5, 220), fill=(30, 30, 34))
    return image


def _preview(client, source, box, *, index=0, max_side=None):
    data = {"source": str(source.id), "index": str(index), "boxes": json.dumps([box])}
    if max_side:
        data["max_side"] = str(max_side)
    return client.post(URL, data)


def _png(response) -> Image.Image:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "image/png" and response["Cache-Control"] == "no-store"
    return Image.open(io.BytesIO(response.content)).convert("RGB")


@pytest.mark.parametrize("box", [
    {"box": [80, 70, 520, 190], "text": "Bronze Bird", "shadow": True},                    # automatic colour
    {"box": [80.5, 70.5, 520.3, 190.5], "text": "天路 Sky Road", "color": "#e01010", "shadow": True,
     "font": "serif"},
    {"quad": [[60, 250], [560, 240], [566, 330], [64, 346]], "text": "Tilted", "outline": True},
])
def test_preview_is_the_results_pixels(user_client, user, make_item, run_jobs, box):
    # given
    source = make_item(user, image=busy_light_photo(), name="paper.png")
    # when: the page asks for the preview, then runs the job with the same box
    response = _preview(user_client, source, box)
    preview = _png(response)
    with run_jobs():
        user_client.post(f"{reverse('imagetext:text')}?source={source.id}&mode=add",
                         {"source": source.id, "mode": "add", "boxes": json.dumps([box]), "format": "PNG"})
    job = Job.objects.get(kind=TEXT_ADD_KIND)
    assert job.status == Job.Status.SUCCEEDED, job.error_message
    # then: the preview is the result's region, pixel for pixel, and says what the job chose
    x0, y0, x1, y1 = (int(v) for v in response["X-Preview-Region"].split(","))
    result = imaging.open_stored(job.outputs.get().file).convert("RGB").crop((x0, y0, x1, y1))
    assert preview.size == result.size
    assert np.array_equal(np.asarray(preview), np.asarray(result))
    check = job.result["checks"][0]
    assert response["X-Preview-Color"] == check["color"]
    assert response["X-Preview-Size"] == str(check["size"])
    assert (response["X-Preview-Outline"] == "1") == check["outline"]
    assert GalleryItem.objects.filter(kind="edited").count() == 1  # the preview stored nothing


def test_preview_of_automatic_contrast_shows_the_dark_text_and_the_added_outline(user_client, user, make_item):
    source = make_item(user, image=busy_light_photo())
    response = _preview(user_client, source, {"box": [80, 70, 520, 190], "text": "Bronze Bird", "shadow": True})
    _png(response)
    assert response["X-Preview-Color"] == "#1a1a1a"
    assert response["X-Preview-Outline"] == "1"  # added for contrast although not asked for


def test_preview_is_scaled_to_the_size_asked_for(user_client, user, make_item):
    source = make_item(user, image=busy_light_photo())
    preview = _png(_preview(user_client, source, {"box": [80, 70, 520, 190], "text": "Bronze"}, max_side=200))
    assert max(preview.size) == 200


def test_preview_errors_are_translated_and_name_the_box(client, user, make_item):
    client.force_login(user)
    source = make_item(user, image=busy_light_photo())
    response = client.post(URL, {"source": str(source.id), "index": "2", "boxes": json.dumps(
        [{"box": [10, 10, 40, 26], "text": "这段文字太长了放不进这个小框"}])}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error == {"code": "too_long", "message": "第 3 个框：文字放不下：即使用最小的可辨认字号也会超出框。"
                                                    "请把框画大一些，或缩短文字。"}
    assert Job.objects.count() == 0


def test_preview_of_another_users_image_is_404_and_needs_a_login(client, user, other_user, make_item):
    foreign = make_item(other_user, image=busy_light_photo())
    box = {"box": [80, 70, 520, 190], "text": "x"}
    assert _preview(client, foreign, box).status_code == 302  # to the login page
    client.force_login(user)
    assert _preview(client, foreign, box).status_code == 404
    assert client.post(URL, {"source": "not-a-uuid", "boxes": json.dumps([box])}).status_code == 404
    assert client.get(URL).status_code == 405
