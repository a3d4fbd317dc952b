"""The local diffusers backend for real: a tiny random-weight pipeline written with save_pretrained,
loaded back through from_pretrained (HF_HUB_OFFLINE=1), run through the whole job path with progress
per step and cancel between steps."""

import os

import pytest

from gallery.models import GalleryItem, Job
from gallery.services import job_cancel
from generation.services import generation_job_create
from ml import registry

pytestmark = pytest.mark.django_db


@pytest.fixture
def local_model(settings, tiny_pipeline_dir):
    assert os.environ.get("HF_HUB_OFFLINE") == "1"
    settings.GENERATION_LOCAL_MODEL = str(tiny_pipeline_dir)
    settings.GENERATION_LOCAL_DEVICE = "cpu"
    settings.GENERATION_LOCAL_MAX_SIDE = 128
    return tiny_pipeline_dir


def test_local_job_reports_progress_per_step_and_stores_images(user, local_model, monkeypatch, run_jobs):
    from gallery import runner

    seen = []
    real = runner.job_progress
    monkeypatch.setattr(runner, "job_progress", lambda *, job_id, progress, **step: (seen.append(progress), real(job_id=job_id, progress=progress, **step)))
    with run_jobs():
        job = generation_job_create(user=user, params={
            "model": "local", "prompt": "a bronze bird", "negative_prompt": "blurry", "size": "64*64",
            "n": 2, "steps": 3, "guidance": 2.0, "seed": 7})
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error_message
    assert job.kind == "generation.local" and job.engine == "local"
    assert job.result["steps"] == 3 and len(job.result["step_seconds"]) == 3 and job.result["device"] == "cpu"
    # one report per denoising step (34, 66, 98 of the 2..98 band), rising
    assert seen == sorted(seen) and len([p for p in seen if 2 < p < 99]) == 3  # 99: saving the outputs
    items = list(GalleryItem.objects.filter(job=job).order_by("metadata__index"))
    assert [(i.width, i.height) for i in items] == [(64, 64), (64, 64)]
    assert [i.metadata["seed"] for i in items] == [7, 8]
    assert items[0].metadata["steps"] == 3 and items[0].metadata["guidance"] == 2.0
    assert items[0].sha256 != items[1].sha256


def test_same_seed_gives_the_same_image(user, local_model, run_jobs):
    params = {"model": "local", "prompt": "ink mountains", "size": "64*64", "steps": 2, "seed": 99}
    with run_jobs():
        a = generation_job_create(user=user, params=params)
    with run_jobs():
        b = generation_job_create(user=user, params=params)
    assert GalleryItem.objects.get(job=a).sha256 == GalleryItem.objects.get(job=b).sha256


def test_cancel_between_steps(user, local_model, monkeypatch):
    """The user cancels while step 1 runs: the pipeline stops after that step, nothing is stored."""
    from gallery import runner

    job = generation_job_create(user=user, params={"model": "local", "prompt": "paper cut", "size": "64*64",
                                                   "steps": 6, "seed": 1})
    reports = []
    real = runner.job_progress

    def progress(*, job_id, progress, **step):
        real(job_id=job_id, progress=progress, **step)
        reports.append(progress)
        if len(reports) == 2:  # 1: started; 2: after the first denoising step
            job_cancel(job=Job.objects.get(id=job_id))

    monkeypatch.setattr(runner, "job_progress", progress)
    backend = registry.get("generation", "local", model=str(local_model), device="cpu", local_files_only=True)
    calls = []
    unet_forward = type(backend.pipeline().unet).forward
    monkeypatch.setattr(type(backend.pipeline().unet), "forward",
                        lambda self, *a, **k: (calls.append(1), unet_forward(self, *a, **k))[1])
    import generation.handlers as handlers
    monkeypatch.setattr(handlers.time, "monotonic", _fast_clock())
    assert runner.job_run(job_id=job.id) == "failed"
    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED and job.error_code == "cancelled"
    assert 1 <= len(calls) < 6  # stopped between steps, well before the sixth
    assert not GalleryItem.objects.filter(owner=user).exists()


def _fast_clock():
    """A clock that jumps 1 s per reading, so the handler's rate limits never hold back a check."""
    t = [0.0]

    def now():
        t[0] += 1.0
        return t[0]

    return now


def test_size_must_be_a_multiple_of_8_and_bounded(user, local_model):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as info:
        generation_job_create(user=user, params={"model": "local", "prompt": "x", "size": "72*68"})
    assert "multiples of 8" in info.value.message_dict["size"][0]
    with pytest.raises(ValidationError) as info:
        generation_job_create(user=user, params={"model": "local", "prompt": "x", "size": "256*256"})
    assert "between 64 and 128" in info.value.message_dict["size"][0]
    with pytest.raises(ValidationError) as info:
        generation_job_create(user=user, params={"model": "local", "prompt": "x", "size": "64*64", "steps": 0})
    assert "steps" in info.value.message_dict
    assert not Job.objects.exists()


def test_missing_local_folder_fails_the_job_with_a_clear_message(user, settings, run_jobs, tmp_path):
    settings.GENERATION_LOCAL_MODEL = str(tmp_path / "nowhere")
    with run_jobs():
        job = generation_job_create(user=user, params={"model": "local", "prompt": "x", "size": "64*64"})
    job.refresh_from_db()
    assert (job.status, job.error_code) == (Job.Status.FAILED, "model_unavailable")
    message = job.error_message
    assert "The local model cannot be loaded" in message and "downloads are turned off" in message
    assert str(tmp_path) not in message  # users get the folder's name, not the server path


def test_local_jobs_go_to_their_own_cluster_when_configured(user, settings, monkeypatch, django_capture_on_commit_callbacks):
    import django_q.tasks

    settings.GENERATION_LOCAL_MODEL = "/nowhere"  # offered; never run here
    settings.JOB_CLUSTERS = {"generation.local": "gpu"}
    calls = []
    monkeypatch.setattr(django_q.tasks, "async_task", lambda *a, **k: calls.append(k) or "task-1")
    with django_capture_on_commit_callbacks(execute=True):
        generation_job_create(user=user, params={"model": "local", "prompt": "x", "size": "64*64"})
    assert calls[0]["cluster"] == "gpu"


def test_auto_device_and_dtype_match(tiny_pipeline_dir):
    import torch

    from ml.generation.diffusers_backend import DiffusersBackend, pick_device, pick_dtype

    assert pick_device("auto") == ("cuda" if torch.cuda.is_available() else "cpu")
    assert pick_dtype("cpu") == torch.float32 and pick_dtype("cuda:0") == torch.float16
    backend = registry.get("generation", "local", model=str(tiny_pipeline_dir), device="auto", local_files_only=True)
    assert isinstance(backend, DiffusersBackend)
    pipe = backend.pipeline()
    assert pipe.unet.dtype == pick_dtype(backend.device) and str(pipe.unet.device).startswith(backend.device)
    assert backend.pipeline() is pipe  # one pipeline per worker process
