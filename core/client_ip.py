"""The client's address, for lock-outs and throttles. `X-Forwarded-For` is read only when the
request comes from a proxy listed in TRUSTED_PROXIES: anyone else could write any address there and
get a fresh counter per request."""

import functools
import ipaddress

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@functools.lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    try:
        return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)
    except ValueError as exc:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {exc}") from exc


def _trusted(address: str) -> bool:
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    if not networks:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_ip(request) -> str:
    """REMOTE_ADDR, or, behind trusted proxies, the last address in X-Forwarded-For that none of
    them owns (each proxy appends the address it saw; the ones before it are the client's to forge)."""
    address = request.META.get("REMOTE_ADDR", "") or "unknown"
    if not _trusted(address):
        return address
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _trusted(hop):
            return hop[:64]
    return hops[0][:64] if hops else address
