"""Every API error answers the API's JSON shape, the ones Django raises before a view runs included
(an unknown address, a malformed id, a bad request, a crash), in the language the client asks for."""

import json

import pytest
from django.test import Client

from accounts.services import api_token_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(user):
    return api_token_create(user=user, name="cli")[1]


def _error(response, status):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = json.loads(response.content)
    assert set(body) == {"error"} and body["error"]["code"] and body["error"]["message"], body
    return body["error"]


@pytest.mark.parametrize("path", ["/api/v1/nothing-here/", "/api/v1/jobs/not-a-uuid/", "/api/v2/gallery/items/",
                                  "/api/v1/gallery/items/00000000-0000-0000-0000-000000000000/file/extra/"])
def test_unknown_api_address_answers_json_404(path, token):
    response = Client().get(path, HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT_LANGUAGE="en")
    error = _error(response, 404)
    assert error["code"] == "not_found" and "/api/v1/docs/" in error["message"]


def test_unknown_api_address_answers_json_404_signed_out():
    _error(Client().post("/api/v1/nothing-here/", HTTP_ACCEPT_LANGUAGE="en"), 404)


def test_unknown_page_still_answers_the_html_page():
    response = Client().get("/nothing-here/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")
    assert b"Page not found" in response.content


def test_wrong_method_answers_json_405(token):
    response = Client().delete("/api/v1/ocr/", HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT_LANGUAGE="en")
    error = _error(response, 405)
    assert error["code"] == "method_not_allowed" and "DELETE" in error["message"]


def test_api_follows_accept_language(token):
    english = _error(Client().get("/api/v1/nothing-here/", HTTP_AUTHORIZATION=f"Bearer {token}",
                                  HTTP_ACCEPT_LANGUAGE="en"), 404)["message"]
    chinese = _error(Client().get("/api/v1/nothing-here/", HTTP_AUTHORIZATION=f"Bearer {token}",
                                  HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9"), 404)["message"]
    assert english.startswith("Not found") and chinese != english and "未找到" in chinese


def test_api_without_accept_language_answers_in_simplified_chinese(token):
    """Documented in docs/api.md: no Accept-Language (and no language cookie) means the studio's default,
    Simplified Chinese, for the API as for the pages."""
    unknown = _error(Client().get("/api/v1/nothing-here/", HTTP_AUTHORIZATION=f"Bearer {token}"), 404)
    assert "未找到" in unknown["message"]
    response = Client().get("/api/v1/jobs/", HTTP_AUTHORIZATION="Bearer ist_wrong")
    assert "令牌" in _error(response, 401)["message"]


def test_oversized_api_body_answers_json_400(token, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = Client().post("/api/v1/editing/crop/", data=json.dumps({"sources": ["x" * 2000]}),
                             content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}",
                             HTTP_ACCEPT_LANGUAGE="en")
    assert _error(response, 400)["code"] in {"bad_request", "parse_error"}


def test_api_crash_answers_json_500_without_a_traceback(token, monkeypatch):
    from gallery import apis

    def crash(*args, **kwargs):
        raise RuntimeError("secret internal detail /srv/studio/db.sqlite3")

    monkeypatch.setattr(apis.JobListApi, "get", crash)
    response = Client(raise_request_exception=False).get("/api/v1/jobs/", HTTP_AUTHORIZATION=f"Bearer {token}",
                                                         HTTP_ACCEPT_LANGUAGE="en")
    error = _error(response, 500)
    assert error["code"] == "internal_error" and "secret" not in response.content.decode()
