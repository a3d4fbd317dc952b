"""A running batch job's page shows the bar, its percentage and the translated step name (issue 18,
item 10). The real OCR handler runs in a worker thread; a test-only hook holds it in its second
image's "read" step until the page has been looked at."""

import re
import threading

import pytest
from django.urls import reverse

from gallery.models import Job
from tests.e2e.helpers import login, shot
from tests.ocr_images import ENGLISH_PARAGRAPH, render_lines

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_running_ocr_batch_shows_bar_percentage_and_step(page, live_server, make_user, make_item, monkeypatch):
    from gallery import runner, services
    from ocr.services import ocr_job_create

    user = make_user("lin", "bronze-bird-2026")
    held: list = []
    monkeypatch.setattr(services, "job_enqueue", lambda *, job_id: held.append(job_id))
    items = [make_item(user, name=f"page{i}.png", image=render_lines(ENGLISH_PARAGRAPH)) for i in range(2)]
    job = ocr_job_create(user=user, params={"languages": ["en"]}, sources=items)

    reached, release = threading.Event(), threading.Event()
    real = runner.job_progress

    def slowed(*, job_id, progress, step=None, item=0, items=0):  # the test-only hook
        real(job_id=job_id, progress=progress, step=step, item=item, items=items)
        if step == "read" and item == 2:
            reached.set()
            release.wait(30)

    monkeypatch.setattr(runner, "job_progress", slowed)
    worker = threading.Thread(target=runner.job_run, kwargs={"job_id": job.id}, daemon=True)
    worker.start()
    try:
        assert reached.wait(60)
        login(page, "lin", "bronze-bird-2026")
        for url in (reverse("ocr:result", args=[job.id]), reverse("gallery:job-detail", args=[job.id])):
            page.goto(url)
            step = page.wait_for_selector("[data-testid=progress-step]")
            assert step.inner_text() == "Reading the text · image 2 of 2…"
            percent = page.inner_text("[data-testid=progress-percent]")
            assert re.fullmatch(r"\d{1,2}%", percent) and int(percent[:-1]) >= 50
            assert page.locator("progress.progress").count() == 1
            shot(page, "progress-" + url.strip("/").split("/")[0])
    finally:
        release.set()
        worker.join(60)
    assert Job.objects.get(id=job.id).status == Job.Status.SUCCEEDED
    page.goto(reverse("ocr:result", args=[job.id]))
    page.wait_for_selector("[data-testid=ocr-result][data-status=succeeded]")
