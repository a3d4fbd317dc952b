"""The LaMa fill through the studio: offered on the page and in the API only when its weights are in
ML_WEIGHTS_DIR, refused (translated, nothing stored) when they are not, and run by the remove and
modify jobs when they are. The network is a TorchScript file of big-lama.pt's contract
(tests/ml/text/lama_compatible.py); PP-OCR reads the results back for real."""

import json

import numpy as np
import pytest
from django.urls import reverse
from PIL import Image

from imagetext.services import TEXT_MODIFY_KIND, TEXT_REMOVE_KIND
from gallery.models import GalleryItem, Job
from ml import registry
from tests.imagetext.test_text_jobs import photo_upload, signed_photo

pytest.importorskip("torch")

from ml.text.lama import lama_path  # noqa: E402
from tests.ml.text.lama_compatible import write_lama_compatible  # noqa: E402

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_lama(settings, tmp_path):
    settings.ML_WEIGHTS_DIR = tmp_path / "weights"
    return settings.ML_WEIGHTS_DIR


@pytest.fixture
def with_lama(settings, tmp_path):
    settings.ML_WEIGHTS_DIR = tmp_path / "weights"
    write_lama_compatible(lama_path(settings.ML_WEIGHTS_DIR))
    yield settings.ML_WEIGHTS_DIR
    registry.clear()   # the instance holds this test's file


def test_without_weights_the_page_shows_lama_disabled_with_the_command(user_client, user, make_item, no_lama):
    source = make_item(user, image=signed_photo(), name="cafe.png")
    page = user_client.get(f"{reverse('imagetext:text')}?source={source.id}&mode=remove").content.decode()
    assert '<option value="lama" disabled>' in page
    assert "python manage.py fetch_models lama" in page and 'data-testid="method-missing-lama"' in page
    modify = user_client.get(f"{reverse('imagetext:text')}?source={source.id}&mode=modify").content.decode()
    assert '<option value="lama" disabled>' in modify and 'value="telea"' not in modify


def test_without_weights_lama_is_refused_translated_and_nothing_is_stored(user_api, no_lama, settings):
    user_api.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    response = user_api.post("/api/v1/editing/text/remove/", {"files": [photo_upload()], "method": "lama"},
                             format="multipart")
    assert response.status_code == 400 and response.json()["error"]["code"] == "model_missing"
    message = response.json()["error"]["message"]
    assert "python manage.py fetch_models lama" in message and "big-lama.pt" in message and "服务器" in message
    edits = json.dumps([{"box": [50, 250, 450, 310], "text": "新"}])
    response = user_api.post("/api/v1/editing/text/modify/", {"files": [photo_upload()], "edits": edits,
                                                               "method": "lama"}, format="multipart")
    assert response.status_code == 400 and response.json()["error"]["code"] == "model_missing"
    assert GalleryItem.objects.count() == 0 and Job.objects.count() == 0


def test_the_methods_endpoint_says_what_runs_here(user_api, no_lama, tmp_path):
    rows = {r["name"]: r for r in user_api.get("/api/v1/editing/text/methods/").json()["remove"]}
    assert list(rows) == ["default", "lama", "telea", "ns"]
    assert rows["default"]["available"] and not rows["lama"]["available"]
    assert rows["lama"]["command"] == "python manage.py fetch_models lama"
    write_lama_compatible(lama_path(no_lama))
    body = user_api.get("/api/v1/editing/text/methods/").json()
    assert [r["name"] for r in body["modify"]] == ["default", "lama"] and all(r["available"] for r in body["modify"])


def test_the_methods_endpoint_words_the_reason_without_server_paths(user_api, no_lama, settings):
    english = {r["name"]: r for r in user_api.get("/api/v1/editing/text/methods/").json()["remove"]}["lama"]
    assert english["reason"] == "its weights file big-lama.pt is not installed"
    user_api.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    body = user_api.get("/api/v1/editing/text/methods/")
    chinese = {r["name"]: r for r in body.json()["remove"]}["lama"]
    assert chinese["reason"] == "未安装其权重文件 big-lama.pt"
    assert chinese["command"] == "python manage.py fetch_models lama"
    assert str(no_lama) not in body.content.decode() and "/weights" not in body.content.decode()


def test_remove_all_with_lama(user_api, user, make_item, run_jobs, with_lama):
    source = make_item(user, image=signed_photo(), name="cafe.png")
    with run_jobs():
        response = user_api.post("/api/v1/editing/text/remove/",
                                 {"sources": [str(source.id)], "target": "all", "method": "lama"}, format="json")
    job = Job.objects.get(id=response.json()["id"])
    assert job.status == Job.Status.SUCCEEDED, job.error_message
    assert job.params["method"] == "lama" and job.result["lines_left_in_image"] == 0
    assert all(c["ok"] for c in job.result["checks"])
    output = job.outputs.get()
    assert output.metadata["method"] == "lama"
    with output.file.open("rb") as fh:
        out = np.asarray(Image.open(fh).convert("RGB"), np.int16)
    before = np.asarray(signed_photo(), np.int16)
    # the white letters are gone where they were; away from the text the photo is untouched
    assert out[60:110, 60:340].max() < 200 <= before[60:110, 60:340].max()
    assert np.array_equal(out[150:240], before[150:240])


def test_modify_with_lama_reads_back(user_api, user, make_item, run_jobs, with_lama):
    source = make_item(user, image=signed_photo(), name="cafe.png")
    edits = [{"quad": [[56, 252], [436, 252], [436, 306], [56, 306]], "text": "Tea", "old": "Fresh Coffee Daily"}]
    with run_jobs():
        response = user_api.post("/api/v1/editing/text/modify/",
                                 {"sources": [str(source.id)], "edits": edits, "method": "lama"}, format="json")
    job = Job.objects.get(id=response.json()["id"], kind=TEXT_MODIFY_KIND)
    assert job.status == Job.Status.SUCCEEDED, job.error_message
    assert job.result["checks"][0]["read"] == "Tea" and job.result["checks"][0]["ok"] is True
    assert job.outputs.get().metadata["method"] == "lama"


def test_a_damaged_weights_file_fails_the_job_with_a_clear_message(user_api, user, make_item, run_jobs, no_lama):
    path = lama_path(no_lama)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\x00" * 1024)   # an interrupted copy under the right name
    source = make_item(user, image=signed_photo(), name="cafe.png")
    with run_jobs():
        response = user_api.post("/api/v1/editing/text/remove/",
                                 {"sources": [str(source.id)], "method": "lama"}, format="json")
    job = Job.objects.get(id=response.json()["id"], kind=TEXT_REMOVE_KIND)
    assert job.status == Job.Status.FAILED and job.error_code == "model_broken"
    assert "fetch_models lama" in job.error_message
    assert not job.outputs.exists() and GalleryItem.objects.filter(parent=source).count() == 0
