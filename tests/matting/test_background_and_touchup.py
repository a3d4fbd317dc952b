"""New backgrounds (colour, image fill/fit, blurred original; JPEG or PNG) and saving a hand-edited
matte, through services, pages and the API; bad input leaves nothing behind; other users get 404."""

import numpy as np
import pytest
from django.urls import reverse
from PIL import Image

from gallery.models import GalleryItem, Job
from matting.services import BACKGROUND_KIND, TOUCHUP_KIND, background_job_create
from tests.imaging import file as upload_file
from tests.matting.helpers import alpha_of, encoded, figure, half_cutout, media_files, pixels, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_weights_dir")]

SIZE = (80, 60)


@pytest.fixture
def photo(user, make_item):
    # left half red, right half a green/blue gradient: the "wall" behind the person
    image = Image.new("RGB", SIZE, (0, 160, 0))
    image.paste((200, 40, 40), (0, 0, SIZE[0] // 2, SIZE[1]))
    return make_item(user, name="lena.jpg", image=image, fmt="JPEG")


@pytest.fixture
def cutout(user, make_item, photo):
    return make_item(user, name="lena-cutout", image=half_cutout(SIZE), kind="cutout", parent=photo,
                     metadata={"engine": "u2netp", "role": "cutout"})


def chinese_api(user):
    from rest_framework.test import APIClient

    client = APIClient(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


def _run_background(user, run_jobs, sources, **params):
    background = params.pop("background", None)
    background_upload = params.pop("background_upload", None)
    with run_jobs():
        job = background_job_create(user=user, params=params, sources=sources, background=background,
                                    background_upload=background_upload)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error_message
    return job, job.outputs.get()


def test_colour_background_as_png(user, run_jobs, cutout):
    job, out = _run_background(user, run_jobs, [cutout], mode="color", color="#2563eb", format="PNG")
    assert job.kind == BACKGROUND_KIND and out.kind == GalleryItem.Kind.EDITED and out.parent == cutout
    assert out.format == "PNG" and (out.width, out.height) == SIZE and out.name == "lena-new-background"
    assert out.metadata["background"] == "color" and out.metadata["color"] == "#2563eb"
    rgb = pixels(out)
    assert (rgb[:, 45:] == (37, 99, 235)).all() and (rgb[:, :35] == (200, 40, 40)).all()


def test_image_background_upload_fill_and_fit(user, run_jobs, cutout):
    sky = Image.new("RGB", (40, 60), (250, 200, 0))   # tall: "fit" pads left and right
    job, out = _run_background(user, run_jobs, [cutout], mode="image", fit="fill", format="JPEG",
                               background_upload=upload(sky, "sky.png"))
    stored = GalleryItem.objects.get(id=job.params["background_item"])
    assert stored.kind == "upload" and stored.name == "sky.png"
    rgb = pixels(out).astype(int)
    assert out.format == "JPEG" and np.abs(rgb[:, 50:] - (250, 200, 0)).max() < 12

    job, out = _run_background(user, run_jobs, [cutout], mode="image", fit="fit", color="#000000", format="PNG",
                               background=stored)
    rgb = pixels(out).astype(int)
    assert (rgb[:, -10:] == 0).all()                         # padding colour beside the fitted image
    assert np.abs(rgb[:, 45:55] - (250, 200, 0)).max() < 3    # the image in the middle


def test_blurred_original_background(user, run_jobs, cutout):
    job, out = _run_background(user, run_jobs, [cutout], mode="blur", blur=5, format="PNG")
    rgb = pixels(out).astype(int)
    assert out.metadata["blur"] == 5
    assert rgb[:, 70:, 1].mean() > 100 and rgb[:, 70:, 0].mean() < 80   # the green wall, blurred
    assert (rgb[:, :35] == (200, 40, 40)).all()                        # the person, sharp


def test_background_page_and_api_with_a_photo_cut_out_first(user_client, user_api, user, run_jobs, cutout, make_item):
    with run_jobs():
        response = user_client.post(reverse("matting:background", args=[cutout.id]),
                                    {"mode": "color", "color": "#ffffff", "format": "JPEG"})
    job = Job.objects.get(kind=BACKGROUND_KIND)
    assert response.status_code == 302 and response["Location"] == reverse("matting:result", args=[job.id])
    page = user_client.get(response["Location"]).content.decode()
    out = job.outputs.get()
    assert 'data-testid="composite"' in page and reverse("gallery:item-download", args=[out.id]) in page

    person = make_item(user, name="walker.png", image=figure())
    with run_jobs():
        response = user_api.post("/api/v1/matting/background/",
                                 {"sources": [str(person.id)], "mode": "color", "color": "#00ff00", "format": "PNG"},
                                 format="json")
    assert response.status_code == 202, response.content
    detail = user_api.get(response["Location"]).json()
    assert detail["status"] == "succeeded" and detail["outputs"][0]["metadata"]["engine"] == "u2netp+modnet"
    rgb = pixels(GalleryItem.objects.get(id=detail["outputs"][0]["id"]))
    assert (rgb[:8, :8] == (0, 255, 0)).all() and rgb[150:, 70:90].mean() < 100   # green sky, dark body kept


def test_bad_background_input_is_refused_and_nothing_is_stored(user_client, user_api, user, cutout, settings):
    items, files = GalleryItem.objects.count(), media_files(settings)

    unknown = user_api.post("/api/v1/matting/background/", {"sources": [str(cutout.id)], "mode": "sky"}, format="json")
    assert unknown.status_code == 400 and "Unknown background “sky”" in unknown.json()["error"]["message"]

    no_image = user_api.post("/api/v1/matting/background/", {"sources": [str(cutout.id)], "mode": "image"},
                             format="json")
    assert no_image.status_code == 400 and "Choose the background image" in no_image.json()["error"]["message"]

    not_image = user_api.post("/api/v1/matting/background/", {
        "sources": [str(cutout.id)], "mode": "image", "background_file": upload_file("bg.png", b"not a picture"),
    }, format="multipart")
    assert not_image.status_code == 400 and "not an image we can read" in not_image.json()["error"]["message"]

    colour = user_client.post(reverse("matting:background", args=[cutout.id]), {"mode": "color", "color": "#12"})
    assert colour.status_code == 400 and "is not a colour" in colour.content.decode()

    # the same error in Chinese for a Chinese-speaking client
    zh = chinese_api(user).post("/api/v1/matting/background/", {"sources": [str(cutout.id)], "mode": "sky"},
                                format="json")
    assert zh.status_code == 400 and "sky" in zh.json()["error"]["message"]
    assert "Unknown" not in zh.json()["error"]["message"]

    assert GalleryItem.objects.count() == items and media_files(settings) == files
    assert not Job.objects.exists()


def test_touchup_saves_the_painted_matte_as_a_new_cutout(user_client, user_api, user, run_jobs, photo, cutout):
    painted = np.zeros((SIZE[1], SIZE[0]), np.uint8)
    painted[10:50, 10:70] = 255          # the user painted a box
    painted[20:30, 20:30] = 128          # and a soft patch

    with run_jobs():
        response = user_client.post(reverse("matting:touchup", args=[cutout.id]),
                                    {"matte": upload(Image.fromarray(painted, "L"), "matte.png")},
                                    HTTP_ACCEPT="application/json")

    assert response.status_code == 202, response.content
    job = Job.objects.get(kind=TOUCHUP_KIND)
    assert response.json() == {"job": str(job.id), "url": reverse("matting:result", args=[job.id])}
    assert job.status == Job.Status.SUCCEEDED and job.engine == "touch-up"
    new = job.outputs.get()
    matte = GalleryItem.objects.get(id=job.params["matte"])
    assert new.kind == "cutout" and new.parent == photo and new.name == "lena-cutout-edited"
    assert matte.kind == "matte" and matte.parent == photo and matte.metadata["edited_from"] == str(cutout.id)
    assert new.metadata["matte"] == str(matte.id) and new.metadata["edited_from"] == str(cutout.id)
    assert new.metadata["engine"] == "touch-up"
    assert np.array_equal(alpha_of(new), painted) and np.array_equal(pixels(matte, "L"), painted)
    assert (pixels(new, "RGBA")[15, 15, :3] == (200, 40, 40)).all()
    page = user_client.get(reverse("matting:result", args=[job.id])).content.decode()
    assert 'data-testid="cutout-viewer"' in page and reverse("gallery:item-download", args=[matte.id]) in page

    # the API: an RGBA PNG whose alpha is the matte, sent for the photo itself
    rgba = np.zeros((SIZE[1], SIZE[0], 4), np.uint8)
    rgba[..., 3] = 0
    rgba[:, 40:, 3] = 255
    with run_jobs():
        response = user_api.post("/api/v1/matting/touchup/", {
            "source": str(photo.id), "matte": upload_file("m.png", encoded(Image.fromarray(rgba, "RGBA")), "image/png"),
        }, format="multipart")
    assert response.status_code == 202, response.content
    detail = user_api.get(response["Location"]).json()
    out = GalleryItem.objects.get(id=detail["outputs"][0]["id"])
    assert (alpha_of(out)[:, 40:] == 255).all() and (alpha_of(out)[:, :40] == 0).all()


def test_bad_mattes_are_refused_and_nothing_is_stored(user_client, user_api, user, cutout, settings):
    items, files = GalleryItem.objects.count(), media_files(settings)

    wrong_size = user_api.post("/api/v1/matting/touchup/", {
        "source": str(cutout.id), "matte": upload(Image.new("L", (40, 30), 255), "m.png")}, format="multipart")
    assert wrong_size.status_code == 400
    assert wrong_size.json()["error"]["message"] == (
        "The matte is 40×30 pixels; it must be the size of the photo, 80×60.")

    not_image = user_client.post(reverse("matting:touchup", args=[cutout.id]),
                                 {"matte": upload_file("m.png", b"GIF89a nope")}, HTTP_ACCEPT="application/json")
    assert not_image.status_code == 400 and "is not an image we can read" in not_image.json()["errors"][0]

    missing = user_client.post(reverse("matting:touchup", args=[cutout.id]), {})
    assert missing.status_code == 400 and "Send the edited matte" in missing.content.decode()

    zh = chinese_api(user).post("/api/v1/matting/touchup/", {
        "source": str(cutout.id), "matte": upload(Image.new("L", (40, 30), 255), "m.png")}, format="multipart")
    assert zh.status_code == 400 and "40×30" in zh.json()["error"]["message"] and "pixels" not in zh.json()["error"]["message"]

    assert GalleryItem.objects.count() == items and media_files(settings) == files and not Job.objects.exists()


def test_bad_cutout_input_is_refused_and_nothing_is_stored(user_api, user_client, user, settings, make_item):
    not_image = user_api.post("/api/v1/matting/cutout/", {"files": [upload_file("me.jpg", b"\xff\xd8 broken")]},
                              format="multipart")
    assert not_image.status_code == 400 and "“me.jpg”" in not_image.json()["error"]["message"]

    settings.ML_WEIGHTS_DIR = settings.MEDIA_ROOT / "no-weights"
    from ml.matting import modnet_engine

    real = modnet_engine.SHIPPED_ONNX
    try:  # the shipped MODNet file removed from this install
        modnet_engine.SHIPPED_ONNX = settings.MEDIA_ROOT / "gone" / "modnet.onnx"
        modnet = user_api.post("/api/v1/matting/cutout/", {"files": [upload(figure())], "engine": "modnet"},
                               format="multipart")
    finally:
        modnet_engine.SHIPPED_ONNX = real
    assert modnet.status_code == 400 and modnet.json()["error"]["code"] == "model_missing"
    assert "python manage.py fetch_models modnet" in modnet.json()["error"]["message"]
    assert "modnet.onnx" in modnet.json()["error"]["message"] and "U²-Net-p" in modnet.json()["error"]["message"]

    engine = user_api.post("/api/v1/matting/cutout/", {"files": [upload(figure())], "engine": "magic"},
                           format="multipart")
    assert engine.status_code == 400 and "Unknown engine" in engine.json()["error"]["message"]

    settings.MATTING_MAX_PIXELS = 1000
    big = user_api.post("/api/v1/matting/cutout/", {"files": [upload(figure())]}, format="multipart")
    assert big.status_code == 400 and "up to 0.001 megapixels" in big.json()["error"]["message"]

    assert not GalleryItem.objects.exists() and not Job.objects.exists() and media_files(settings) == []

    # the page: nothing ticked is a clear error
    item = make_item(user)
    page = user_client.post(f"{reverse('matting:cutout')}?source={item.id}", {"source": item.id, "items_sent": "1"})
    assert page.status_code == 400 and "Choose an image" in page.content.decode() and not Job.objects.exists()


def test_another_users_items_answer_404(other_client, user_client, user, other_user, api_client, cutout, photo,
                                        run_jobs, make_item):
    with run_jobs():
        job, out = _run_background(user, run_jobs, [cutout], mode="color", color="#ffffff", format="PNG")
    cutout_job = Job.objects.create(owner=user, kind="matting.cutout", status=Job.Status.SUCCEEDED)
    theirs = make_item(other_user, name="theirs.png", image=figure())
    other_cutout = make_item(other_user, name="t-cutout", image=half_cutout(SIZE), kind="cutout")

    for url in (reverse("matting:result", args=[job.id]), reverse("matting:detail", args=[cutout.id]),
                reverse("matting:touchup", args=[cutout.id]), reverse("matting:zip", args=[cutout_job.id]),
                f"{reverse('matting:cutout')}?source={photo.id}"):
        assert other_client.get(url).status_code == 404, url
    assert other_client.post(reverse("matting:background", args=[cutout.id]), {"mode": "color"}).status_code == 404
    assert other_client.post(reverse("matting:touchup", args=[cutout.id]),
                             {"matte": upload(Image.new("L", SIZE))}).status_code == 404

    api_client.force_login(other_user)
    assert api_client.get(f"/api/v1/matting/{cutout_job.id}/zip/").status_code == 404
    assert api_client.post("/api/v1/matting/cutout/", {"sources": [str(photo.id)]}, format="json").status_code == 404
    assert api_client.post("/api/v1/matting/background/", {"sources": [str(cutout.id)], "mode": "color"},
                           format="json").status_code == 404
    assert api_client.post("/api/v1/matting/background/", {
        "sources": [str(other_cutout.id)], "mode": "image", "background": str(photo.id)}, format="json").status_code == 404
    assert api_client.post("/api/v1/matting/touchup/", {
        "source": str(cutout.id), "matte": upload(Image.new("L", SIZE))}, format="multipart").status_code == 404
    # a photo is not a cutout: its id is not a cutout page, even for its owner
    assert user_client.get(reverse("matting:detail", args=[photo.id])).status_code == 404
    assert user_client.get(reverse("matting:detail", args=[theirs.id])).status_code == 404
    assert Job.objects.filter(owner=other_user).count() == 0


def test_background_api_with_an_uploaded_image_as_multipart(user_api, user, run_jobs, cutout, user_client):
    sky = Image.new("RGB", (120, 90), (250, 200, 0))
    with run_jobs():
        response = user_api.post("/api/v1/matting/background/", {
            "sources": [str(cutout.id)], "mode": "image", "fit": "fill", "format": "PNG",
            "background_file": upload(sky, "sky.png"),
        }, format="multipart")

    assert response.status_code == 202, response.content
    detail = user_api.get(response["Location"]).json()
    assert detail["status"] == "succeeded" and detail["params"]["mode"] == "image"
    out = GalleryItem.objects.get(id=detail["outputs"][0]["id"])
    assert out.parent == cutout and out.metadata["background_item"] == detail["params"]["background_item"]
    assert (pixels(out)[:, 50:] == (250, 200, 0)).all()
    # the cutout's gallery page leads to its viewer
    page = user_client.get(reverse("gallery:item-detail", args=[cutout.id])).content.decode()
    assert reverse("matting:detail", args=[cutout.id]) in page
