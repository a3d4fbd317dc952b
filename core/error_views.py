"""Django's error pages (404, 403, 400, 500), answered as the API's JSON error shape under /api/ and as
the studio's translated pages elsewhere. DRF's views already answer JSON for errors they raise; these
cover what happens before a view runs (an unknown path, a bad request, a crash outside DRF)."""

import logging

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults

API_PREFIX = "/api/"
logger = logging.getLogger(__name__)


def is_api(request) -> bool:
    return request.path.startswith(API_PREFIX)


def _json(code: str, message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=status,
                        json_dumps_params={"ensure_ascii": False})


def page_not_found(request, exception=None):
    if is_api(request):
        return _json("not_found", _("Not found: no such API address. See /api/v1/docs/ for the API's addresses."), 404)
    return defaults.page_not_found(request, exception)


def permission_denied(request, exception=None):
    if is_api(request):
        return _json("permission_denied", _("You do not have permission to perform this action."), 403)
    return defaults.permission_denied(request, exception)


def bad_request(request, exception=None):
    if is_api(request):
        return _json("bad_request", _("The request could not be understood (it may be too large or malformed)."), 400)
    return defaults.bad_request(request, exception)


def server_error(request):
    if is_api(request):
        return _json("internal_error", _("Something went wrong on our side. Please try again; if it keeps "
                                         "happening, tell the administrator."), 500)
    return defaults.server_error(request)
