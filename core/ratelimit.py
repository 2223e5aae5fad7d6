"""Rate limits that hold across every gunicorn worker and app server.

A limit is "hits/seconds": at most ``hits`` in each fixed window of ``seconds``. The counter lives
in Redis when ``REDIS_URL`` is set (its ``INCR`` is atomic) and otherwise in the database
(``core.RateCounter``: one row per client, scope and window, counted by an atomic UPDATE in a
transaction). Never in a process's memory: with two workers "10 per 10 minutes" would let 20
through.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging
import math
import time

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac

logger = logging.getLogger(__name__)


def client_ip(request) -> str:
    """The client's address. Behind a proxy, set ``RATE_LIMIT_IP_HEADER`` (for example
    ``HTTP_X_REAL_IP``) to the header that the proxy sets; it is trusted as is."""
    header = getattr(settings, "RATE_LIMIT_IP_HEADER", "")
    value = request.META.get(header, "") if header else ""
    return (value.split(",")[0].strip() or request.META.get("REMOTE_ADDR", "")) or "unknown"


def parse_limit(value) -> tuple[int, int]:
    """``"30/60"`` → ``(30, 60)``; ``"0/0"``, empty or malformed → ``(0, 0)`` (no limit)."""
    limit, _sep, window = str(value or "").partition("/")
    try:
        return max(int(limit or 0), 0), max(int(window or 0), 0)
    except ValueError:
        return 0, 0


def _uses_redis() -> bool:
    """Whether the default cache is Redis (``cache`` itself is a proxy: ask the backend)."""
    return isinstance(caches["default"], RedisCache)


def _count_in_cache(key: str, window: int) -> int:
    """The hits of ``key`` counted in Redis, or 0 when Redis did not count (it is down: the
    resilient cache answers a miss, and the caller counts in the database instead)."""
    if cache.add(key, 1, timeout=window + 1):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr, or Redis is unavailable
        return 1 if cache.add(key, 1, timeout=window + 1) else 0


def _count_in_database(key: str, expires_at: dt.datetime) -> int:
    from core.models import RateCounter  # noqa: PLC0415 (core.models once the app registry is ready)

    with transaction.atomic():
        # The UPDATE locks the row until the commit: concurrent hits are counted one by one.
        if not RateCounter.objects.filter(key=key).update(hits=F("hits") + 1):
            try:
                with transaction.atomic():
                    RateCounter.objects.create(key=key, hits=1, expires_at=expires_at)
                # A new window: the windows that ended go (one indexed delete per window).
                RateCounter.objects.filter(expires_at__lt=timezone.now()).delete()
                return 1
            except IntegrityError:  # created by a concurrent hit a moment ago
                RateCounter.objects.filter(key=key).update(hits=F("hits") + 1)
        return RateCounter.objects.filter(key=key).values_list("hits", flat=True).get()


def hit(*, scope: str, client: str, limit: int, window: int, now: float | None = None) -> int:
    """Count one hit of ``client`` on ``scope``. Returns 0 when the hit is within ``limit`` per
    ``window`` seconds, else the seconds until the window ends (for ``Retry-After``). A limit or
    window of 0 turns the limit off. Side effects: one counter, kept until its window ends."""
    if limit <= 0 or window <= 0:
        return 0
    now = time.time() if now is None else now
    index = int(now // window)
    key = f"rl:{scope}:{client}:{window}:{index}"[:200]
    ends = (index + 1) * window
    hits = 0
    if _uses_redis():
        try:
            hits = _count_in_cache(key, window)
        except Exception:  # Redis is down: the database still counts
            logger.warning("rate limit: cache unavailable, counting in the database")
    if not hits:
        hits = _count_in_database(key, dt.datetime.fromtimestamp(ends, tz=dt.UTC))
    return 0 if hits <= limit else max(1, math.ceil(ends - now))


def rate_limited(request, scope: str) -> bool:
    """Count one hit of ``scope`` for the client's IP; True when it is over the limit.

    ``REGISTRATION_RATE_LIMIT`` is "hits/seconds" (default "10/600"); "0/0" turns it off.
    """
    limit, window = parse_limit(getattr(settings, "REGISTRATION_RATE_LIMIT", "10/600"))
    return bool(hit(scope=scope, client=client_ip(request), limit=limit, window=window))


def email_rate_limited(request, *, scope: str, email: str) -> str:
    """Count one email that ``request`` asks to be sent to ``email`` on ``scope`` (a sign-up,
    a password reset, a "someone registered again" notice), per address and per client IP.

    Returns "" within the limits, "ip" when the client is over ``EMAIL_RATE_LIMIT_IP`` (default
    "10/3600": tell them to try later, it says nothing about the address), "address" when the
    address is over ``EMAIL_RATE_LIMIT_ADDRESS`` (default "3/3600": answer as if the email went,
    so that the answer says nothing about the address). Count it whether or not the address is
    known, so that known and unknown addresses meet the same limits. The address is counted by
    a keyed hash (no personal data in the counters). Side effects: two counters; a warning
    logged when over a limit.
    """
    address = (email or "").strip().lower()
    ip = client_ip(request)
    limit, window = parse_limit(getattr(settings, "EMAIL_RATE_LIMIT_IP", "10/3600"))
    if hit(scope=f"mail-ip:{scope}", client=ip, limit=limit, window=window):
        logger.warning("rate limit: %s emails from %s over the per-client limit", scope, ip)
        return "ip"
    digest = salted_hmac("core.ratelimit.email", address).hexdigest()[:32]
    limit, window = parse_limit(getattr(settings, "EMAIL_RATE_LIMIT_ADDRESS", "3/3600"))
    if hit(scope=f"mail-to:{scope}", client=digest, limit=limit, window=window):
        logger.warning(
            "rate limit: %s emails to %s over the per-address limit (asked from %s)",
            scope,
            _masked(address),
            ip,
        )
        return "address"
    return ""


def _masked(address: str) -> str:
    """``khoa@example.com`` → ``k***@example.com``: enough to recognise in a log, no more."""
    local, _sep, domain = address.rpartition("@")
    return f"{local[:1]}***@{domain}" if local else "***"


def axes_client_ip(request) -> str | None:
    """django-axes' client address (``AXES_CLIENT_IP_CALLABLE``): the same as the rate limits',
    or None when it is no IP address (axes stores it in an IP column)."""
    try:
        return str(ipaddress.ip_address(client_ip(request)))
    except ValueError:
        return None
