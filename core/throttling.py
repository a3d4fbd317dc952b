"""The API's default throttles, keyed by the client address of core.client_ip. Its own module:
DRF imports DEFAULT_THROTTLE_CLASSES while core.api (the exception handler) is still loading."""

from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from core.client_ip import client_ip


class _ClientIpMixin:
    # DRF's own get_ident() believes any X-Forwarded-For: a client could pick a new address per request.
    def get_ident(self, request):
        return client_ip(request)


class AnonThrottle(_ClientIpMixin, AnonRateThrottle):
    pass


class UserThrottle(_ClientIpMixin, UserRateThrottle):
    pass
