"""The portrait cutout through its pages and API with the real U^2-Net-p engine (built once per
test session by ml.registry): a real portrait, batches and their zip, the `auto` choice, results and
ownership."""

import io
import zipfile

import numpy as np
import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from PIL import Image

from gallery.models import GalleryItem, Job
from matting.services import CUTOUT_KIND, cutout_job_create
from tests.matting.helpers import alpha_of, figure, pixels, portrait, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_weights_dir")]


def test_page_upload_then_cut_out_a_real_portrait(user_client, user, run_jobs):
    # given: a real portrait uploaded through the page's upload form, which comes back with ?source=
    photo = portrait()
    response = user_client.post(reverse("gallery:upload"),
                                {"files": [upload(photo, "anna.jpg", "JPEG")], "next": reverse("matting:cutout")})
    assert response.status_code == 302 and response["Location"].startswith(reverse("matting:cutout") + "?source=")
    page = user_client.get(response["Location"]).content.decode()
    assert 'data-testid="cutout-form"' in page and 'value="auto"' in page
    source = GalleryItem.objects.get(owner=user)

    # when
    with run_jobs():
        response = user_client.post(f"{reverse('matting:cutout')}?source={source.id}", {
            "source": source.id, "items_sent": "1", "items": [source.id], "engine": "auto", "format": "PNG",
            "refine": "on", "decontaminate": "on",
        })

    # then: a cutout and a matte per photo, made from it, saying how they were made
    job = Job.objects.get(owner=user)
    assert response.status_code == 302 and response["Location"] == reverse("matting:result", args=[job.id])
    assert job.kind == CUTOUT_KIND and job.status == Job.Status.SUCCEEDED
    assert job.engine == "auto" and job.model_name == "u2netp.onnx + modnet.onnx"
    cutout = job.outputs.get(kind=GalleryItem.Kind.CUTOUT)
    matte = job.outputs.get(kind=GalleryItem.Kind.MATTE)
    assert cutout.parent == source and matte.parent == source
    assert cutout.format == "PNG" and matte.format == "PNG"
    assert (cutout.width, cutout.height) == (matte.width, matte.height) == photo.size
    from ml.matting.pipeline import AUTO_PORTRAIT_REFINE

    for item in (cutout, matte):  # a frontal face on the subject: `auto` chose MODNet, and says so
        assert item.metadata["engine"] == "modnet" and item.metadata["model"] == "modnet.onnx"
        assert item.metadata["auto"]["chose"] == "modnet" and item.metadata["auto"]["reason"] == "face"
        assert item.metadata["refine"] == AUTO_PORTRAIT_REFINE and item.metadata["decontaminate"] is True
    assert job.result["images"][0]["auto"]["chose"] == "modnet"
    assert cutout.metadata["role"] == "cutout" and matte.metadata["role"] == "matte"

    alpha = alpha_of(cutout).astype(np.float32) / 255
    h, w = alpha.shape
    assert alpha[int(0.30 * h):, int(0.35 * w):int(0.65 * w)].mean() > 0.9   # face and torso
    c = int(0.08 * min(h, w))
    assert alpha[:c, :c].mean() < 0.1 and alpha[:c, -c:].mean() < 0.1        # the wall in the top corners
    grey = pixels(matte, "L")
    assert np.array_equal(grey, alpha_of(cutout))                              # the matte is the cutout's alpha
    assert 0.2 < job.result["images"][0]["foreground"] < 0.9

    # the result page: original, cutout on a checkerboard, on a background; downloads and touch-up
    body = user_client.get(reverse("matting:result", args=[job.id])).content.decode()
    for url in (reverse("gallery:item-file", args=[source.id]), reverse("gallery:item-file", args=[cutout.id]),
                reverse("gallery:item-download", args=[matte.id]), reverse("matting:touchup", args=[cutout.id]),
                reverse("matting:background", args=[cutout.id])):
        assert url in body
    assert 'data-testid="cutout-viewer"' in body and "co-checker" in body
    assert 'data-testid="cutout-auto" data-chose="modnet" data-reason="face"' in body
    assert "a face on the main subject, so a portrait" in body
    user_client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    body = user_client.get(reverse("matting:result", args=[job.id])).content.decode()
    assert "主体上有人脸，因此按人像处理" in body and "自动选择" in body
    user_client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    assert reverse("matting:result", args=[job.id]) in user_client.get(
        reverse("gallery:job-detail", args=[job.id])).content.decode()


def test_api_cutout_as_lossless_webp_with_the_real_engine(user_api, user, run_jobs):
    photo = portrait(scale=0.5)
    with run_jobs():
        response = user_api.post("/api/v1/matting/cutout/", {"files": [upload(photo, "ben.png")], "format": "WEBP"},
                                 format="multipart")

    assert response.status_code == 202, response.content
    body = response.json()
    assert body["kind"] == CUTOUT_KIND and body["status"] == "queued" and response["Location"] == body["url"]
    detail = user_api.get(f"/api/v1/jobs/{body['id']}/").json()
    assert detail["status"] == "succeeded" and detail["engine"] == "auto"
    cutout_row, matte_row = detail["outputs"]
    assert (cutout_row["kind"], cutout_row["format"]) == ("cutout", "WEBP")
    assert (matte_row["kind"], matte_row["format"]) == ("matte", "PNG")
    assert cutout_row["metadata"]["engine"] == "modnet" and cutout_row["name"] == "ben-cutout"
    assert cutout_row["metadata"]["auto"]["reason"] == "face"
    cutout = GalleryItem.objects.get(id=cutout_row["id"])
    matte = GalleryItem.objects.get(id=matte_row["id"])
    assert np.array_equal(alpha_of(cutout), pixels(matte, "L"))   # lossless: alpha kept exactly
    assert detail["result"]["images"][0]["cutout"] == 0 and detail["result"]["images"][0]["matte"] == 1

    engines = user_api.get("/api/v1/matting/engines/").json()["engines"]
    by_name = {e["name"]: e for e in engines}
    assert by_name["auto"]["resolves_to"] == "auto" and by_name["u2netp"]["available"]
    assert by_name["auto"]["model"] == "u2netp.onnx + modnet.onnx" and by_name["u2netp"]["model"] == "u2netp.onnx"
    # MODNet ships with the studio (modnet.onnx); fetch_models stays on offer for the official checkpoint
    assert by_name["modnet"]["available"] and by_name["modnet"]["model"] == "modnet.onnx"
    assert by_name["modnet"]["command"] == "python manage.py fetch_models modnet"


def test_batch_of_three_and_the_zip_of_its_cutouts(user_client, user_api, user, run_jobs, make_item):
    items = [make_item(user, name=f"p{i}.png", image=figure(bg=(60 + 60 * i, 150, 210))) for i in range(3)]

    with run_jobs():
        response = user_api.post("/api/v1/matting/cutout/", {"sources": [str(i.id) for i in items]}, format="json")

    job = Job.objects.get(id=response.json()["id"])
    assert job.status == Job.Status.SUCCEEDED
    assert [i["name"] for i in job.result["images"]] == ["p0.png", "p1.png", "p2.png"]
    assert job.outputs.filter(kind="cutout").count() == 3 and job.outputs.filter(kind="matte").count() == 3
    for item in items:
        assert GalleryItem.objects.filter(parent=item, kind="cutout", job=job).count() == 1
    for cutout in job.outputs.filter(kind="cutout"):  # drawn figures have no face: both mattes, combined
        assert cutout.metadata["engine"] == "u2netp+modnet" and cutout.metadata["model"] == "u2netp.onnx + modnet.onnx"
        assert cutout.metadata["auto"] == {"chose": "fusion", "reason": "no_face", "faces": 0}

    page = user_client.get(reverse("matting:result", args=[job.id])).content.decode()
    assert page.count('data-testid="cutout-tile"') == 3 and reverse("matting:zip", args=[job.id]) in page
    detail = user_client.get(reverse("matting:detail", args=[job.outputs.filter(kind="cutout").first().id]))
    assert 'data-chose="fusion" data-reason="no_face"' in detail.content.decode()

    for response in (user_client.get(reverse("matting:zip", args=[job.id])),
                     user_api.get(f"/api/v1/matting/{job.id}/zip/")):
        assert response.status_code == 200 and response["Content-Type"] == "application/zip"
        assert f'filename="cutouts-{str(job.id)[:8]}.zip"' in response["Content-Disposition"]
        with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)) as zf:
            assert sorted(zf.namelist()) == ["p0-cutout.png", "p1-cutout.png", "p2-cutout.png"]
            for name in zf.namelist():
                with Image.open(io.BytesIO(zf.read(name))) as image:
                    assert image.mode == "RGBA" and image.size == (160, 200)
                    alpha = np.asarray(image.getchannel("A"))
                    assert alpha[:10, :10].max() < 40 and alpha[120:, 70:90].min() > 200  # sky clear, body kept


def test_auto_with_the_official_checkpoint_installed(user, run_jobs, make_item, settings, parity_ckpt):
    import shutil

    settings.JOB_HEARTBEAT_SECONDS = 3600  # loading MODNet takes a while; no heartbeat thread on the test DB
    settings.ML_WEIGHTS_DIR.mkdir(parents=True, exist_ok=True)
    shutil.copy(parity_ckpt, settings.ML_WEIGHTS_DIR / parity_ckpt.name)
    item = make_item(user, image=figure())

    with run_jobs():
        job = cutout_job_create(user=user, params={"engine": "auto"}, sources=[item])

    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error_message
    assert job.engine == "auto" and job.model_name == f"u2netp.onnx + {parity_ckpt.name}"
    cutout = job.outputs.get(kind="cutout")  # a drawn figure has no face: both mattes, the checkpoint's for MODNet
    assert cutout.metadata["engine"] == "u2netp+modnet" and cutout.metadata["auto"]["reason"] == "no_face"
    assert cutout.metadata["model"] == f"u2netp.onnx + {parity_ckpt.name}"


def test_progress_partial_polls_then_asks_for_a_full_reload(user_client, user, make_item):
    item = make_item(user)
    job = Job.objects.create(owner=user, kind=CUTOUT_KIND, params={}, status=Job.Status.RUNNING, progress=40)
    job.inputs.set([item])

    running = user_client.get(reverse("matting:result", args=[job.id]), HTTP_HX_REQUEST="true")
    body = running.content.decode()
    assert 'hx-trigger="every 700ms"' in body and 'value="40"' in body and "<html" not in body

    Job.objects.filter(id=job.id).update(status=Job.Status.FAILED, error_message="Broken.")
    done = user_client.get(reverse("matting:result", args=[job.id]), HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true"
    page = user_client.get(reverse("matting:result", args=[job.id])).content.decode()
    assert 'data-testid="cutout-failed"' in page and "Broken." in page


def test_the_feature_is_in_the_sidebar_and_the_picker_offers_recent_photos(user_client, user, make_item):
    item = make_item(user, name="recent.png")
    page = user_client.get(reverse("home")).content.decode()
    assert f'href="{reverse("matting:cutout")}"' in page
    picker = user_client.get(reverse("matting:cutout")).content.decode()
    assert f"?source={item.id}" in picker and 'data-testid="upload-form"' in picker
    # several photos at once: the batch page ticks them all and offers more from the gallery
    other = make_item(user, name="more.png")
    batch = user_client.get(reverse("matting:cutout"), {"source": item.id}).content.decode()
    assert 'data-testid="more-photos"' in batch and str(other.id) in batch


def test_page_several_uploads_at_once_make_one_batch_job(user_client, user, run_jobs):
    files = [upload(figure(bg=(60 * i, 150, 210)), f"p{i}.png") for i in range(2)]
    response = user_client.post(reverse("gallery:upload"), {"files": files, "next": reverse("matting:cutout")})
    assert response.status_code == 302 and "batch=" in response["Location"]
    page = user_client.get(response["Location"]).content.decode()
    assert "2 photos to cut out" in page
    ids = [str(i) for i in GalleryItem.objects.filter(owner=user).order_by("created_at").values_list("id", flat=True)]

    with run_jobs():
        response = user_client.post(f"{reverse('matting:cutout')}?batch={','.join(ids)}",
                                    {"batch": ",".join(ids), "items_sent": "1", "items": ids, "format": "WEBP",
                                     "refine": "on"})

    job = Job.objects.get(owner=user)
    assert response["Location"] == reverse("matting:result", args=[job.id])
    assert sorted(str(i.id) for i in job.inputs.all()) == sorted(ids)
    assert job.params["decontaminate"] is False            # the unticked box means off
    assert set(job.outputs.filter(kind="cutout").values_list("format", flat=True)) == {"WEBP"}
