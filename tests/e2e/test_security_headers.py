"""The pages work under the Content-Security-Policy in real Chromium (the `page` fixture fails a
test on any refusal): the studio's own pages with htmx, the admin and the API docs."""

import re

import pytest

from tests.e2e.helpers import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"


def test_pages_run_their_scripts_under_the_policy(page, django_user_model):
    django_user_model.objects.create_user("csp", password=PASSWORD)
    response = page.goto("/accounts/login/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    login(page, "csp", PASSWORD)
    for path in ("/gallery/", "/edit/crop/", "/edit/resize/", "/edit/text/", "/ocr/", "/cutout/", "/generate/",
                 "/settings/"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
    # app.js ran (it wires the sidebar toggle) and htmx loaded
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/gallery/")
    page.click(".nav-toggle")
    assert page.locator(".nav-toggle").get_attribute("aria-expanded") == "true"
    assert page.evaluate("typeof window.htmx") == "object"


def test_admin_and_api_docs_work_under_the_policy(page, django_user_model):
    django_user_model.objects.create_superuser("boss", "boss@example.com", PASSWORD)
    page.goto("/admin/login/?next=/admin/")
    page.fill("input[name=username]", "boss")
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))
    page.goto("/admin/gallery/galleryitem/")
    page.goto("/admin/accounts/user/")
    page.goto("/api/v1/docs/")
    page.wait_for_selector(".swagger-ui .opblock", timeout=20000)  # Swagger UI rendered the schema
