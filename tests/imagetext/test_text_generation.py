"""Generate with text (issue 6, seed 001's 文字生图): the real dashscope SDK over HTTP to the fake
service, then the real text placement (ml.text) and the real PP-OCR read-back, through the page and
the API; the model-draws-text option (the fake picture holds no text: ✗ and a clear report, not an
error); bad input refused before anything is stored or sent; another user's job is 404."""

import json

import pytest
from django.urls import reverse

from gallery.models import GalleryItem, Job
from imagetext.params import text_prompt
from imagetext.services import GENERATE_KIND, text_generation_job_create
from tests.generation.cancelling import run_cancelled_after_first_poll

pytestmark = pytest.mark.django_db

WAN = {"model": "wanx2.1-t2i-turbo", "prompt": "青铜神鸟鼠标垫，国潮风格，上方留白", "size": "640*512", "seed": 7}
BOXES = [{"box": [80, 40, 560, 150], "text": "天路"}, {"box": [120, 380, 520, 460], "text": "Sky Road"}]


def submits(fake):
    return [r for r in fake.requests if r["method"] == "POST" and r["path"].endswith("image-synthesis")]


def nothing_stored():
    return GalleryItem.objects.count() == 0 and Job.objects.count() == 0


def check_placed_job(job, fake):
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error_message
    assert job.kind == GENERATE_KIND and job.progress == 100
    (sent,) = submits(fake)
    assert sent["body"]["input"]["prompt"] == WAN["prompt"]  # placed by us: the prompt goes as typed
    assert sent["body"]["parameters"]["size"] == "640*512" and sent["body"]["parameters"]["n"] == 1
    base, final = sorted(GalleryItem.objects.filter(job=job), key=lambda i: i.kind != "generated")
    assert (base.kind, final.kind) == ("generated", "edited")
    assert final.parent_id == base.id and (final.width, final.height) == (640, 512) == (base.width, base.height)
    assert base.metadata["prompt"] == WAN["prompt"] and base.metadata["seed"] == 7
    assert base.metadata["model"] == "wanx2.1-t2i-turbo" and base.metadata["text_mode"] == "placed"
    assert [b["text"] for b in final.metadata["boxes"]] == ["天路", "Sky Road"]
    assert final.metadata["all_ok"] is True and final.metadata["seed"] == 7
    assert [(c["expected"], c["ok"]) for c in job.result["checks"]] == [("天路", True), ("Sky Road", True)]
    assert job.result["all_ok"] and job.result["text_mode"] == "placed"
    assert job.result["outputs"] == [str(base.id), str(final.id)]
    return base, final


def test_page_generates_places_and_reads_back(user_client, user, fake_dashscope, run_jobs):
    page = user_client.get(f"{reverse('imagetext:text')}?mode=generate")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-testid="text-canvas"' in body and 'data-testid="gen-model"' in body and "Generate with text" in body
    assert 'data-testid="model-draws-text"' in body  # qwen-image is the default model
    with run_jobs():
        response = user_client.post(f"{reverse('imagetext:text')}?mode=generate", {
            **WAN, "mode": "generate", "key_source": "server", "boxes": json.dumps(BOXES)})
    assert response.status_code == 302, response.content.decode()[:2000]
    job = Job.objects.get()
    assert response.url == reverse("imagetext:text-result", args=[job.id])
    check_placed_job(job, fake_dashscope)
    result = user_client.get(response.url).content.decode()
    assert result.count('data-ok="true"') == 2 and "Generated picture" in result
    assert "the text was placed exactly by the studio" in result


def test_api_generates_with_text_202_then_checks(user_api, user, fake_dashscope, run_jobs):
    with run_jobs():
        response = user_api.post("/api/v1/generation/text/", {**WAN, "boxes": BOXES}, format="json")
    assert response.status_code == 202, response.json()
    job = Job.objects.get(id=response.json()["id"])
    base, final = check_placed_job(job, fake_dashscope)
    polled = user_api.get(response.json()["url"]).json()
    assert polled["status"] == "succeeded" and polled["result"]["all_ok"] is True


def test_model_draws_text_reports_cross_not_an_error(user_client, user, fake_dashscope, run_jobs):
    boxes = [{"box": [200, 100, 728, 260], "text": "天路"}]
    with run_jobs():
        job = text_generation_job_create(user=user, params={
            "model": "qwen-image", "prompt": "青铜神鸟鼠标垫", "size": "928*1664", "seed": 3,
            "boxes": json.dumps(boxes), "model_draws_text": "on"})
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error_message
    (sent,) = submits(fake_dashscope)
    assert sent["body"]["input"]["prompt"] == "青铜神鸟鼠标垫。画面中清晰地写着文字：“天路”（画面上方中间）。"
    (item,) = GalleryItem.objects.filter(job=job)  # nothing placed: the model's picture is the result
    assert item.kind == "generated" and item.metadata["text_mode"] == "model" and item.metadata["all_ok"] is False
    assert item.metadata["prompt"] == "青铜神鸟鼠标垫" and "天路" in item.metadata["generation_prompt"]
    (check,) = job.result["checks"]
    assert check["ok"] is False and check["anywhere"] is False and check["expected"] == "天路"
    assert job.result["text_mode"] == "model" and job.result["all_ok"] is False
    page = user_client.get(reverse("imagetext:text-result", args=[job.id])).content.decode()
    assert 'data-ok="false"' in page and "drew the text itself" in page
    assert "not found anywhere in the picture" in page and 'data-testid="model-text-note"' in page


def test_text_prompt_positions():
    boxes = [{"quad": [[0, 0], [100, 0], [100, 50], [0, 50]], "text": "左上"},
             {"quad": [[400, 400], [600, 400], [600, 600], [400, 600]], "text": "中\n间", "vertical": True}]
    assert text_prompt("海报。", boxes, 1000, 1000) == (
        "海报。画面中清晰地写着文字：“左上”（画面上方左侧）；“中 间”（画面正中，竖排）。")


BAD = [
    ({**WAN, "prompt": ""}, BOXES, "prompt cannot be empty"),
    (WAN, [{"box": [500, 400, 700, 500], "text": "出界"}], "lies outside the image (640 × 512 pixels)"),
    (WAN, [{"box": [10 + i, 10, 100 + i, 60], "text": f"第{i}行"} for i in range(9)], "At most 8 boxes"),
    (WAN, [], "Draw at least one box"),
    (WAN, [{"box": [10, 10, 200, 80], "text": "  "}], "has no text"),
    ({**WAN, "model_draws_text": True}, BOXES, "Only Qwen-Image models can draw the text"),
    ({**WAN, "size": "100*100"}, BOXES, "between 512 and 1440"),
]


@pytest.mark.parametrize(("params", "boxes", "message"), BAD,
                         ids=["no-prompt", "outside", "nine-boxes", "no-boxes", "empty-text", "draws-wan", "size"])
def test_bad_input_refused_before_anything_is_sent(user_api, fake_dashscope, params, boxes, message):
    response = user_api.post("/api/v1/generation/text/", {**params, "boxes": boxes}, format="json")
    assert response.status_code == 400
    assert message in json.dumps(response.json(), ensure_ascii=False)
    assert nothing_stored() and submits(fake_dashscope) == []


def test_page_bad_input_shows_error_and_keeps_boxes(user_client, fake_dashscope):
    boxes = json.dumps([{"box": [500, 400, 700, 500], "text": "出界"}], ensure_ascii=False)
    response = user_client.post(f"{reverse('imagetext:text')}?mode=generate",
                                {**WAN, "mode": "generate", "boxes": boxes})
    assert response.status_code == 400
    body = response.content.decode()
    assert "The picture could not be made" in body and "lies outside the image" in body
    assert "出界" in body and 'data-width="640" data-height="512"' in body  # the boxes and canvas come back
    assert nothing_stored() and submits(fake_dashscope) == []


def test_another_users_job_is_404(user, other_client, user_client, fake_dashscope, run_jobs, other_user):
    from rest_framework.test import APIClient

    with run_jobs():
        job = text_generation_job_create(user=user, params={**WAN, "boxes": BOXES[:1]})
    final = GalleryItem.objects.get(job=job, kind="edited")
    assert other_client.get(reverse("imagetext:text-result", args=[job.id])).status_code == 404
    assert other_client.get(reverse("gallery:item-file", args=[final.id])).status_code == 404
    api = APIClient()
    api.force_login(other_user)
    assert api.get(f"/api/v1/jobs/{job.id}/").status_code == 404
    assert user_client.get(reverse("imagetext:text-result", args=[job.id])).status_code == 200


def test_typed_key_goes_to_the_service_and_is_never_stored(user_api, user, fake_dashscope, run_jobs):
    with run_jobs():
        response = user_api.post("/api/v1/generation/text/", {**WAN, "boxes": BOXES[:1], "api_key": "sk-typed-9999"},
                                 format="json")
    assert response.status_code == 202
    job = Job.objects.get()
    assert job.status == Job.Status.SUCCEEDED, job.error_message
    assert submits(fake_dashscope)[0]["headers"]["Authorization"] == "Bearer sk-typed-9999"
    assert job.params["key_source"] == "typed" and "sk-typed-9999" not in json.dumps(job.params)


def test_local_backend_picture_then_placed_text(user, settings, tiny_pipeline_dir, run_jobs):
    settings.GENERATION_LOCAL_MODEL = str(tiny_pipeline_dir)
    settings.GENERATION_LOCAL_DEVICE = "cpu"
    settings.GENERATION_LOCAL_MAX_SIDE = 128
    with run_jobs():
        job = text_generation_job_create(user=user, params={
            "model": "local", "prompt": "a bronze bird", "size": "128*64", "steps": 2, "seed": 1,
            "boxes": [{"box": [8, 8, 120, 56], "text": "OK", "outline": True}]})
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error_message
    assert job.kind == "generation.text_local" and job.engine == "local" and job.result["text_mode"] == "placed" and job.result["total"] == 1
    base, final = sorted(GalleryItem.objects.filter(job=job), key=lambda i: i.kind != "generated")
    assert final.parent_id == base.id and (final.width, final.height) == (128, 64)
    assert base.metadata["steps"] == 2 and final.metadata["readback"][0]["expected"] == "OK"


def test_n_other_than_one_is_refused(user_api, fake_dashscope):
    response = user_api.post("/api/v1/generation/text/", {**WAN, "n": 2, "boxes": BOXES}, format="json")
    assert response.status_code == 400 and "one picture per job" in json.dumps(response.json())
    assert nothing_stored() and submits(fake_dashscope) == []


def test_queued_job_can_be_cancelled_from_its_page_and_the_api(user, user_client, user_api, fake_dashscope):
    job = text_generation_job_create(user=user, params={**WAN, "boxes": BOXES[:1]})  # not run: no commit here
    page = user_client.get(reverse("imagetext:text-result", args=[job.id])).content.decode()
    assert 'data-testid="text-cancel"' in page
    back = reverse("imagetext:text-result", args=[job.id])
    assert f'name="next" value="{back}"' in page  # the page's Cancel comes back to it
    response = user_client.post(reverse("gallery:job-cancel", args=[job.id]), {"next": back})
    assert response.status_code == 302 and response.url == reverse("imagetext:text-result", args=[job.id])
    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED
    again = text_generation_job_create(user=user, params={**WAN, "boxes": BOXES[:1]})
    assert user_api.post(f"/api/v1/generation/jobs/{again.id}/cancel/").json()["status"] == "cancelled"
    assert submits(fake_dashscope) == []


def test_cancel_while_the_picture_is_painted_cancels_the_remote_task(user, fake_dashscope, monkeypatch):
    fake_dashscope.inject("slow")
    job = text_generation_job_create(user=user, params={**WAN, "boxes": BOXES[:1]})
    job = run_cancelled_after_first_poll(job, monkeypatch)
    assert job.status == Job.Status.CANCELLED
    assert [t["status"] for t in fake_dashscope.tasks.values()] == ["CANCELED"]
    assert not GalleryItem.objects.filter(owner=user).exists()


def test_boxes_follow_a_picture_of_another_size(user, fake_dashscope, run_jobs, monkeypatch):
    """Should a service answer with another size than asked, the boxes are scaled onto it."""
    from PIL import Image

    from ml.generation import dashscope_backend

    real = dashscope_backend.DashScopeBackend.generate

    def generate(self, request, **kwargs):
        result = real(self, request, **kwargs)
        generated = result.images[0]
        generated.image = generated.image.resize((1280, 1024), Image.BILINEAR)
        generated.data = None  # stored as the resized picture
        return result

    monkeypatch.setattr(dashscope_backend.DashScopeBackend, "generate", generate)
    with run_jobs():
        job = text_generation_job_create(user=user, params={**WAN, "boxes": BOXES[:1]})
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error_message
    assert job.result["width"] == 1280 and job.result["all_ok"] is True
    assert job.result["checks"][0]["quad"][2] == [1120.0, 300.0]
