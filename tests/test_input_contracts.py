"""One input contract per action (core.contracts): the service validates with it, the API's
InputSerializer is built from it, and the OpenAPI schema shows its bounds. So a value out of range
is refused by the page and by the API with the same translated message, and the schema's minimum,
maximum and enum are the ones enforced."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.module_loading import import_string
from django.utils.translation import gettext
from rest_framework import serializers

pytestmark = pytest.mark.django_db

ACTIONS = [  # (schema component, API view, the service's contract)
    ("CropJobInputRequest", "editing.apis.CropJobCreateApi", "editing.params.CropParams"),
    ("ResizeJobInputRequest", "editing.apis.ResizeJobCreateApi", "editing.params.ResizeParams"),
    ("OcrJobInputRequest", "ocr.apis.OcrJobCreateApi", "ocr.params.OcrParams"),
    ("CutoutJobInputRequest", "matting.apis.CutoutJobCreateApi", "matting.params.CutoutParams"),
    ("BackgroundJobInputRequest", "matting.apis.BackgroundJobCreateApi", "matting.params.BackgroundParams"),
    ("GenerationJobInputRequest", "generation.apis.GenerationJobCreateApi", "generation.params.GenerationParams"),
    ("TextLinesJobInputRequest", "imagetext.apis.TextLinesJobCreateApi", "imagetext.params.TextLinesParams"),
    ("TextAddJobInputRequest", "imagetext.apis.TextAddJobCreateApi", "imagetext.params.TextAddParams"),
    ("TextModifyJobInputRequest", "imagetext.apis.TextModifyJobCreateApi", "imagetext.params.TextModifyParams"),
    ("TextRemoveJobInputRequest", "imagetext.apis.TextRemoveJobCreateApi", "imagetext.params.TextRemoveParams"),
    ("TextGenerationJobInputRequest", "imagetext.apis.TextGenerationJobCreateApi",
     "imagetext.params.TextGenerationParams"),
]


@pytest.mark.parametrize(("component", "api", "contract"), ACTIONS, ids=[a[0] for a in ACTIONS])
def test_the_api_input_is_the_service_contract(component, api, contract):
    api, contract = import_string(api), import_string(contract)
    assert issubclass(api.InputSerializer, contract)
    api_fields, contract_fields = api.InputSerializer().fields, contract().fields
    for name, field in contract_fields.items():  # nothing redeclared with other bounds
        assert type(api_fields[name]) is type(field), name
        for attr in ("min_value", "max_value", "choices", "default"):
            assert getattr(api_fields[name], attr, None) == getattr(field, attr, None), (name, attr)


def _enum(prop: dict, components: dict) -> set | None:
    refs = [prop] + prop.get("allOf", []) + prop.get("oneOf", [])
    values = set()
    for ref in refs:
        if "$ref" in ref:
            values |= set(components[ref["$ref"].rsplit("/", 1)[1]]["enum"])
        values |= set(ref.get("enum", []))
    values.discard("")  # BlankEnum: "" is allowed and means the default
    return values or None


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from drf_spectacular.generators import SchemaGenerator

    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


@pytest.mark.parametrize(("component", "api", "contract"), ACTIONS, ids=[a[0] for a in ACTIONS])
def test_the_schema_shows_the_contract_bounds(schema, component, api, contract):
    contract = import_string(contract)
    components = schema["components"]["schemas"]
    props = components[component]["properties"]
    for name, field in contract().fields.items():
        prop = props[name]
        for attr, key in (("min_value", "minimum"), ("max_value", "maximum")):
            assert prop.get(key) == getattr(field, attr, None), (name, key)
        expected = set(field.choices) if isinstance(field, serializers.ChoiceField) else None
        assert _enum(prop, components) == expected, name


def _speak(client, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    return client


# (page, API path, a bad value, the field, its message id and parameters)
BAD_VALUES = [
    ("editing:crop", "/api/v1/editing/crop/", {"quality": "0"}, "quality", "Quality must be between 1 and 100.", {}),
    ("editing:crop", "/api/v1/editing/crop/", {"rotate": "45"}, "rotate", "Rotate by 0, 90, 180 or 270 degrees.", {}),
    ("editing:resize", "/api/v1/editing/resize/", {"width": "0"}, "width",
     "Must be between 1 and %(max)d pixels.", {"max": 20000}),
    ("ocr:read", "/api/v1/ocr/", {"min_score": "2"}, "min_score",
     "The confidence threshold must be between 0 and 1.", {}),
    ("matting:cutout", "/api/v1/matting/cutout/", {"format": "GIF"}, "format",
     "Choose PNG or WebP for the cutout (both keep transparency).", {}),
    ("generation:generate", "/api/v1/generation/", {"prompt": "a red fox", "n": "two"}, "n",
     "Enter a whole number.", {}),
    # Text in images: one page, its mode (or action) posted; the API has one path per mode
    ("imagetext:text", "/api/v1/editing/text/lines/", {"action": "find_lines", "min_score": "2"}, "min_score",
     "The confidence threshold must be between 0 and 1.", {}),
    ("imagetext:text", "/api/v1/editing/text/add/", {"mode": "add", "format": "GIF"}, "format",
     "Choose PNG, JPEG or WebP.", {}),
    ("imagetext:text", "/api/v1/editing/text/add/", {"mode": "add", "boxes": "not json"}, "boxes",
     "This must be a JSON list.", {}),
    ("imagetext:text", "/api/v1/editing/text/modify/", {"mode": "modify", "method": "magic"}, "method",
     "Unknown fill method.", {}),
    ("imagetext:text", "/api/v1/editing/text/remove/", {"mode": "remove", "target": "everything"}, "target",
     "Choose what to remove: all, lines or region.", {}),
    ("imagetext:text", "/api/v1/generation/text/", {"mode": "generate", "prompt": "a red fox", "boxes": "[1"},
     "boxes", "This must be a JSON list.", {}),
]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize(("page", "api", "payload", "field", "msgid", "params"), BAD_VALUES,
                         ids=[f"{b[1]}-{b[3]}" for b in BAD_VALUES])
def test_a_bad_value_gets_the_same_message_from_the_page_and_the_api(
        user, client, api_client, make_item, language, page, api, payload, field, msgid, params):
    # given
    item = make_item(user)
    with translation.override(language):
        expected = gettext(msgid) % params if params else gettext(msgid)
    if language != "en":
        assert expected != msgid % params if params else expected != msgid  # really translated
    client.force_login(user)
    api_client.force_login(user)
    url = reverse(page) if page.startswith("generation") else f"{reverse(page)}?source={item.id}"
    # when
    page_response = _speak(client, language).post(url, payload)
    api_response = _speak(api_client, language).post(api, {"sources": [str(item.id)], **payload}, format="json")
    # then
    assert page_response.status_code == 400
    assert escape(expected) in page_response.content.decode()
    assert api_response.status_code == 400
    error = api_response.json()["error"]
    assert (error["code"], error["message"], error["fields"][field]) == ("invalid", expected, [expected])
