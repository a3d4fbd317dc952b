"""POST /api/v1/editing/crop/ and /resize/, then the job through /api/v1/jobs/."""

import pytest
from rest_framework.test import APIClient

from gallery.models import GalleryItem, Job
from tests import imaging

pytestmark = pytest.mark.django_db

CROP = "/api/v1/editing/crop/"
RESIZE = "/api/v1/editing/resize/"


def test_crop_api_with_sources_accepts_then_job_succeeds(user, user_api, make_item, run_jobs):
    # given
    item = make_item(user, size=(64, 48), name="cat.png")
    # when
    with run_jobs():
        response = user_api.post(CROP, {"sources": [str(item.id)], "left": 25, "right": 75, "bottom": 50},
                                 format="json")
    # then: 202 with the queued job (it runs when the request's transaction commits)
    assert response.status_code == 202, response.content
    job = Job.objects.get()
    body = response.json()
    url = f"http://testserver/api/v1/jobs/{job.id}/"
    assert response["Location"] == url
    assert body == {
        "id": str(job.id),
        "kind": "editing.crop",
        "status": "queued",
        "progress": 0,
        "step": None,
        "params": {"left": 25.0, "top": 0.0, "right": 75.0, "bottom": 50.0, "rotate": 0, "flip_horizontal": False,
                   "flip_vertical": False, "aspect": "free", "format": "same", "quality": 92},
        "inputs": [str(item.id)],
        "outputs": [],
        "result": {},
        "error": None,
        "engine": "",
        "model_name": "",
        "queued_at": body["queued_at"],
        "started_at": None,
        "finished_at": None,
        "url": url,
    }
    # when: the client polls
    detail = user_api.get(url)
    # then
    assert detail.status_code == 200
    done = detail.json()
    assert done["status"] == "succeeded"
    assert done["progress"] == 100
    assert done["error"] is None
    assert done["engine"] == "pillow"
    assert done["started_at"] and done["finished_at"]
    assert set(done["result"]["timings"]) == {"queue_wait_s", "compute_s", "total_s"}
    [out] = done["outputs"]
    item_out = GalleryItem.objects.get(id=out["id"])
    assert done["result"]["outputs"] == [out["id"]]
    assert out["parent"] == str(item.id) and out["job"] == str(job.id)
    assert (out["kind"], out["name"], out["width"], out["height"], out["format"]) == ("edited", "cat-crop", 32, 24, "PNG")
    assert out["file_url"] == f"http://testserver/api/v1/gallery/items/{item_out.id}/file/"
    assert out["thumbnail_url"].endswith(f"/api/v1/gallery/items/{item_out.id}/thumbnail/")
    assert out["download_url"].endswith(f"/api/v1/gallery/items/{item_out.id}/download/")
    # and the file URL serves the image
    file_response = user_api.get(out["file_url"])
    assert file_response.status_code == 200
    assert file_response["Content-Type"] == "image/png"
    from io import BytesIO

    from PIL import Image

    assert Image.open(BytesIO(b"".join(file_response.streaming_content))).size == (32, 24)


def test_crop_api_multipart_with_files(user, user_api, run_jobs):
    # when
    with run_jobs():
        response = user_api.post(CROP, {"files": [imaging.png((40, 40), name="a.png"), imaging.png((20, 10), name="b.png")],
                                        "right": "50", "format": "JPEG", "flip_horizontal": "true"}, format="multipart")
    # then
    assert response.status_code == 202, response.content
    body = response.json()
    assert len(body["inputs"]) == 2
    assert body["params"]["format"] == "JPEG" and body["params"]["flip_horizontal"] is True
    job = Job.objects.get()
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    sizes = sorted((o.name, o.width, o.height, o.format) for o in job.outputs.all())
    assert sizes == [("a-crop", 20, 40, "JPEG"), ("b-crop", 10, 10, "JPEG")]
    assert GalleryItem.objects.filter(owner=user, kind="upload").count() == 2


def test_crop_api_batch_with_a_preset_aspect_gives_that_aspect_for_every_image(user, user_api, make_item, run_jobs):
    # given: 16:9 drawn full width on a 64x36 image (the whole image), two others of other shapes
    items = [make_item(user, name=n, size=s) for n, s in (("a.png", (64, 36)), ("b.png", (36, 64)), ("c.png", (50, 50)))]
    # when
    with run_jobs():
        response = user_api.post(CROP, {"sources": [str(i.id) for i in items], "aspect": "16:9"}, format="json")
    # then
    assert response.status_code == 202, response.content
    assert response.json()["params"]["aspect"] == "16:9"
    done = user_api.get(response["Location"]).json()
    sizes = sorted((o["name"], o["width"], o["height"]) for o in done["outputs"])
    assert sizes == [("a-crop", 64, 36), ("b-crop", 36, 20), ("c-crop", 50, 28)]


def test_resize_api_accepts_and_runs(user, user_api, make_item, run_jobs):
    item = make_item(user, size=(64, 48))
    with run_jobs():
        response = user_api.post(RESIZE, {"sources": [str(item.id)], "width": 32, "format": "WEBP"}, format="json")
    assert response.status_code == 202
    assert response.json()["params"] == {"width": 32, "height": None, "percent": None, "keep_aspect": True,
                                          "filter": "lanczos", "format": "WEBP", "quality": 92}
    out = Job.objects.get().outputs.get()
    assert (out.width, out.height, out.format) == (32, 24, "WEBP")
    assert imaging.open_stored(out.file).format == "WEBP"


def test_resize_api_over_pixel_limit_is_refused(user, user_api, make_item, settings):
    item = make_item(user, size=(64, 48))
    settings.UPLOAD_MAX_PIXELS = 10_000
    response = user_api.post(RESIZE, {"sources": [str(item.id)], "percent": 1000}, format="json")
    assert response.status_code == 400
    assert response.json() == {"error": {
        "code": "too_many_pixels", "message": "The result would be 640×480, more than the 0.01 megapixel limit.",
    }}
    assert Job.objects.count() == 0


# The API answers with the page's messages: both are checked by the one contract (editing.params).
@pytest.mark.parametrize(
    ("url", "payload", "error"),
    [
        (CROP, {"left": 60, "right": 40}, {
            "code": "invalid", "message": "The right edge must be to the right of the left edge.",
            "fields": {"right": ["The right edge must be to the right of the left edge."]},
        }),
        (CROP, {"rotate": 45}, {
            "code": "invalid", "message": "Rotate by 0, 90, 180 or 270 degrees.",
            "fields": {"rotate": ["Rotate by 0, 90, 180 or 270 degrees."]},
        }),
        (CROP, {"quality": 0}, {
            "code": "invalid", "message": "Quality must be between 1 and 100.",
            "fields": {"quality": ["Quality must be between 1 and 100."]},
        }),
        (CROP, {"aspect": "wide"}, {
            "code": "invalid", "message": "Give the aspect as width:height, such as 4:3, or “free”.",
            "fields": {"aspect": ["Give the aspect as width:height, such as 4:3, or “free”."]},
        }),
        (RESIZE, {}, {"code": "no_size", "message": "Enter a width, a height or a percentage."}),
        (RESIZE, {"width": 0}, {
            "code": "invalid", "message": "Must be between 1 and 20000 pixels.",
            "fields": {"width": ["Must be between 1 and 20000 pixels."]},
        }),
    ],
)
def test_job_create_api_bad_params_error_body(user, user_api, make_item, url, payload, error):
    item = make_item(user)
    response = user_api.post(url, {"sources": [str(item.id)], **payload}, format="json")
    assert response.status_code == 400
    assert response.json() == {"error": error}
    assert Job.objects.count() == 0


def test_job_create_api_needs_a_source(user_api):
    response = user_api.post(CROP, {}, format="json")
    assert response.status_code == 400
    assert response.json() == {"error": {
        "code": "no_source", "message": "Choose an image: upload one or pick one from your gallery.",
    }}


def test_job_create_api_unknown_source_is_404(user_api):
    response = user_api.post(CROP, {"sources": ["00000000-0000-0000-0000-000000000000"]}, format="json")
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "Not found."}}


def test_job_create_api_bad_upload_error_body(user_api, settings):
    response = user_api.post(CROP, {"files": [imaging.file("x.png", b"text")]}, format="multipart")
    assert response.status_code == 400
    assert response.json() == {"error": {"code": "not_an_image", "message": "“x.png” is not an image we can read."}}
    assert Job.objects.count() == 0 and GalleryItem.objects.count() == 0
    assert imaging.media_files(settings.MEDIA_ROOT) == []


def test_job_create_api_too_many_active_jobs_is_429(user, user_api, make_item, settings):
    # given: one job already waiting
    settings.JOB_MAX_ACTIVE_PER_USER = 1
    item = make_item(user)
    assert user_api.post(CROP, {"sources": [str(item.id)]}, format="json").status_code == 202
    # when
    response = user_api.post(CROP, {"sources": [str(item.id)]}, format="json")
    # then
    assert response.status_code == 429
    assert response.json() == {"error": {
        "code": "too_many_jobs", "message": "You have 1 job waiting or running; wait for it to finish.",
    }}
    assert Job.objects.count() == 1


def test_job_create_api_throttles_submissions(user, user_api, make_item, monkeypatch):
    # given: at most 2 job submissions an hour
    from rest_framework.throttling import ScopedRateThrottle

    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {**ScopedRateThrottle.THROTTLE_RATES, "jobs": "2/hour"})
    item = make_item(user)
    # when
    responses = [user_api.post(CROP, {"sources": [str(item.id)]}, format="json") for _ in range(3)]
    # then
    assert [r.status_code for r in responses] == [202, 202, 429]
    error = responses[2].json()["error"]
    assert error["code"] == "throttled"
    assert error["retry_after_seconds"] > 0
    assert Job.objects.count() == 2
    # reading is not throttled by the job scope
    assert user_api.get("/api/v1/jobs/").status_code == 200


def test_job_create_api_unauthenticated_is_401(make_item, user):
    item = make_item(user)
    response = APIClient().post(CROP, {"sources": [str(item.id)]}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert response.json() == {"error": {
        "code": "not_authenticated", "message": "Authentication credentials were not provided.",
    }}
    assert Job.objects.count() == 0
