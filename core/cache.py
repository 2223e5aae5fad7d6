"""The cache is an accelerator, never a dependency: ``ResilientRedisCache`` is Django's
``RedisCache`` whose every call survives a dead or frozen Redis.

When Redis refuses, times out or drops the connection, a read is a miss, a write is a no-op,
``add`` stores nothing (answers False), ``incr`` answers as for a missing key (ValueError), and
one warning is logged per ``LOG_INTERVAL``. After a failure the backend does not ask Redis again
for ``RETRY_AFTER`` seconds (every thread of the process shares this), so a frozen Redis costs one
socket timeout (``OPTIONS``: ``socket_connect_timeout``, ``socket_timeout``) per interval, not
one per cache call. Sessions (``cached_db``) then read and write the database alone; the rate
limiter fails open (see core/ratelimit.py).
"""

import functools
import logging
import threading
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger("forumhall.cache")

#: Seconds during which a failed Redis is not asked again.
RETRY_AFTER = 5.0
#: At most one warning per this many seconds.
LOG_INTERVAL = 60.0

_state_lock = threading.Lock()
_down_until: dict[str, float] = {}
_last_log: dict[str, float] = {}


class CacheUnavailable(Exception):
    """Raised inside the backend while Redis is known to be down (never leaves it)."""


def _guard(default=None, *, missing_key=False):
    """Run the wrapped RedisCache method; on a Redis failure answer ``default`` (or raise
    ValueError as for a missing key when ``missing_key``)."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                if self.redis_down():
                    raise CacheUnavailable
                return method(self, *args, **kwargs)
            except (RedisError, CacheUnavailable, OSError) as error:
                self.redis_failed(error)
                if missing_key:
                    raise ValueError("The cache is unavailable.") from None
                return default() if callable(default) else default

        return wrapper

    return decorate


class ResilientRedisCache(RedisCache):
    """``RedisCache`` that degrades to a miss / no-op while Redis is unavailable."""

    def redis_down(self) -> bool:
        return _down_until.get(self._server_key, 0.0) > time.monotonic()

    @property
    def _server_key(self) -> str:
        return ",".join(self._servers)

    def redis_failed(self, error: Exception) -> None:
        now = time.monotonic()
        key = self._server_key
        with _state_lock:
            if not isinstance(error, CacheUnavailable):
                _down_until[key] = now + RETRY_AFTER
            if now - _last_log.get(key, -LOG_INTERVAL) < LOG_INTERVAL:
                return
            _last_log[key] = now
        logger.warning("Cache unavailable (%s): serving without it. %r", key, error)

    add = _guard(False)(RedisCache.add)
    set = _guard(None)(RedisCache.set)
    touch = _guard(False)(RedisCache.touch)
    delete = _guard(False)(RedisCache.delete)
    get_many = _guard(dict)(RedisCache.get_many)
    has_key = _guard(False)(RedisCache.has_key)
    incr = _guard(missing_key=True)(RedisCache.incr)
    set_many = _guard(list)(RedisCache.set_many)
    delete_many = _guard(None)(RedisCache.delete_many)
    clear = _guard(False)(RedisCache.clear)

    def get(self, key, default=None, version=None):
        try:
            if self.redis_down():
                raise CacheUnavailable
            return super().get(key, default, version)
        except (RedisError, CacheUnavailable, OSError) as error:
            self.redis_failed(error)
            return default


def reset_state() -> None:
    """Forget every recorded failure (tests)."""
    with _state_lock:
        _down_until.clear()
        _last_log.clear()
