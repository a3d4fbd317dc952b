from django.conf import settings
from django.shortcuts import resolve_url
from django_htmx.http import HttpResponseClientRedirect


class HtmxLoginRedirectMiddleware:
    """When a session expires under an htmx poll, send the whole page to the login form instead
    of swapping the login page into a fragment of the current one."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._login_path = None

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "htmx", False) and response.status_code == 302:
            if self._login_path is None:
                self._login_path = resolve_url(settings.LOGIN_URL)
            if response["Location"].startswith(self._login_path):
                return HttpResponseClientRedirect(response["Location"])
        return response
