"""Another user's objects answer 404 on every page, API and file URL, by session and by API token.

The URL list is built from the urlconf: every route taking an item_id, job_id or token_id must be
listed in ROUTES below, so a new URL cannot be silently skipped."""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from accounts.models import ApiToken
from accounts.services import api_token_create
from editing.services import crop_job_create
from gallery.models import GalleryItem, Job
from gallery.services import job_create
from matting.services import cutout_job_create
from ocr.services import ocr_job_create
from conftest import english

pytestmark = pytest.mark.django_db

OBJECT_KWARGS = {"item_id", "job_id", "token_id"}

# url name -> HTTP method used to probe it. Pages and API alike.
ROUTES = {
    "gallery:item-detail": "get",
    "gallery:item-delete": "post",
    "gallery:item-file": "get",
    "gallery:item-thumbnail": "get",
    "gallery:item-download": "get",
    "gallery:job-detail": "get",
    "gallery:job-cancel": "post",
    "accounts:token-revoke": "post",
    "api:gallery-item-detail": "get",
    "api:gallery-item-file": "get",
    "api:gallery-item-thumbnail": "get",
    "api:gallery-item-download": "get",
    "api:job-detail": "get",
    "api:job-cancel": "post",
    "ocr:result": "get",
    "ocr:export-txt": "get",
    "ocr:export-json": "get",
    "api:ocr-export-txt": "get",
    "api:ocr-export-json": "get",
    "matting:result": "get",
    "matting:zip": "get",
    "matting:detail": "get",
    "matting:background": "post",
    "matting:touchup": "get",
    "api:matting-zip": "get",
    "matting:cancel": "post",
    "api:matting-cancel": "post",
    "editing:text-result": "get",
    "editing:text-lines-status": "get",
    "generation:result": "get",
    "generation:cancel": "post",
    "api:generation-cancel": "post",
    "api:generation-again": "get",
}
# Extra methods on the same API URL.
EXTRA_API_PROBES = [("api:gallery-item-detail", "delete")]
# Staff-only routes: a normal user never gets the file (admin login redirect instead of 404).
STAFF_ONLY = {"admin-thumbnail"}


def _walk(patterns, namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _walk(p.url_patterns, ns)
        elif isinstance(p, URLPattern) and p.name:
            yield f"{namespace}{p.name}", set(getattr(p.pattern, "converters", {}))


def object_routes() -> dict[str, set[str]]:
    return {name: params for name, params in _walk(get_resolver().url_patterns) if params & OBJECT_KWARGS}


def test_every_object_route_is_swept():
    routes = object_routes()
    assert set(routes) - STAFF_ONLY == set(ROUTES), "add new object URLs to ROUTES in this file"
    assert all(params <= OBJECT_KWARGS for params in routes.values())


@pytest.fixture
def alice_world(user, make_item, run_jobs, settings, tmp_path):
    """Alice (user) owns an upload, an edited item made by a finished job, a queued job, a finished
    OCR job (fake engine), a finished cutout job (U^2-Net-p) and a token."""
    upload = make_item(user, name="alice.png")
    settings.OCR_ALLOW_FAKE = True
    settings.ML_WEIGHTS_DIR = tmp_path / "weights"
    with run_jobs():
        done_job = crop_job_create(user=user, params={"right": 50}, sources=[upload])
        ocr_job = ocr_job_create(user=user, params={"engine": "fake"}, sources=[upload])
        cutout_job = cutout_job_create(user=user, params={}, sources=[upload])
    edited = done_job.outputs.get()
    queued_job = crop_job_create(user=user, params={}, sources=[upload])  # never enqueued: stays queued
    # Text jobs, queued and never run: their pages answer the owner while they wait.
    text_lines_job = job_create(owner=user, kind="editing.text_lines", params={}, inputs=[upload])
    text_job = job_create(owner=user, kind="editing.text_add", params={}, inputs=[upload])
    token, _secret = api_token_create(user=user, name="alice laptop")
    # a finished text-to-image job and its image (made directly: no service is called here)
    gen_job = Job.objects.create(owner=user, kind="generation.dashscope", status=Job.Status.SUCCEEDED,
                                 params={"model": "qwen-image", "prompt": "x"})
    gen_item = make_item(user, name="generated.png", kind="generated", job=gen_job,
                         metadata={"params": {"model": "qwen-image", "prompt": "x", "seed": 1}})
    return {"upload": upload, "edited": edited, "done_job": done_job, "queued_job": queued_job, "token": token,
            "ocr_job": ocr_job, "cutout_job": cutout_job, "text_lines_job": text_lines_job, "text_job": text_job, "gen_job": gen_job, "gen_item": gen_item,
            "cutout": cutout_job.outputs.get(kind="cutout")}


def _urls(world) -> list[tuple[str, str, str]]:
    """(name, method, url) for every route, with each of Alice's objects that fits it."""
    routes = object_routes()
    values = {
        "item_id": [world["upload"].id, world["edited"].id],
        "job_id": [world["done_job"].id, world["queued_job"].id],
        "token_id": [world["token"].id],
    }
    probes = [(name, ROUTES[name]) for name in ROUTES] + EXTRA_API_PROBES
    urls = []
    for name, method in probes:
        [param] = routes[name]
        # OCR result pages and exports exist only for a finished OCR job, cutout pages for cutouts,
        # text-to-image routes for a text-to-image job or a generated image.
        if "ocr" in name:
            targets = [world["ocr_job"].id]
        elif name.startswith("editing:text"):
            targets = [world["text_lines_job"].id if "lines" in name else world["text_job"].id]
        elif "generation" in name:
            targets = [world["gen_job"].id if param == "job_id" else world["gen_item"].id]
        elif "matting" in name:
            targets = [world["cutout_job"].id] if param == "job_id" else [world["cutout"].id]
        else:
            targets = values[param]
        for value in targets:
            urls.append((name, method, reverse(name, kwargs={param: value})))
    return urls


def _assert_alice_untouched(world, settings):
    upload, edited = world["upload"], world["edited"]
    assert GalleryItem.objects.filter(id__in=[upload.id, edited.id]).count() == 2
    assert Job.objects.get(id=world["queued_job"].id).status == Job.Status.QUEUED
    assert ApiToken.objects.filter(id=world["token"].id).exists()
    for item in (upload, edited):
        assert (settings.MEDIA_ROOT / item.file.name).exists()
        assert (settings.MEDIA_ROOT / item.thumbnail.name).exists()


def test_other_user_session_gets_404_everywhere(alice_world, other_user, run_jobs, settings):
    # given: Bob signed in with a browser session
    bob = english(Client())
    bob.force_login(other_user)
    # when / then
    with run_jobs():
        for name, method, url in _urls(alice_world):
            response = getattr(bob, method)(url, HTTP_ACCEPT="application/json")
            assert response.status_code == 404, (name, method, url, response.status_code)
            if name.startswith("api:"):
                assert response.json() == {"error": {"code": "not_found", "message": "Not found."}}, name
    _assert_alice_untouched(alice_world, settings)


def test_other_user_api_token_gets_404_on_every_api_url(alice_world, other_user, run_jobs, settings):
    # given: Bob with his own API token
    _token, secret = api_token_create(user=other_user, name="bob")
    bob = APIClient(HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_ACCEPT_LANGUAGE="en")
    # when / then
    with run_jobs():
        for name, method, url in _urls(alice_world):
            if not name.startswith("api:"):
                continue
            response = getattr(bob, method)(url)
            assert response.status_code == 404, (name, method, url)
            assert response.json() == {"error": {"code": "not_found", "message": "Not found."}}
    _assert_alice_untouched(alice_world, settings)


def test_owner_reaches_the_same_urls(alice_world, user):
    # The sweep is only meaningful if the owner gets something other than 404 from the same URLs.
    alice = APIClient()
    alice.force_login(user)
    for name, method, url in _urls(alice_world):
        if method == "get":
            assert alice.get(url).status_code == 200, (name, url)


@pytest.mark.parametrize("page", ["editing:crop", "editing:resize"])
def test_other_user_editor_with_foreign_source_is_404(alice_world, other_client, page):
    url = reverse(page)
    for item in (alice_world["upload"], alice_world["edited"]):
        assert other_client.get(url, {"source": item.id}).status_code == 404
        assert other_client.post(f"{url}?source={item.id}", {"right": 50, "width": 10}).status_code == 404
    assert Job.objects.filter(owner=alice_world["upload"].owner).count() == 7  # the world's own jobs, no new one
    assert Job.objects.exclude(owner=alice_world["upload"].owner).count() == 0


@pytest.mark.parametrize("page", ["editing:crop", "editing:resize"])
def test_other_user_editor_ignores_foreign_batch(alice_world, other_user, other_client, make_item, page):
    # Bob's own source with Alice's ids slipped into the batch: they are dropped, not processed.
    mine = make_item(other_user)
    url = f"{reverse(page)}?source={mine.id}&batch={mine.id},{alice_world['upload'].id}"
    response = other_client.post(url, {"apply_all": "1", "right": 50, "width": 10})
    assert response.status_code == 302
    job = Job.objects.get(owner=other_user)
    assert list(job.inputs.values_list("id", flat=True)) == [mine.id]


@pytest.mark.parametrize("api", ["/api/v1/editing/crop/", "/api/v1/editing/resize/"])
@pytest.mark.parametrize("auth", ["session", "token"])
def test_other_user_job_api_with_foreign_source_is_404(alice_world, other_user, make_item, api, auth):
    if auth == "session":
        bob = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        bob.force_login(other_user)
    else:
        bob = APIClient(HTTP_AUTHORIZATION=f"Bearer {api_token_create(user=other_user, name='b')[1]}",
                        HTTP_ACCEPT_LANGUAGE="en")
    mine = make_item(other_user)
    for foreign in (alice_world["upload"], alice_world["edited"]):
        response = bob.post(api, {"sources": [str(mine.id), str(foreign.id)], "width": 10}, format="json")
        assert response.status_code == 404
        assert response.json() == {"error": {"code": "not_found", "message": "Not found."}}
    assert not Job.objects.filter(owner=other_user).exists()


@pytest.mark.parametrize("action", ["zip", "delete"])
def test_other_user_bulk_with_foreign_ids_does_nothing(alice_world, other_client, run_jobs, settings, action):
    ids = [alice_world["upload"].id, alice_world["edited"].id]
    with run_jobs():
        response = other_client.post(reverse("gallery:bulk"), {"ids": ids, "action": action})
    assert response.status_code == 302  # "Select at least one image first.", no zip of Alice's files
    assert response["Content-Type"] != "application/zip"
    _assert_alice_untouched(alice_world, settings)


def test_other_user_bulk_mixed_ids_touches_only_own(alice_world, other_user, other_client, make_item, run_jobs,
                                                    settings):
    mine = make_item(other_user, name="bob.png")
    with run_jobs():
        response = other_client.post(reverse("gallery:bulk"),
                                     {"ids": [mine.id, alice_world["upload"].id], "action": "delete"})
    assert response.status_code == 302
    assert not GalleryItem.objects.filter(id=mine.id).exists()
    _assert_alice_untouched(alice_world, settings)


def test_other_user_lists_do_not_show_foreign_objects(alice_world, other_user):
    bob = APIClient()
    bob.force_login(other_user)
    assert bob.get("/api/v1/gallery/items/").json()["count"] == 0
    assert bob.get("/api/v1/jobs/").json()["count"] == 0


def test_admin_thumbnail_is_staff_only(alice_world, other_client, user, django_user_model):
    url = reverse("admin-thumbnail", args=[alice_world["upload"].id])
    response = other_client.get(url)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    staff = django_user_model.objects.create_user("staff", password="x-very-long-pass", is_staff=True)
    client = Client()
    client.force_login(staff)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/webp"


def test_anonymous_gets_login_redirect_for_pages(alice_world, client):
    for name, method, url in _urls(alice_world):
        if name.startswith("api:"):
            continue
        response = getattr(client, method)(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("account_login")), name
