"""The whole OCR path with the real PP-OCR engine (built once per test session by the registry):
page and API, batches, exports, gallery search, bad input and ownership."""

import json

import pytest
from django.urls import reverse

from gallery.models import GalleryItem, Job
from gallery.selectors import gallery_item_list
from ocr.services import OCR_KIND, ocr_job_create
from tests.imaging import file as upload_file
from tests.ocr_images import CHINESE, ENGLISH_PARAGRAPH, cjk_font, png_bytes, render_lines

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_weights_dir")]


def text_upload(lines=ENGLISH_PARAGRAPH, name="museum.png", **kw):
    return upload_file(name, png_bytes(render_lines(lines, **kw)), "image/png")


def test_page_upload_then_read_with_a_real_engine(user_client, user, run_jobs):
    # given: the image is uploaded through the page's upload form, which comes back with ?source=
    response = user_client.post(reverse("gallery:upload"), {"files": [text_upload()], "next": reverse("ocr:read")})
    assert response.status_code == 302 and response["Location"].startswith(reverse("ocr:read") + "?source=")
    page = user_client.get(response["Location"])
    assert page.status_code == 200
    assert b'data-testid="ocr-form"' in page.content and b'value="ch_sim"' in page.content
    source = GalleryItem.objects.get(owner=user)

    # when
    with run_jobs():
        response = user_client.post(f"{reverse('ocr:read')}?source={source.id}",
                                    {"source": source.id, "languages": ["en"], "engine": "auto", "paragraphs": "on"})

    # then
    job = Job.objects.get(owner=user)
    assert response.status_code == 302 and response["Location"] == reverse("ocr:result", args=[job.id])
    assert job.kind == OCR_KIND and job.status == Job.Status.SUCCEEDED
    assert job.engine == "ppocr" and job.model_name.startswith("PP-OCRv4")
    image = job.result["images"][0]
    assert image["text"] == " ".join(ENGLISH_PARAGRAPH)
    assert [l["text"] for l in image["lines"]] == ENGLISH_PARAGRAPH
    boxed = job.outputs.get()
    assert boxed.kind == GalleryItem.Kind.OCR and boxed.parent == source
    assert (boxed.width, boxed.height) == (source.width, source.height)
    assert boxed.metadata["ocr_text"] == image["text"]

    result = user_client.get(reverse("ocr:result", args=[job.id]))
    body = result.content.decode()
    assert result.status_code == 200
    assert " ".join(ENGLISH_PARAGRAPH) in body
    assert reverse("gallery:item-file", args=[boxed.id]) in body and reverse("gallery:item-file", args=[source.id]) in body
    assert reverse("ocr:export-txt", args=[job.id]) in body
    assert 'data-testid="copy-text"' in body


def test_result_partial_polls_while_the_job_is_active(user_client, user, make_item):
    item = make_item(user)
    job = Job.objects.create(owner=user, kind=OCR_KIND, params={"languages": ["en"]}, status=Job.Status.RUNNING,
                             progress=40)
    job.inputs.set([item])

    response = user_client.get(reverse("ocr:result", args=[job.id]), HTTP_HX_REQUEST="true")

    body = response.content.decode()
    assert 'hx-trigger="every 700ms"' in body and 'value="40"' in body and "<html" not in body


def test_api_creates_a_job_and_serves_the_exports(user_api, user, run_jobs):
    with run_jobs():
        response = user_api.post("/api/v1/ocr/", {"files": [text_upload(name="sign.png")], "languages": ["en"]},
                                 format="multipart")

    assert response.status_code == 202, response.content
    job_id = response.json()["id"]
    detail = user_api.get(f"/api/v1/jobs/{job_id}/").json()
    assert detail["status"] == "succeeded" and detail["kind"] == OCR_KIND and len(detail["outputs"]) == 1
    job = Job.objects.get(id=job_id)
    assert detail["result"]["images"][0]["text"] == "\n".join(ENGLISH_PARAGRAPH)  # no paragraph merge asked

    txt = user_api.get(f"/api/v1/ocr/{job_id}/export/txt/")
    assert txt.status_code == 200 and txt["Content-Type"].startswith("text/plain")
    assert txt.content.decode() == "\n".join(ENGLISH_PARAGRAPH) + "\n"
    assert 'filename="sign-text.txt"' in txt["Content-Disposition"]

    data = user_api.get(f"/api/v1/ocr/{job_id}/export/json/").json()
    assert data["job"] == job_id and data["engine"] == "ppocr" and data["languages"] == ["en"]
    (image,) = data["images"]
    assert image["source"] == str(job.inputs.get().id) and image["name"] == "sign.png"
    assert [l["text"] for l in image["lines"]] == ENGLISH_PARAGRAPH
    for line in image["lines"]:
        assert len(line["quad"]) == 4 and all(len(p) == 2 for p in line["quad"]) and 0.5 <= line["score"] <= 1

    languages = user_api.get("/api/v1/ocr/languages/").json()
    by_code = {row["code"]: row for row in languages["languages"]}
    assert by_code["ch_sim"]["available"] and by_code["en"]["engines"] == ["ppocr", "easyocr"]
    assert not by_code["ja"]["available"] and by_code["ja"]["command"] == "python manage.py fetch_models easyocr-japanese"


def test_batch_of_three_and_its_exports(user_client, user, run_jobs, make_item):
    texts = [["Blue Gate"], ["Night Market Street"], [CHINESE]]
    fonts = [None, None, cjk_font(32)]
    items = [make_item(user, name=f"img{i}.png", image=render_lines(t, font=f, size=(1000, 110)))
             for i, (t, f) in enumerate(zip(texts, fonts))]

    with run_jobs():
        job = ocr_job_create(user=user, params={"languages": ["ch_sim", "en"]}, sources=items)

    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert [i["text"] for i in job.result["images"]] == ["Blue Gate", "Night Market Street", CHINESE]
    assert [i["name"] for i in job.result["images"]] == ["img0.png", "img1.png", "img2.png"]
    assert job.outputs.count() == 3 and job.result["lines_total"] == 3

    txt = user_client.get(reverse("ocr:export-txt", args=[job.id]))
    assert txt.content.decode() == (
        f"== img0.png ==\nBlue Gate\n\n== img1.png ==\nNight Market Street\n\n== img2.png ==\n{CHINESE}\n"
    )
    data = json.loads(user_client.get(reverse("ocr:export-json", args=[job.id])).content)
    assert [i["text"] for i in data["images"]] == ["Blue Gate", "Night Market Street", CHINESE]
    page = user_client.get(reverse("ocr:result", args=[job.id])).content.decode()
    assert page.count('data-testid="ocr-image"') == 3


def test_gallery_search_finds_an_image_by_a_word_it_contains(user_client, user, run_jobs, make_item):
    item = make_item(user, name="photo.png", image=render_lines(ENGLISH_PARAGRAPH))
    make_item(user, name="other.png")

    with run_jobs():
        ocr_job_create(user=user, params={"languages": ["en"]}, sources=[item])

    # Both the boxed copy and the photo it was read from; not the other image.
    found = list(gallery_item_list(owner=user, query="Tuesday"))
    assert sorted(f.kind for f in found) == sorted([GalleryItem.Kind.OCR, item.kind])
    boxed = next(f for f in found if f.kind == GalleryItem.Kind.OCR)
    assert boxed.parent == item and item in found
    assert list(gallery_item_list(owner=user, query="Tuesday nowhere")) == []
    page = user_client.get(reverse("gallery:list"), {"q": "museum"}).content.decode()
    assert str(boxed.id) in page and str(item.id) in page


def test_not_an_image_is_refused_and_nothing_is_stored(user_api, user):
    response = user_api.post("/api/v1/ocr/", {"files": [upload_file("notes.png", b"hello, not a picture")]},
                             format="multipart")

    assert response.status_code == 400
    assert Job.objects.count() == 0 and GalleryItem.objects.count() == 0


def test_an_image_without_text_says_no_text_found(user_client, user, run_jobs, make_item):
    item = make_item(user, size=(400, 300), color=(240, 240, 240))

    with run_jobs():
        job = ocr_job_create(user=user, params={}, sources=[item])

    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert job.result["images"][0]["no_text"] is True and job.result["images"][0]["lines"] == []
    body = user_client.get(reverse("ocr:result", args=[job.id])).content.decode()
    assert "No text found in this image." in body
    assert user_client.get(reverse("ocr:export-txt", args=[job.id])).content == b""


def test_missing_language_weights_give_a_clear_message_and_no_job(user_api, user_client, user, make_item):
    item = make_item(user)

    response = user_api.post("/api/v1/ocr/", {"sources": [str(item.id)], "languages": ["ja"]}, format="json")

    assert response.status_code == 400
    error = response.json()["error"]
    message = error["message"]
    assert error["code"] == "model_missing" and error["extra"]["languages"] == ["ja"]
    assert "Japanese" in message and "python manage.py fetch_models easyocr-japanese" in message
    page = user_client.post(f"{reverse('ocr:read')}?source={item.id}",
                            {"source": item.id, "languages": ["ch_sim", "en"], "engine": "easyocr"})
    assert page.status_code == 400 and "python manage.py fetch_models easyocr-chinese" in page.content.decode()
    assert Job.objects.count() == 0


def test_weights_removed_after_queueing_fail_the_job_with_the_message(user, make_item, run_jobs, monkeypatch):
    from ml import registry

    item = make_item(user, image=render_lines(["Exit"], size=(300, 100)))
    with run_jobs():
        job = ocr_job_create(user=user, params={"languages": ["en"], "engine": "easyocr"}, sources=[item])
        monkeypatch.setattr(registry.EasyOcrEngine, "languages_present", classmethod(lambda cls, **c: {"en": False}))

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.error_code == "model_missing"
    assert "fetch_models easyocr-english" in job.error_message


def test_another_users_ocr_results_answer_404(user, other_client, other_user, run_jobs, make_item, api_client):
    item = make_item(user, image=render_lines(["Private"], size=(300, 100)))
    with run_jobs():
        job = ocr_job_create(user=user, params={"languages": ["en"]}, sources=[item])

    assert other_client.get(reverse("ocr:result", args=[job.id])).status_code == 404
    assert other_client.get(reverse("ocr:export-txt", args=[job.id])).status_code == 404
    assert other_client.get(reverse("ocr:export-json", args=[job.id])).status_code == 404
    api_client.force_login(other_user)
    assert api_client.get(f"/api/v1/ocr/{job.id}/export/json/").status_code == 404
    response = api_client.post("/api/v1/ocr/", {"sources": [str(item.id)]}, format="json")
    assert response.status_code == 404


def test_a_job_of_another_kind_is_not_an_ocr_result(user_client, user, make_item):
    job = Job.objects.create(owner=user, kind="editing.crop", params={}, status=Job.Status.SUCCEEDED)

    assert user_client.get(reverse("ocr:result", args=[job.id])).status_code == 404


def test_params_are_validated(user, make_item):
    from django.core.exceptions import ValidationError

    item = make_item(user)
    for params in ({"languages": ["xx"]}, {"engine": "nope"}, {"min_score": "2"}, {"min_score": "abc"}):
        with pytest.raises(ValidationError):
            ocr_job_create(user=user, params=params, sources=[item])
    assert Job.objects.count() == 0


def test_fake_engine_for_fast_django_tests(settings, user, make_item, run_jobs):
    settings.OCR_ALLOW_FAKE = True
    item = make_item(user, size=(64, 48))
    with run_jobs():
        job = ocr_job_create(user=user, params={"engine": "fake"}, sources=[item])
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.engine == "fake"
    assert job.result["images"][0]["no_text"] is True  # a flat image has no text, even for the fake
