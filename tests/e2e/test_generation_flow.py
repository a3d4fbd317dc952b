"""Text to image in real Chromium against the fake DashScope service (real SDK, real HTTP): pick a
template, preview the prompt, generate two images, see them on the result page and in the gallery,
then "generate again" fills the form with the same seed."""

import re

import pytest

from gallery.models import GalleryItem, Job
from tests.generation.conftest import _fake_server, fake_dashscope  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_generate_with_the_fake_service_and_see_it_in_the_gallery(page, live_server, make_user, fake_dashscope, tmp_path):
    make_user("mei", "bronze-bird-2026")
    page.goto("/accounts/login/")
    page.fill("input[name=login]", "mei")
    page.fill("input[name=password]", "bronze-bird-2026")
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url(re.compile(r"^https?://[^/]+/$"))

    page.click("a.nav-link[href='/generate/']")
    page.wait_for_url(re.compile(r"/generate/$"))
    # sizes follow the model: Qwen-Image offers its five sizes, Wanx its presets
    page.select_option("[data-testid=model]", "qwen-image")
    assert page.locator("[data-testid=size] option").all_inner_texts() == [
        "1664*928", "1472*1140", "1328*1328", "1140*1472", "928*1664"]
    assert page.get_attribute("[data-testid=n]", "max") == "1"
    # a template expands a short instruction into an editable prompt, in place, and suggests an
    # orientation (a postcard is landscape)
    page.select_option("[data-testid=template]", "postcard")
    page.fill("[data-testid=subject]", "敦煌飞天")
    page.click("[data-testid=preview]")
    page.wait_for_function("() => document.querySelector('[data-testid=prompt]').value.includes('明信片')")
    assert page.input_value("[data-testid=size]") == "1664*928"
    page.select_option("[data-testid=model]", "wanx2.1-t2i-turbo")
    page.select_option("[data-testid=template]", "bronze")
    page.fill("[data-testid=subject]", "展翅的神鸟")
    page.click("[data-testid=preview]")
    page.wait_for_function("() => document.querySelector('[data-testid=prompt]').value.includes('青铜器纹样')")
    page.select_option("[data-testid=size]", "512*512")
    assert fake_dashscope.requests == []
    page.fill("[data-testid=prompt]", page.input_value("[data-testid=prompt]") + "，金色背景")
    page.fill("[data-testid=n]", "2")
    page.screenshot(path=str(tmp_path / "form.png"), full_page=True)
    page.click("[data-testid=generate-submit]")

    page.wait_for_url(re.compile(r"/generate/jobs/"))
    page.wait_for_selector("[data-testid=gen-result][data-status=succeeded]")
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=gen-image] img')].every(i => i.naturalWidth === 512)"
    )
    assert page.locator("[data-testid=gen-image]").count() == 2
    job = Job.objects.get()
    assert job.params["prompt"].endswith("金色背景") and job.params["template"] == "bronze"
    page.screenshot(path=str(tmp_path / "result.png"), full_page=True)

    # the gallery has both, with their parameters
    page.goto("/gallery/")
    items = GalleryItem.objects.filter(job=job)
    assert items.count() == 2
    first = items.order_by("metadata__index").first()
    page.wait_for_selector(f"a[href='/gallery/{first.id}/']")
    page.click(f"a[href='/gallery/{first.id}/']")
    page.wait_for_selector("[data-testid=generate-again]")
    page.click("[data-testid=generate-again]")
    page.wait_for_url(re.compile(r"/generate/\?again="))
    assert page.input_value("[data-testid=seed]") == str(first.metadata["seed"])
    assert page.is_checked("[data-testid=seed-fixed]")
    assert page.input_value("[data-testid=prompt]").endswith("金色背景")


def test_waiting_job_shows_progress_and_can_be_cancelled(page, live_server, make_user, fake_dashscope, monkeypatch):
    from gallery import services

    make_user("mei", "bronze-bird-2026")
    held: list = []
    monkeypatch.setattr(services, "job_enqueue", lambda *, job_id: held.append(job_id))
    page.goto("/accounts/login/")
    page.fill("input[name=login]", "mei")
    page.fill("input[name=password]", "bronze-bird-2026")
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url(re.compile(r"^https?://[^/]+/$"))
    page.goto("/generate/")
    page.fill("[data-testid=prompt]", "a paper-cut panda")
    page.click("[data-testid=generate-submit]")
    page.wait_for_url(re.compile(r"/generate/jobs/"))
    page.wait_for_selector("[data-testid=gen-progress]")
    assert page.get_attribute("[data-testid=gen-result]", "data-status") == "queued"
    page.click("[data-testid=gen-cancel]")
    page.wait_for_selector("[data-testid=gen-result][data-status=cancelled]")
    assert "Cancelled by you." in page.inner_text("[data-testid=gen-error]")
    assert Job.objects.get(id=held[0]).status == Job.Status.CANCELLED
    assert fake_dashscope.requests == []
