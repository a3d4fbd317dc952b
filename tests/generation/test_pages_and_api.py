"""The page and the API: same service, keys handled as promised, another user's jobs and items 404."""

import pytest
from django.db import connection

from gallery.models import GalleryItem, Job
from generation.models import DashScopeCredential

pytestmark = pytest.mark.django_db

WAN = {"model": "wanx2.1-t2i-turbo", "prompt": "剪纸风格的青铜鸟", "size": "512*512"}


def submits(fake):
    return [r for r in fake.requests if r["method"] == "POST" and r["path"].endswith("image-synthesis")]


def test_page_renders_models_sizes_templates_and_keys(user_client, fake_dashscope):
    response = user_client.get("/generate/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("qwen-image", "wanx2.1-t2i-turbo", "1328*1328", "Guochao (国潮)", "Mock-up: phone case",
                 "The server", "My saved key (none saved)"):
        assert text in html, text


def test_page_preview_expands_the_template_without_sending(user_client, fake_dashscope):
    response = user_client.post("/generate/", {"action": "preview", "template": "bronze", "subject": "青铜神鸟",
                                               "model": "qwen-image"})
    assert response.status_code == 200
    assert "青铜神鸟，青铜器纹样风格" in response.content.decode()
    assert fake_dashscope.requests == [] and not Job.objects.exists()


def test_page_generate_then_result_grid(user_client, user, fake_dashscope, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = user_client.post("/generate/", {**WAN, "n": 2, "seed_mode": "fixed", "seed": 5,
                                                   "key_source": "server"})
    job = Job.objects.get(owner=user)
    assert response.status_code == 302 and response["Location"] == f"/generate/jobs/{job.id}/"
    page = user_client.get(response["Location"]).content.decode()
    assert page.count('data-testid="gen-image"') == 2 and "seed 6" in page
    item = GalleryItem.objects.filter(job=job).first()
    again = user_client.get(f"/generate/?again={item.id}").content.decode()
    assert "剪纸风格的青铜鸟" in again and 'value="fixed" checked' in again


def test_page_shows_validation_errors_and_sends_nothing(user_client, fake_dashscope):
    response = user_client.post("/generate/", {"model": "qwen-image", "prompt": "x", "size": "1024*1024",
                                               "key_source": "server"})
    assert response.status_code == 400
    assert "is not a size this model makes" in response.content.decode()
    assert fake_dashscope.requests == [] and not Job.objects.exists()


def test_api_create_202_then_job_with_outputs(user_api, user, fake_dashscope, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = user_api.post("/api/v1/generation/", {**WAN, "n": 2, "seed": 10}, format="json")
    assert response.status_code == 202, response.json()
    body = user_api.get(response["Location"]).json()
    assert body["status"] == "succeeded" and body["kind"] == "generation.dashscope"
    assert [o["metadata"]["seed"] for o in sorted(body["outputs"], key=lambda o: o["metadata"]["index"])] == [10, 11]
    assert body["params"]["key_source"] == "server" and "api_key" not in body["params"]


def test_api_validation_error_is_400_with_fields(user_api, fake_dashscope):
    response = user_api.post("/api/v1/generation/", {"model": "wanx2.1-t2i-turbo", "prompt": "x", "n": 9},
                             format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["n"] == ["Choose between 1 and 4 images."]
    assert fake_dashscope.requests == []


def test_api_catalog_and_template_expand(user_api, fake_dashscope):
    body = user_api.get("/api/v1/generation/models/").json()
    qwen = next(m for m in body["models"] if m["name"] == "qwen-image")
    assert qwen["sizes"] == ["1664*928", "1472*1140", "1328*1328", "1140*1472", "928*1664"] and qwen["n_max"] == 1
    assert {t["key"] for t in body["templates"]} >= {"guochao", "ink", "bronze", "papercut", "cartoon3d", "flat",
                                                    "product", "mousepad", "tote", "postcard", "phonecase", "poster"}
    assert body["key"] == {"server": True, "saved": False, "last4": "", "default_source": "server"}
    expanded = user_api.post("/api/v1/generation/templates/expand/", {"template": "mousepad", "subject": "天路"},
                             format="json").json()
    assert expanded["prompt"].startswith("一张桌面鼠标垫的产品样机图，鼠标垫上印着：天路")
    assert "水印" in expanded["negative_prompt"]


def test_api_template_with_subject_only_expands_server_side(user_api, fake_dashscope, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = user_api.post("/api/v1/generation/", {"model": "wanx2.1-t2i-turbo", "template": "ink",
                                                         "subject": "黄山云海", "size": "512*512"}, format="json")
    assert response.status_code == 202
    sent = submits(fake_dashscope)[0]["body"]["input"]
    assert sent["prompt"].startswith("黄山云海，中国水墨画风格") and "油画质感" in sent["negative_prompt"]


# --- keys --------------------------------------------------------------------------------------

def _db_dump() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT ciphertext, last4 FROM generation_dashscopecredential")
        rows = cursor.fetchall()
        cursor.execute("SELECT params FROM gallery_job")
        rows += cursor.fetchall()
    return repr(rows)


def test_saved_key_is_encrypted_at_rest_and_used(user_api, user, fake_dashscope, django_capture_on_commit_callbacks):
    secret = "sk-my-own-key-7f3a9c2b5d"
    assert user_api.put("/api/v1/generation/key/", {"api_key": secret}, format="json").json() == {
        "server": True, "saved": True, "last4": "9c2b5d"[-4:], "default_source": "saved"}
    assert secret not in _db_dump() and "7f3a9c2b" not in _db_dump()
    assert DashScopeCredential.objects.get(user=user).last4 == "2b5d"
    with django_capture_on_commit_callbacks(execute=True):
        user_api.post("/api/v1/generation/", WAN, format="json")  # the saved key is the default now
    assert submits(fake_dashscope)[0]["headers"]["Authorization"] == f"Bearer {secret}"
    assert secret not in _db_dump()
    page = user_api.get("/api/v1/generation/key/").json()
    assert page["last4"] == "2b5d" and secret not in repr(page)
    assert user_api.delete("/api/v1/generation/key/").status_code == 204
    assert not DashScopeCredential.objects.exists()


def test_saved_key_page_shows_only_last4(user_client, user, fake_dashscope):
    secret = "sk-page-saved-key-12345678"
    user_client.post("/generate/key/", {"api_key": secret, "action": "save"})
    html = user_client.get("/generate/").content.decode()
    assert "5678" in html and secret not in html and "1234" not in html


def test_typed_key_is_used_once_and_never_stored(user_api, user, fake_dashscope, django_capture_on_commit_callbacks):
    secret = "sk-typed-once-a1b2c3d4e5"
    with django_capture_on_commit_callbacks(execute=True):
        response = user_api.post("/api/v1/generation/", {**WAN, "key_source": "typed", "api_key": secret},
                                 format="json")
    assert response.status_code == 202
    assert submits(fake_dashscope)[0]["headers"]["Authorization"] == f"Bearer {secret}"
    job = Job.objects.get(owner=user)
    assert job.status == Job.Status.SUCCEEDED and job.params["key_source"] == "typed"
    assert secret not in _db_dump() and "a1b2c3" not in repr(response.json())
    assert not DashScopeCredential.objects.exists()
    from django.core.cache import cache
    assert cache.get(f"generation:typed-key:{job.id}") is None  # taken by the worker, gone


def test_api_key_without_key_source_is_used_for_this_request(user_api, fake_dashscope, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user_api.post("/api/v1/generation/", {**WAN, "api_key": "sk-just-this-once"}, format="json")
    assert submits(fake_dashscope)[0]["headers"]["Authorization"] == "Bearer sk-just-this-once"
    assert Job.objects.get().params["key_source"] == "typed"


def test_typed_key_gone_before_the_job_ran_fails_clearly(user, fake_dashscope, run_jobs):
    from django.core.cache import cache

    from generation import keys
    from generation.services import generation_job_create

    job = generation_job_create(user=user, params={**WAN, "key_source": "typed"}, typed_key="sk-typed-x")
    cache.delete(f"generation:typed-key:{job.id}")  # e.g. expired while the job waited
    from gallery.runner import job_run
    job_run(job_id=job.id)
    job.refresh_from_db()
    assert (job.status, job.error_code) == (Job.Status.FAILED, "missing_key")
    assert keys.TYPED == job.params["key_source"] and fake_dashscope.requests == []


def test_invalid_typed_key_fails_with_the_key_message(user_api, user, fake_dashscope, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user_api.post("/api/v1/generation/", {**WAN, "key_source": "typed", "api_key": "sk-invalid"}, format="json")
    job = Job.objects.get(owner=user)
    assert (job.status, job.error_code) == (Job.Status.FAILED, "invalid_key")
    assert "refused the API key" in job.error_message


def test_no_key_anywhere_is_refused_before_anything_is_stored(user_api, settings, fake_dashscope):
    settings.DASHSCOPE_API_KEY = ""
    response = user_api.post("/api/v1/generation/", WAN, format="json")
    assert response.status_code == 400 and response.json()["error"]["code"] == "missing_key"
    response = user_api.post("/api/v1/generation/", {**WAN, "key_source": "saved"}, format="json")
    assert response.json()["error"]["code"] == "missing_key"
    assert not Job.objects.exists() and fake_dashscope.requests == []


def test_typed_and_saved_with_save_key(user_api, user, fake_dashscope, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user_api.post("/api/v1/generation/", {**WAN, "key_source": "typed", "api_key": "sk-keep-me-9999",
                                              "save_key": True}, format="json")
    assert DashScopeCredential.objects.get(user=user).last4 == "9999"
    assert Job.objects.get(owner=user).params["key_source"] == "saved"
    assert submits(fake_dashscope)[0]["headers"]["Authorization"] == "Bearer sk-keep-me-9999"


# --- ownership ---------------------------------------------------------------------------------

def test_another_users_jobs_and_items_are_404(user, other_client, fake_dashscope, run_jobs, api_client, other_user):
    from generation.services import generation_job_create

    with run_jobs():
        job = generation_job_create(user=user, params=WAN)
    item = GalleryItem.objects.get(job=job)
    assert other_client.get(f"/generate/jobs/{job.id}/").status_code == 404
    assert other_client.post(f"/generate/jobs/{job.id}/cancel/").status_code == 404
    assert other_client.get(f"/generate/?again={item.id}").status_code == 404
    api_client.force_login(other_user)
    assert api_client.post(f"/api/v1/generation/jobs/{job.id}/cancel/").status_code == 404
    assert api_client.get(f"/api/v1/generation/items/{item.id}/again/").status_code == 404
    assert api_client.get(f"/api/v1/jobs/{job.id}/").status_code == 404


def test_again_with_a_malformed_or_non_generated_item_is_404(user_client, user, make_item, fake_dashscope):
    assert user_client.get("/generate/?again=not-a-uuid").status_code == 404
    upload = make_item(user)
    assert user_client.get(f"/generate/?again={upload.id}").status_code == 404


def test_deleting_the_account_deletes_the_saved_key(user, fake_dashscope):
    from accounts.services import user_delete_with_data
    from generation.keys import credential_save

    credential_save(user=user, key="sk-gone-with-the-account")
    user_delete_with_data(user=user)
    assert not DashScopeCredential.objects.exists()


def test_cancel_a_queued_job(user_api, user, fake_dashscope):
    from generation.services import generation_job_create

    job = generation_job_create(user=user, params=WAN)  # never run: on_commit is not executed here
    body = user_api.post(f"/api/v1/generation/jobs/{job.id}/cancel/").json()
    assert body["status"] == "cancelled" and body["error"] == {"code": "cancelled", "message": "Cancelled by you."}
    again = user_api.post(f"/api/v1/generation/jobs/{job.id}/cancel/")
    assert again.status_code == 409
