"""API-wide plumbing: one error format, pagination."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.exceptions import ApplicationError


class StudioPagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200


def _django_validation_error_body(exc: DjangoValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        fields = {name: [str(m) for e in errs for m in e.messages] for name, errs in exc.error_dict.items()}
        first = next(iter(fields.values()))[0]
        code = next(iter(exc.error_dict.values()))[0].code or "invalid"
        return {"code": code, "message": first, "fields": fields}
    errors = exc.error_list
    return {"code": errors[0].code or "invalid", "message": " ".join(str(m) for m in exc.messages)}


def _flatten(detail) -> list[str]:
    if isinstance(detail, dict):
        return [m for v in detail.values() for m in _flatten(v)]
    if isinstance(detail, list):
        return [m for v in detail for m in _flatten(v)]
    return [str(detail)]


def exception_handler(exc, context):
    """Every API error answers `{"error": {"code", "message", "fields"?}}`."""
    if isinstance(exc, ApplicationError):
        body = {"code": exc.code, "message": exc.message, **({"extra": exc.extra} if exc.extra else {})}
        return Response({"error": body}, status=exc.status)
    if isinstance(exc, DjangoValidationError):
        return Response({"error": _django_validation_error_body(exc)}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # unexpected: Django's 500 handling logs it; no traceback reaches the client
    detail = response.data
    if isinstance(exc, exceptions.ValidationError):
        fields = detail if isinstance(detail, dict) else {"non_field_errors": detail}
        fields = {k: _flatten(v) for k, v in fields.items()}
        message = next(iter(fields.values()))[0] if fields else _("Invalid input.")
        body = {"code": "invalid", "message": message, "fields": fields}
    else:
        code = getattr(exc, "default_code", "error")
        codes = exc.get_codes() if hasattr(exc, "get_codes") else None
        if isinstance(codes, str):
            code = codes
        message = detail.get("detail", "") if isinstance(detail, dict) else " ".join(_flatten(detail))
        body = {"code": code, "message": str(message)}
        if isinstance(exc, exceptions.Throttled) and exc.wait:
            body["retry_after_seconds"] = int(exc.wait)
    response.data = {"error": body}
    return response
