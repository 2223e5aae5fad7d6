"""What a page model shows beyond its own fields, without the models importing the selectors or
the views (which import the models).

The layers stay one-way: ``models`` ← ``selectors`` ← ``page_views``. A page's ``get_context``
and its sub-routes ask here, by the page's class; ``cms/page_views.py`` registers who answers,
when the app is ready (``CmsConfig.ready``). This module imports nothing of ours.
"""

from __future__ import annotations

from collections.abc import Callable

_context: dict[type, Callable] = {}
_routes: dict[tuple[type, str], Callable] = {}


def provides_context(page_class: type):
    """Register ``fn(page, request) -> dict`` as the extra context of ``page_class``'s pages."""

    def register(fn: Callable) -> Callable:
        _context[page_class] = fn
        return fn

    return register


def provides_route(page_class: type, name: str):
    """Register ``fn(request, page, **kwargs) -> HttpResponse`` as the sub-route ``name``."""

    def register(fn: Callable) -> Callable:
        _routes[(page_class, name)] = fn
        return fn

    return register


def extra_context(page, request) -> dict:
    """The registered extra context of ``page`` (empty when none is registered)."""
    provider = _context.get(type(page))
    return provider(page, request) if provider else {}


def serve_route(page, name: str, request, **kwargs):
    """Answer ``request`` with the sub-route ``name`` of ``page``."""
    return _routes[(type(page), name)](request, page, **kwargs)
