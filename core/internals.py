"""Every Django internal the project leans on, in one place: a Django upgrade has one checklist.

Each function here reads or writes something Django does not document as public API. The tests
in tests/core/test_internals.py pin each assumption against the installed Django, so that an
upgrade that changes one fails there, by name, before it fails in production.

1. ``permissions_loaded(user)``: ``ModelBackend.get_all_permissions`` caches a user's
   permissions on ``user._perm_cache``; when it is there, ``has_perm`` costs no query.
2. ``log_query(db, sql, params, started)``: a statement run on the raw psycopg cursor (the door
   scan's prepared statements) is added to ``connection.queries_log`` in the shape Django's own
   ``CursorDebugWrapper`` uses, so that ``assertNumQueries`` and the debug toolbar count it.
3. ``on_raw_connection(db, run)``: runs ``run`` on the live DB-API connection the way Django's
   own cursor does (health check, connect, thread check, Django's error wrapping), using
   ``BaseDatabaseWrapper`` methods that are not public API.
4. ``load_middleware_from(handler, paths, is_async)``: ``BaseHandler.load_middleware`` reads the
   chain from ``settings.MIDDLEWARE``; a second handler with a shorter chain (the scanning
   devices' lean path in config/handlers.py) narrows that setting while its chain is built.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.handlers.base import BaseHandler


def permissions_loaded(user) -> bool:
    """Whether ``user``'s permissions are loaded already (``has_perm`` costs no query)."""
    return hasattr(user, "_perm_cache")


def log_query(db, sql: str, params, started: float) -> None:
    """Record a statement run outside Django's cursor wrapper in ``db.queries_log``, as
    Django's own debug cursor does, when queries are being logged (DEBUG, or a test that counts
    them)."""
    if db.queries_logged:
        db.queries_log.append(
            {"sql": f"{sql} -- {params!r}", "time": f"{time.monotonic() - started:.3f}"}
        )


def on_raw_connection(db, run):
    """``run(connection)`` on ``db``'s live DB-API connection, with what Django's cursor does
    around a statement: a failed health check closes the connection first, a closed one is
    opened, a connection shared across threads is refused, and driver errors come out as
    Django's (``django.db.IntegrityError`` and the like)."""
    db.close_if_health_check_failed()
    db.ensure_connection()
    db.validate_thread_sharing()
    with db.wrap_database_errors:
        return run(db.connection)


def load_middleware_from(handler, paths: list[str], is_async: bool = False) -> None:
    """Build ``handler``'s middleware chain from ``paths`` instead of ``settings.MIDDLEWARE``.
    Called once, at start-up, before any request is served (not thread-safe)."""
    site_middleware = settings.MIDDLEWARE
    settings.MIDDLEWARE = paths
    try:
        BaseHandler.load_middleware(handler, is_async)
    finally:
        settings.MIDDLEWARE = site_middleware
