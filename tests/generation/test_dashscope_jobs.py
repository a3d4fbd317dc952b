"""DashScope through the whole job path: the real SDK over real HTTP to the fake service, jobs run
inline (django-q2 sync mode). Success with n=2, every failure class, 429 retried, per-model
validation refused before sending."""

import hashlib

import pytest
from django.core.exceptions import ValidationError

from gallery.models import GalleryItem, Job
from generation.services import generation_job_create
from tests.generation.cancelling import run_cancelled_after_first_poll

pytestmark = pytest.mark.django_db

WAN = {"model": "wanx2.1-t2i-turbo", "prompt": "一只青铜神鸟，展翅", "size": "512*512"}


def submits(fake):
    return [r for r in fake.requests if r["method"] == "POST" and r["path"].endswith("image-synthesis")]


def test_success_n2_stores_both_images_with_their_parameters(user, fake_dashscope, run_jobs):
    with run_jobs():
        job = generation_job_create(user=user, params={**WAN, "n": 2, "seed": 1234, "negative_prompt": "模糊",
                                                       "prompt_extend": True, "watermark": False})
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error_message
    assert job.kind == "generation.dashscope" and job.engine == "dashscope" and job.model_name == "wanx2.1-t2i-turbo"
    (sent,) = submits(fake_dashscope)
    assert sent["headers"]["Authorization"] == "Bearer sk-server-key-0001"
    assert sent["headers"]["X-DashScope-Async"] == "enable"
    assert sent["body"] == {"model": "wanx2.1-t2i-turbo", "input": {"prompt": "一只青铜神鸟，展翅", "negative_prompt": "模糊"},
                            "parameters": {"size": "512*512", "n": 2, "seed": 1234, "prompt_extend": True,
                                           "watermark": False}}
    items = list(GalleryItem.objects.filter(job=job).order_by("metadata__index"))
    assert [(i.width, i.height, i.kind, i.format) for i in items] == [(512, 512, "generated", "PNG")] * 2
    assert [i.metadata["seed"] for i in items] == [1234, 1235]
    assert items[0].metadata["actual_prompt"] == "一只青铜神鸟，展翅，细节丰富，光影柔和"
    assert items[0].metadata["image_count"] == 2 and items[0].metadata["task_id"] == job.result["task_id"]
    # the seed is recorded once, as chosen (fixed here); "generate again" repeats this very picture
    assert items[1].metadata["seed_mode"] == "fixed" and "params" not in items[1].metadata
    from generation.selectors import generation_item_params

    assert generation_item_params(owner=user, item_id=items[1].id) == {
        "model": "wanx2.1-t2i-turbo", "prompt": "一只青铜神鸟，展翅", "negative_prompt": "模糊", "size": "512*512",
        "n": 1, "seed": 1235, "seed_mode": "fixed", "prompt_extend": True, "watermark": False,
    }
    assert job.result["image_count"] == 2 and job.result["actual_prompt"].endswith("光影柔和")
    # the two images differ (seed 1234 vs 1235) and are, byte for byte, the files the service sent
    from testkit.fake_dashscope import render_image

    assert items[0].sha256 != items[1].sha256
    for item in items:
        sent = render_image(512, 512, "一只青铜神鸟，展翅", 1234 + item.metadata["index"], item.metadata["index"])
        assert item.sha256 == hashlib.sha256(sent).hexdigest()
        with item.file.open("rb") as fh:
            assert fh.read() == sent
    assert job.progress == 100


def test_random_seed_is_chosen_and_recorded(user, fake_dashscope, run_jobs):
    with run_jobs():
        job = generation_job_create(user=user, params={**WAN, "seed_mode": "random"})
    job.refresh_from_db()
    seed = job.params["seed"]
    assert 0 <= seed <= 2147483647 and submits(fake_dashscope)[0]["body"]["parameters"]["seed"] == seed
    assert submits(fake_dashscope)[0]["body"]["parameters"]["n"] == 1  # always sent: the service defaults to 4


FAILURES = [
    ("401", "invalid_key", "refused the API key"),
    ("500", "server_error", "server error"),
    ("inspection", "content_blocked", "content inspection"),
    ("failed", "task_failed", "The DashScope task failed: InternalError.Algo"),
    ("unknown", "task_unknown", "UNKNOWN"),
    ("poll500", "server_error", "server error"),
    ("badimage", "download_failed", "could not be downloaded"),
]


@pytest.mark.parametrize(("kind", "code", "message"), FAILURES, ids=[f[0] for f in FAILURES])
def test_each_failure_class_fails_the_job_with_its_message(user, fake_dashscope, run_jobs, kind, code, message):
    fake_dashscope.inject(kind)
    with run_jobs():
        job = generation_job_create(user=user, params=WAN)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.error_code == code
    assert message in job.error_message
    assert not GalleryItem.objects.filter(owner=user).exists()


def test_throttled_is_retried_with_backoff_then_succeeds(user, fake_dashscope, run_jobs):
    fake_dashscope.inject("429", times=2)
    with run_jobs():
        job = generation_job_create(user=user, params=WAN)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert len(submits(fake_dashscope)) == 3
    assert GalleryItem.objects.filter(job=job).count() == 1


def test_throttled_beyond_the_retries_fails(user, fake_dashscope, run_jobs, settings):
    settings.DASHSCOPE_SUBMIT_RETRIES = 2
    fake_dashscope.inject("429", times=5)
    with run_jobs():
        job = generation_job_create(user=user, params=WAN)
    job.refresh_from_db()
    assert (job.status, job.error_code) == (Job.Status.FAILED, "throttled")
    assert "try again in a minute" in job.error_message
    assert len(submits(fake_dashscope)) == 3  # the first try and two retries, then it gives up


def test_submissions_are_spaced_to_two_per_second(fake_dashscope):
    from ml.generation.dashscope_backend import DashScopeBackend
    from ml.generation.types import GenerationRequest

    backend = DashScopeBackend(base_url=fake_dashscope.base_url, poll_interval=0.01, backoff=0.0,
                               min_submit_interval=0.5)
    fake_dashscope.inject("429", times=2)
    backend.generate(GenerationRequest(model="wanx2.1-t2i-turbo", prompt="x", width=512, height=512),
                     api_key="sk-a")
    times = fake_dashscope.submissions
    assert len(times) == 3
    assert min(b - a for a, b in zip(times, times[1:])) >= 0.45  # even with no backoff asked for


def test_network_down_fails_the_job(user, fake_dashscope, run_jobs, settings):
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings.DASHSCOPE_BASE_URL = f"http://127.0.0.1:{port}/api/v1"
    with run_jobs():
        job = generation_job_create(user=user, params=WAN)
    job.refresh_from_db()
    assert (job.status, job.error_code) == (Job.Status.FAILED, "network")
    assert "Could not reach DashScope" in job.error_message


def test_timeout_cancels_the_remote_task_and_fails(user, fake_dashscope, run_jobs, settings):
    settings.DASHSCOPE_TIMEOUT = 0.3
    fake_dashscope.inject("slow")
    with run_jobs():
        job = generation_job_create(user=user, params=WAN)
    job.refresh_from_db()
    assert (job.status, job.error_code) == (Job.Status.FAILED, "timeout")
    assert [t["status"] for t in fake_dashscope.tasks.values()] == ["CANCELED"]
    assert any(r["path"].endswith("/cancel") for r in fake_dashscope.requests)


def test_cancel_while_running_cancels_the_remote_task(user, fake_dashscope, monkeypatch):
    """The user cancels while the task is pending at DashScope: the next poll sees it, cancels the
    remote task, and the job stays cancelled with no outputs."""
    fake_dashscope.inject("slow")
    job = generation_job_create(user=user, params=WAN)  # not run: on_commit never fires in this test
    job = run_cancelled_after_first_poll(job, monkeypatch)
    assert job.status == Job.Status.CANCELLED and job.error_message == "Cancelled by you."
    assert [t["status"] for t in fake_dashscope.tasks.values()] == ["CANCELED"]
    assert not GalleryItem.objects.filter(owner=user).exists()


BAD = [
    ({"model": "qwen-image", "prompt": "x", "size": "1024*1024"}, "size", "1328*1328"),
    ({"model": "qwen-image", "prompt": "x", "size": "1328*1328", "n": 2}, "n", "one image per request"),
    ({"model": "wanx2.1-t2i-turbo", "prompt": "x", "size": "1500*1024"}, "size", "between 512 and 1440"),
    ({"model": "wanx2.1-t2i-turbo", "prompt": "x", "size": "512*512", "n": 5}, "n", "between 1 and 4"),
    ({"model": "wanx2.1-t2i-turbo", "prompt": "长" * 801, "size": "512*512"}, "prompt", "at most 800"),
    ({"model": "wanx2.1-t2i-turbo", "prompt": "x", "negative_prompt": "n" * 501, "size": "512*512"},
     "negative_prompt", "at most 500"),
    ({"model": "wanx2.1-t2i-turbo", "prompt": "x", "seed": 2147483648}, "seed", "0 to 2147483647"),
    ({"model": "wanx2.1-t2i-turbo", "prompt": "  "}, "prompt", "cannot be empty"),
    ({"model": "dall-e", "prompt": "x"}, "model", "Unknown model"),
]


@pytest.mark.parametrize(("params", "field", "message"), BAD, ids=[b[1] + str(i) for i, b in enumerate(BAD)])
def test_per_model_rules_refuse_before_anything_is_sent(user, fake_dashscope, run_jobs, params, field, message):
    with run_jobs(), pytest.raises(ValidationError) as info:
        generation_job_create(user=user, params=params)
    assert field in info.value.message_dict
    assert message in " ".join(info.value.message_dict[field])
    assert not Job.objects.exists() and fake_dashscope.requests == []


def test_qwen_square_size_is_accepted(user, fake_dashscope, run_jobs):
    with run_jobs():
        job = generation_job_create(user=user, params={"model": "qwen-image", "prompt": "水墨山水"})
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert submits(fake_dashscope)[0]["body"]["parameters"]["size"] == "1328*1328"
    assert GalleryItem.objects.get(job=job).width == 1328


def test_offered_models_follow_the_setting(user, fake_dashscope, settings):
    settings.DASHSCOPE_MODELS = ["wanx2.1-t2i-turbo", "wan2.5-t2i-preview"]
    from generation import backends

    assert [s.name for s in backends.models()] == ["wanx2.1-t2i-turbo", "wan2.5-t2i-preview"]
    with pytest.raises(ValidationError):
        generation_job_create(user=user, params={"model": "qwen-image", "prompt": "x"})


def test_connection_dropped_mid_request_fails_as_network(user, fake_dashscope, run_jobs):
    fake_dashscope.inject("drop", times=3)  # the HTTP client retries a dropped connection once by itself
    with run_jobs():
        job = generation_job_create(user=user, params=WAN)
    job.refresh_from_db()
    assert (job.status, job.error_code) == (Job.Status.FAILED, "network")
    assert not GalleryItem.objects.filter(owner=user).exists()


def test_submit_gate_shares_one_slot_per_interval_through_the_cache(settings):
    """Two processes (here: two calls sharing the cache) never submit in the same 0.5 s slot."""
    from generation.ratelimit import dashscope_submit_gate

    settings.DASHSCOPE_MIN_SUBMIT_INTERVAL = 0.5
    now = [1000.1]
    waits = []

    def sleep(seconds):
        waits.append(round(seconds, 3))
        now[0] += seconds

    dashscope_submit_gate(clock=lambda: now[0], sleep=sleep)  # slot 2000: free
    dashscope_submit_gate(clock=lambda: now[0], sleep=sleep)  # slot 2000 taken: waits for 2001
    assert waits == [0.4] and now[0] == pytest.approx(1000.5)
