"""Read text in real Chromium: upload, watch the job's progress, see the boxed copy and the text,
copy it, download the .txt. The job is held back when it is queued and run by the test while the
page polls, so the progress and the swap to the result are what a user sees with a real worker."""

import re

import pytest

from gallery.models import GalleryItem, Job
from tests.ocr_images import ENGLISH_PARAGRAPH, render_lines

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_upload_watch_progress_see_boxes_copy_and_download(page, live_server, make_user, tmp_path, monkeypatch):
    from gallery import runner, services

    make_user("lin", "bronze-bird-2026")
    held: list = []
    monkeypatch.setattr(services, "job_enqueue", lambda *, job_id: held.append(job_id))
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    path = tmp_path / "museum.png"
    render_lines(ENGLISH_PARAGRAPH).save(path)

    page.goto("/accounts/login/")
    page.fill("input[name=login]", "lin")
    page.fill("input[name=password]", "bronze-bird-2026")
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url(re.compile(r"^https?://[^/]+/$"))

    # the feature is in the sidebar; upload on its page
    page.click("a.nav-link[href='/ocr/']")
    page.wait_for_url(re.compile(r"/ocr/$"))
    page.set_input_files("[data-testid=upload-input]", str(path))
    page.click("[data-testid=upload-submit]")
    page.wait_for_url(re.compile(r"/ocr/\?source="))
    assert page.is_checked("[data-testid=lang-en]") and page.is_checked("[data-testid=lang-ch_sim]")
    assert page.is_disabled("[data-testid=lang-ja]")  # no weights: greyed, with the command to add them
    assert "fetch_models easyocr-japanese" in page.inner_text("[data-testid=languages]")
    page.check("input[name=paragraphs]")
    page.click("[data-testid=ocr-submit]")

    # the job waits: the page shows its progress and polls
    page.wait_for_url(re.compile(r"/ocr/jobs/"))
    page.wait_for_selector("[data-testid=ocr-progress]")
    assert page.get_attribute("[data-testid=ocr-result]", "data-status") == "queued"
    (job_id,) = held
    runner.job_run(job_id=job_id)

    # the poll swaps in the result: original and boxed copy side by side, the text, the lines
    page.wait_for_selector("[data-testid=ocr-result][data-status=succeeded]")
    # both images load independently after the swap: wait for each, not just one
    page.wait_for_function(
        "() => ['ocr-original', 'ocr-boxed'].every(t => document.querySelector(`[data-testid=${t}]`).naturalWidth > 0)"
    )
    assert page.evaluate("document.querySelector('[data-testid=ocr-original]').naturalWidth") == 900
    expected = " ".join(ENGLISH_PARAGRAPH)
    assert page.inner_text("[data-testid=ocr-text]") == expected
    assert page.locator("[data-testid=ocr-lines] tbody tr").count() == 3
    job = Job.objects.get(id=job_id)
    assert job.outputs.get().kind == GalleryItem.Kind.OCR

    page.click("[data-testid=copy-text]")
    page.wait_for_selector("[data-testid=copy-text][data-copied=true]")
    assert page.evaluate("navigator.clipboard.readText()") == expected

    with page.expect_download() as download_info:
        page.click("[data-testid=download-txt]")
    download = download_info.value
    assert download.suggested_filename == "museum-text.txt"
    with open(download.path(), encoding="utf-8") as fh:
        assert fh.read() == expected + "\n"
