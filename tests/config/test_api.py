"""API plumbing: the error format, the OpenAPI schema and docs."""

import pytest
from django.core.exceptions import ValidationError
from rest_framework import exceptions

from core.api import exception_handler
from core.exceptions import ApplicationError

pytestmark = pytest.mark.django_db


def test_exception_handler_application_error_with_extra():
    response = exception_handler(ApplicationError("Slow down.", code="busy", status=429, extra={"n": 3}), {})
    assert response.status_code == 429
    assert response.data == {"error": {"code": "busy", "message": "Slow down.", "extra": {"n": 3}}}


def test_exception_handler_django_validation_error_with_fields():
    exc = ValidationError({"width": ValidationError("Too wide.", code="too_wide"), "height": ["Too tall."]})
    response = exception_handler(exc, {})
    assert response.status_code == 400
    assert response.data == {"error": {
        "code": "too_wide", "message": "Too wide.", "fields": {"width": ["Too wide."], "height": ["Too tall."]},
    }}


def test_exception_handler_django_validation_error_list():
    response = exception_handler(ValidationError([ValidationError("One.", code="x"), "Two."]), {})
    assert response.data == {"error": {"code": "x", "message": "One. Two."}}


def test_exception_handler_drf_validation_error_nested():
    response = exception_handler(exceptions.ValidationError({"a": ["Bad a."], "b": {"c": ["Bad c."]}}), {})
    assert response.data == {"error": {
        "code": "invalid", "message": "Bad a.", "fields": {"a": ["Bad a."], "b": ["Bad c."]},
    }}


def test_exception_handler_leaves_unexpected_errors_to_django():
    assert exception_handler(RuntimeError("boom"), {}) is None


def test_openapi_schema_renders(user_api):
    response = user_api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Image Studio API"
    paths = schema["paths"]
    for path in ("/api/v1/gallery/items/", "/api/v1/gallery/items/{item_id}/download/", "/api/v1/jobs/{job_id}/",
                 "/api/v1/jobs/{job_id}/cancel/", "/api/v1/editing/crop/", "/api/v1/editing/resize/"):
        assert path in paths, path
    # token auth is described, and crop and resize inputs are separate components
    assert schema["components"]["securitySchemes"]["apiToken"] == {
        "type": "http", "scheme": "bearer", "description": "An API token from Settings: `Authorization: Bearer ist_...`.",
    }
    components = schema["components"]["schemas"]
    assert "rotate" in components["CropJobInputRequest"]["properties"]
    assert "percent" in components["ResizeJobInputRequest"]["properties"]


def test_openapi_schema_generates_without_warnings(tmp_path):
    from django.core.management import call_command

    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--fail-on-warn", "--file", str(out))
    assert "Image Studio API" in out.read_text()


def test_api_docs_page_renders_without_inline_script(user_api):
    import re

    response = user_api.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger" in html.lower()
    assert not re.search(r"<script>", html)  # the CSP allows no inline script
    [script] = [s for s in re.findall(r'<script src="([^"]+)"', html) if "script" in s.split("?")[-1]]
    start = user_api.get(script.replace("&amp;", "&"))
    assert start.status_code == 200 and "/api/v1/schema/" in start.content.decode()
