"""One version number for everything the site shows: bumped whenever a page is published,
moved or deleted, a speaker, image, document, site or event changes. Cached fragments and data
put it in their keys, so a change shows at once and nothing has to be deleted one by one."""

from django.core.cache import cache

CONTENT_VERSION_KEY = "cms:content-version"
FRAGMENT_SECONDS = 6 * 3600


def content_version() -> int:
    version = cache.get(CONTENT_VERSION_KEY)
    if version is None:
        cache.add(CONTENT_VERSION_KEY, 1, None)
        version = cache.get(CONTENT_VERSION_KEY) or 1
    return version


def content_changed() -> None:
    """Make every cached fragment and datum of the site stale."""
    try:
        cache.incr(CONTENT_VERSION_KEY)
    except ValueError:
        cache.set(CONTENT_VERSION_KEY, 2, None)


def cached(name: str, *parts, build, timeout: int = FRAGMENT_SECONDS):
    """``build()``, cached under ``name`` and ``parts`` for the current content version."""
    key = ":".join(["cms", str(content_version()), name, *(str(p) for p in parts)])
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, timeout)
    return value
