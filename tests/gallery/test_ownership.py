"""Another user's objects answer 404 on every page, API and file URL, by session and by API token,
with every HTTP method the route allows.

Nothing here lists routes or methods by hand: the sweep walks the URL resolver (every route with an
id in its path) and the OpenAPI schema (every API path and method it documents), and tries every
method on each; a method a route does not allow answers 405, every other one must answer 404. A new
route is covered the day it is added."""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter, UUIDConverter
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

# The ids a route may take, by keyword; a route with another id keyword fails the sweep until the
# world below owns an object of that kind.
OBJECT_KWARGS = {"item_id", "job_id", "token_id"}
METHODS = ("get", "head", "post", "put", "patch", "delete")
# Staff-only routes: a normal user never gets the file (admin login redirect instead of 404).
STAFF_ONLY = {"admin-thumbnail"}
NOT_FOUND = {"error": {"code": "not_found", "message": "Not found."}}


def _walk(patterns, namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _walk(p.url_patterns, ns)
        elif isinstance(p, URLPattern) and p.name:
            converters = getattr(p.pattern, "converters", {})
            ids = {k for k, c in converters.items() if isinstance(c, (UUIDConverter, IntConverter))}
            yield f"{namespace}{p.name}", ids


def object_routes() -> dict[str, set[str]]:
    """url name -> its id keywords, for every route that takes an id (admin's own aside)."""
    return {name: ids for name, ids in _walk(get_resolver().url_patterns)
            if ids and not name.startswith("admin:") and name not in STAFF_ONLY}


def schema_operations() -> list[tuple[str, str]]:
    """(path template, method) of every documented API operation whose path takes an id."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [(path, method) for path, ops in schema["paths"].items() if "{" in path
            for method in ops if method in METHODS]


def test_every_object_route_takes_a_known_id():
    routes = object_routes()
    assert len(routes) >= 30, routes  # the walk finds the routes (a broken walk would pass vacuously)
    unknown = {name: ids for name, ids in routes.items() if not ids <= OBJECT_KWARGS}
    assert not unknown, f"give alice_world an object for these id keywords: {unknown}"


def test_every_documented_api_path_with_an_id_is_a_swept_route():
    swept = {reverse(name, kwargs={k: "00000000-0000-0000-0000-000000000000" for k in ids})
             for name, ids in object_routes().items() if name.startswith("api:")}
    documented = {path.replace("{item_id}", "00000000-0000-0000-0000-000000000000")
                  .replace("{job_id}", "00000000-0000-0000-0000-000000000000") for path, _ in schema_operations()}
    assert documented and documented <= swept, documented - swept


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


def _targets(world, name: str, param: str) -> list:
    """Alice's objects that fit a route: OCR pages exist only for a finished OCR job, cutout pages for
    cutouts, text-to-image routes for a text-to-image job or a generated image."""
    if "ocr" in name:
        return [world["ocr_job"].id]
    if name.startswith("imagetext:text"):
        return [world["text_lines_job"].id if "lines" in name else world["text_job"].id]
    if "generation" in name:
        return [world["gen_job"].id if param == "job_id" else world["gen_item"].id]
    if "matting" in name:
        return [world["cutout_job"].id] if param == "job_id" else [world["cutout"].id]
    return {"item_id": [world["upload"].id, world["edited"].id],
            "job_id": [world["done_job"].id, world["queued_job"].id],
            "token_id": [world["token"].id]}[param]


def _urls(world) -> list[tuple[str, str]]:
    """(name, url) for every route that takes an id, with each of Alice's objects that fits it."""
    urls = []
    for name, ids in sorted(object_routes().items()):
        [param] = ids
        urls += [(name, reverse(name, kwargs={param: value})) for value in _targets(world, name, param)]
    return urls


def _sweep(client, world, *, api_only=False) -> dict[int, int]:
    """Every method on every id route; returns how many requests got each status."""
    answers: dict[int, int] = {}
    for name, url in _urls(world):
        if api_only and not name.startswith("api:"):
            continue
        statuses = {}
        for method in METHODS:
            response = getattr(client, method)(url, HTTP_ACCEPT="application/json")
            statuses[method] = response.status_code
            answers[response.status_code] = answers.get(response.status_code, 0) + 1
            assert response.status_code in (404, 405), (name, method, url, response.status_code)
            if response.status_code == 404 and name.startswith("api:") and method != "head":
                assert response.json() == NOT_FOUND, (name, method)
        assert 404 in statuses.values(), (name, url, statuses)  # some method reaches the ownership check
    return answers


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
    # when / then: every method on every id route answers 404 (or 405 where not allowed)
    with run_jobs():
        answers = _sweep(bob, alice_world)
    assert sum(answers.values()) >= 200 and answers[404] >= 60, answers
    _assert_alice_untouched(alice_world, settings)


def test_other_user_api_token_gets_404_on_every_api_url(alice_world, other_user, run_jobs, settings):
    # given: Bob with his own API token
    _token, secret = api_token_create(user=other_user, name="bob")
    bob = APIClient(HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_ACCEPT_LANGUAGE="en")
    # when / then
    with run_jobs():
        _sweep(bob, alice_world, api_only=True)
    _assert_alice_untouched(alice_world, settings)


def test_other_user_gets_404_on_every_documented_api_operation(alice_world, other_user, run_jobs, settings):
    # The OpenAPI schema's own paths and methods, filled with Alice's ids.
    _token, secret = api_token_create(user=other_user, name="bob")
    bob = APIClient(HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_ACCEPT_LANGUAGE="en")
    ids = {"item_id": [alice_world["upload"].id, alice_world["gen_item"].id, alice_world["cutout"].id],
           "job_id": [alice_world[k].id for k in ("done_job", "queued_job", "ocr_job", "cutout_job", "gen_job")]}
    operations = schema_operations()
    with run_jobs():
        for path, method in operations:
            [param] = [k for k in ids if "{" + k + "}" in path]
            for value in ids[param]:
                response = getattr(bob, method)(path.replace("{" + param + "}", str(value)))
                assert response.status_code == 404, (path, method, value, response.status_code)
                assert response.json() == NOT_FOUND
    assert len(operations) >= 12
    _assert_alice_untouched(alice_world, settings)


def test_owner_reaches_the_same_urls(alice_world, user):
    # The sweep is only meaningful if the owner gets something other than 404 from the same URLs.
    alice = APIClient()
    alice.force_login(user)
    for name, url in _urls(alice_world):
        status = alice.get(url).status_code
        if status != 405:  # a POST-only route (cancel, delete, revoke) is left untouched here
            assert status == 200, (name, url, status)


@pytest.mark.parametrize("page", ["editing:crop", "editing:resize"])
def test_other_user_editor_with_foreign_source_is_404(alice_world, other_client, page):
    url = reverse(page)
    for item in (alice_world["upload"], alice_world["edited"]):
        assert other_client.get(url, {"source": item.id}).status_code == 404
        assert other_client.post(f"{url}?source={item.id}", {"right": 50, "width": 10}).status_code == 404
    assert Job.objects.filter(owner=alice_world["upload"].owner).count() == 7  # the world's own jobs, no new one
    assert Job.objects.exclude(owner=alice_world["upload"].owner).count() == 0


# --- selections: every page and API that takes several ids answers 404 for any id not the user's ---
# (one selector, gallery.selectors.gallery_items_owned; OCR and the editors' batch used to drop such ids
# silently and run the job on the rest)

SELECTION_PAGES = ["matting:cutout", "ocr:read", "editing:crop", "editing:resize"]
# what each page's form posts to start its job (enough for the job to start on Bob's own image)
PAGE_FORMS = {"matting:cutout": {}, "ocr:read": {"engine": "fake"}, "editing:crop": {"apply_all": "1", "right": 50},
              "editing:resize": {"apply_all": "1", "width": 10}}


@pytest.fixture
def alice_photo(user, make_item):
    return make_item(user, name="alice.png")


def _foreign_selections(mine, foreign) -> dict[str, str]:
    """Query strings that slip a foreign (or deleted, or malformed) id into Bob's selection."""
    return {
        "foreign in batch": f"?source={mine.id}&batch={mine.id},{foreign.id}",
        "foreign source": f"?source={foreign.id}&batch={mine.id},{foreign.id}",
        "foreign batch alone": f"?batch={foreign.id}",
        "deleted id": f"?source={mine.id}&batch={mine.id},00000000-0000-0000-0000-000000000000",
        "malformed id": f"?source={mine.id}&batch={mine.id},not-an-id",
    }


@pytest.mark.parametrize("page", SELECTION_PAGES)
def test_other_user_id_in_a_page_selection_is_404_and_starts_no_job(alice_photo, other_user, other_client,
                                                                     make_item, settings, page):
    settings.OCR_ALLOW_FAKE = True
    mine = make_item(other_user, name="bob.png")
    url = reverse(page)
    for case, query in _foreign_selections(mine, alice_photo).items():
        assert other_client.get(url + query).status_code == 404, case
        assert other_client.post(url + query, PAGE_FORMS[page]).status_code == 404, case
    assert not Job.objects.exists()
    # the same page and form on Bob's own selection start his job (the 404s above are about the id)
    response = other_client.post(f"{url}?source={mine.id}&batch={mine.id}", PAGE_FORMS[page])
    assert response.status_code == 302, response.content[:300]
    assert list(Job.objects.get(owner=other_user).inputs.all()) == [mine]


@pytest.mark.parametrize("page", ["matting:cutout", "ocr:read"])
def test_other_user_id_among_ticked_images_is_404(alice_photo, other_user, other_client, make_item, settings, page):
    # The pages that let Bob tick images of his selection: a foreign id among the ticks answers 404 too.
    settings.OCR_ALLOW_FAKE = True
    mine = make_item(other_user, name="bob.png")
    form = {**PAGE_FORMS[page], "items": [str(mine.id), str(alice_photo.id)], "items_sent": "1"}
    response = other_client.post(f"{reverse(page)}?source={mine.id}&batch={mine.id}", form)
    assert response.status_code == 404
    assert not Job.objects.exists()


SELECTION_APIS = {
    "/api/v1/matting/cutout/": {}, "/api/v1/matting/background/": {"mode": "color", "color": "#ffffff"},
    "/api/v1/ocr/": {"engine": "fake"}, "/api/v1/editing/crop/": {"right": 50},
    "/api/v1/editing/resize/": {"width": 10},
}
QUAD = [[2, 2], [30, 2], [30, 12], [2, 12]]
ONE_IMAGE_APIS = {"/api/v1/editing/text/lines/": {},
                  "/api/v1/editing/text/add/": {"boxes": [{"quad": QUAD, "text": "hi"}]},
                  "/api/v1/editing/text/modify/": {"edits": [{"quad": QUAD, "text": "hi"}]},
                  "/api/v1/editing/text/remove/": {}}


@pytest.mark.parametrize("api", sorted(SELECTION_APIS) + sorted(ONE_IMAGE_APIS))
def test_other_user_id_in_an_api_selection_is_404_and_starts_no_job(alice_photo, other_user, make_item, settings,
                                                                    api):
    settings.OCR_ALLOW_FAKE = True
    _token, secret = api_token_create(user=other_user, name="bob")
    bob = APIClient(HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_ACCEPT_LANGUAGE="en")
    mine = make_item(other_user, name="bob.png")
    params = {**SELECTION_APIS, **ONE_IMAGE_APIS}[api]
    selections = [[str(alice_photo.id)], ["00000000-0000-0000-0000-000000000000"]]
    if api in SELECTION_APIS:
        selections += [[str(mine.id), str(alice_photo.id)], [str(alice_photo.id), str(mine.id)]]
    for sources in selections:
        response = bob.post(api, {"sources": sources, **params}, format="json")
        assert response.status_code == 404, (sources, response.content[:300])
        assert response.json() == NOT_FOUND
    assert not Job.objects.exists()
    # Bob's own image alone is accepted by the same call (the 404s above are about the id)
    response = bob.post(api, {"sources": [str(mine.id)], **params}, format="json")
    assert response.status_code == 202, response.content[:300]
    assert list(Job.objects.get(owner=other_user).inputs.all()) == [mine]


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
@pytest.mark.parametrize("mixed", [False, True], ids=["only foreign", "own and foreign"])
def test_other_user_bulk_with_foreign_ids_is_404_and_does_nothing(alice_world, other_user, other_client, make_item,
                                                                  run_jobs, settings, action, mixed):
    # The gallery's bulk zip / delete takes a selection like the tools: any foreign id answers 404, and
    # nothing of the selection is zipped or deleted (not even Bob's own image).
    mine = make_item(other_user, name="bob.png")
    ids = [alice_world["upload"].id, alice_world["edited"].id] + ([mine.id] if mixed else [])
    with run_jobs():
        response = other_client.post(reverse("gallery:bulk"), {"ids": ids, "action": action})
    assert response.status_code == 404
    assert GalleryItem.objects.filter(id=mine.id).exists()
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
    for name, url in _urls(alice_world):
        if name.startswith("api:"):
            continue
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code in (302, 405), (name, method)
            if response.status_code == 302:
                assert response["Location"].startswith(reverse("account_login")), name
