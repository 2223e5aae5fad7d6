"""A simple per-IP rate limit on the cache (shared by every app server when it is Redis)."""

import ipaddress

from django.conf import settings
from django.core.cache import cache


def client_ip(request) -> str:
    """The client's address. Behind a proxy, set ``RATE_LIMIT_IP_HEADER`` (for example
    ``HTTP_X_REAL_IP``) to the header that the proxy sets; it is trusted as is."""
    header = getattr(settings, "RATE_LIMIT_IP_HEADER", "")
    value = request.META.get(header, "") if header else ""
    return (value.split(",")[0].strip() or request.META.get("REMOTE_ADDR", "")) or "unknown"


def rate_limited(request, scope: str) -> bool:
    """Count one hit of ``scope`` for the client's IP; True when it is over the limit.

    ``REGISTRATION_RATE_LIMIT`` is "hits/seconds" (default "10/600"); "0/0" turns it off.
    """
    limit, _, window = str(getattr(settings, "REGISTRATION_RATE_LIMIT", "10/600")).partition("/")
    limit, window = int(limit or 0), int(window or 0)
    if limit <= 0 or window <= 0:
        return False
    key = f"ratelimit:{scope}:{client_ip(request)}"
    if cache.add(key, 1, timeout=window):
        return False
    try:
        hits = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        return False
    return hits > limit


def axes_client_ip(request) -> str | None:
    """django-axes' client address (``AXES_CLIENT_IP_CALLABLE``): the same as the rate limits',
    or None when it is no IP address (axes stores it in an IP column)."""
    try:
        return str(ipaddress.ip_address(client_ip(request)))
    except ValueError:
        return None
