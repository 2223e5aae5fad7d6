"""Fixtures of the site's tests: the demo site (every page type, vi and en) and sample forums
of any size."""

import pytest
from django.core.cache import cache

from tests.conftest import ensure_wagtail_tree


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The navigation and Wagtail's site root paths are cached: start every test clean."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def demo_site(db):
    """The demo forum as `load_demo` builds it: returns the Vietnamese ForumPage."""
    from cms.demo import load_site
    from events.demo import load_event

    ensure_wagtail_tree()
    return load_site(load_event())


@pytest.fixture
def sample_forum(db):
    """An empty forum (home, forum, agenda, speakers, exhibition) on the demo event."""
    from cms.sample import sample_site
    from events.demo import load_event

    ensure_wagtail_tree()
    _home, forum = sample_site(event=load_event())
    return forum
