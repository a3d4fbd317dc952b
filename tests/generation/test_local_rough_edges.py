"""Issue 18, item 6: the local model's rough edges. A sensible default size per model (page and API
apply it when no size is sent), "billed images" only for paid DashScope runs, translated labels on
the item page, and one truth for the seed."""

import pytest
from django.urls import reverse

from gallery.models import GalleryItem
from generation.services import generation_job_create
from ml.generation import catalog
from tests.generation.conftest import _fake_server, fake_dashscope, tiny_pipeline_dir  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def local_model(settings, tiny_pipeline_dir):  # noqa: F811
    settings.GENERATION_LOCAL_MODEL = str(tiny_pipeline_dir)
    settings.GENERATION_LOCAL_DEVICE = "cpu"
    settings.GENERATION_LOCAL_MAX_SIDE = 128
    return tiny_pipeline_dir


@pytest.mark.parametrize(("max_side", "default"), [(1024, (512, 512)), (256, (256, 256)), (128, (128, 128)),
                                                   (64, (64, 64))])
def test_local_default_is_the_largest_square_up_to_512(max_side, default):
    spec = catalog.local_spec(max_side=max_side)
    assert spec.default_size == default and default in spec.size_presets()


def test_api_without_a_size_gets_the_models_default(user_api, local_model, run_jobs):
    with run_jobs():
        response = user_api.post("/api/v1/generation/", {"model": "local", "prompt": "a bird", "steps": 1},
                                 format="json")
    assert response.status_code == 202, response.json()
    assert response.json()["params"]["size"] == "128*128"
    item = GalleryItem.objects.get(job_id=response.json()["id"])
    assert (item.width, item.height) == (128, 128)


def test_billed_images_only_for_dashscope(user, user_client, local_model, fake_dashscope, run_jobs):  # noqa: F811
    with run_jobs():
        local = generation_job_create(user=user, params={"model": "local", "prompt": "a bird", "size": "64*64",
                                                         "steps": 1})
        paid = generation_job_create(user=user, params={"model": "wanx2.1-t2i-turbo", "prompt": "鸟",
                                                        "size": "512*512"})
    assert "billed images" not in user_client.get(reverse("generation:result", args=[local.id])).content.decode()
    assert "billed images: 1" in user_client.get(reverse("generation:result", args=[paid.id])).content.decode()
    assert "image_count" not in GalleryItem.objects.get(job=local).metadata


def test_item_page_labels_and_one_seed(user, user_client, local_model, run_jobs):
    with run_jobs():
        job = generation_job_create(user=user, params={"model": "local", "prompt": "a bird", "size": "64*64",
                                                       "steps": 1})
    item = GalleryItem.objects.get(job=job)
    assert item.metadata["seed"] == job.params["seed"] and item.metadata["seed_mode"] == "random"
    assert "params" not in item.metadata  # no second copy that says "fixed"
    page = user_client.get(reverse("gallery:item-detail", args=[item.id])).content.decode()
    for raw in (">actual_prompt<", ">image_count<", ">params<", "seed_mode: fixed", ">seed_mode<"):
        assert raw not in page, raw
    assert ">Prompt the model used<" in page and ">Seed chosen<" in page and "At random" in page
    # "generate again" repeats this picture: its seed, fixed
    again = user_client.get(f"/api/v1/generation/items/{item.id}/again/").json()
    assert again["seed"] == item.metadata["seed"] and again["seed_mode"] == "fixed" and again["n"] == 1
    assert again["prompt"] == "a bird" and again["model"] == "local" and again["size"] == "64*64"
