"""``GET /healthz``: whether this instance can serve, for a load balancer or an uptime probe.

Outside the language prefixes and touching neither the session nor the CSRF cookie, so a probe
gets no redirect, no cookie and no ``Vary: Cookie``. One SQL query answers both "does the database
answer" and "how long is the task queue" (the ready rows of django_tasks_db's table).

- The database does not answer: ``503``, ``"status": "error"``, ``"database": "error"``; the
  instance cannot serve pages, take it out of rotation.
- The cache is the database's own table (``DatabaseCache``, the default without ``REDIS_URL``):
  ``"cache": "database"``; it answers when the database does, and is not probed apart.
- The cache does not answer: ``200``, ``"status": "degraded"``, ``"cache": "error"``. Every
  cache call on a request path is guarded, so pages are still served (slower), and every instance
  shares the one cache: answering 503 would take the whole site out of rotation for a cache
  outage.
"""

import logging
import secrets

from django.core.cache import cache, caches
from django.core.cache.backends.db import DatabaseCache
from django.db import DatabaseError
from django.db.models import Case, Count, F, Min, When
from django.db.models.functions import Greatest
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_tasks_db.models import DBTaskResult, get_date_max

logger = logging.getLogger(__name__)

CACHE_KEY = "healthz:probe"


def task_queue(now=None) -> dict:
    """The tasks ready to run (``READY`` and due) and how many seconds the longest-waiting one
    has been runnable (0 when none): one query. Raises DatabaseError when the database fails."""
    now = now or timezone.now()
    runnable_since = Case(
        # A task enqueued without a delay has run_after = the maximum date: runnable at once.
        When(run_after=get_date_max(), then=F("enqueued_at")),
        default=Greatest(F("enqueued_at"), F("run_after")),
    )
    row = DBTaskResult.objects.ready().aggregate(ready=Count("pk"), oldest=Min(runnable_since))
    oldest = row["oldest"]
    seconds = max(0, round((now - oldest).total_seconds())) if oldest else 0
    return {"ready": row["ready"], "oldest_ready_seconds": seconds}


def cache_is_the_database() -> bool:
    """Whether the default cache is a table of the database (nothing apart to probe)."""
    return isinstance(caches["default"], DatabaseCache)


def cache_answers() -> bool:
    """Whether the cache stores and gives back a value (a fresh one each time)."""
    value = secrets.token_hex(8)
    try:
        cache.set(CACHE_KEY, value, timeout=30)
        return cache.get(CACHE_KEY) == value
    except Exception:  # Redis down: redis-py's ConnectionError, TimeoutError, …
        logger.warning("healthz: the cache does not answer", exc_info=True)
        return False


@never_cache
@require_safe
def healthz(request):
    """The instance's health as JSON: 200 ok or degraded (cache down), 503 (database down)."""
    body = {"status": "ok", "database": "ok", "cache": "ok", "tasks": None}
    try:
        body["tasks"] = task_queue()
    except DatabaseError:
        logger.warning("healthz: the database does not answer", exc_info=True)
        body["database"] = "error"
    if cache_is_the_database():
        body["cache"] = "database"
    elif not cache_answers():
        body["cache"] = "error"
    if body["database"] != "ok":
        body["status"] = "error"
    elif body["cache"] == "error":
        body["status"] = "degraded"
    return JsonResponse(body, status=503 if body["status"] == "error" else 200)
