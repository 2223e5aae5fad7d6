"""Fixtures of the site's tests: the demo site (every page type, vi and en), built once per
module inside a transaction that is rolled back at the end, and sample forums of any size."""

import pytest
from django.core.cache import cache
from django.db import transaction

from tests.conftest import ensure_wagtail_tree


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Navigation, fragments and Wagtail's site root paths are cached: start clean."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="module")
def _demo_site_pk(django_db_setup, django_db_blocker):
    """Build the demo site once for the module (it takes seconds); each test then runs in
    its own savepoint, so what a test changes is undone after it."""
    from cms.demo import load_site
    from events.demo import SEED_DAY, load_event

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            ensure_wagtail_tree()
            yield load_site(load_event(day=SEED_DAY)).pk
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            cache.clear()


@pytest.fixture
def demo_site(_demo_site_pk, db):
    """The demo forum as `load_demo` builds it: returns the Vietnamese ForumPage."""
    from cms.models import ForumPage

    return ForumPage.objects.get(pk=_demo_site_pk)


@pytest.fixture
def sample_forum(db):
    """An empty forum (home, forum, agenda, speakers, exhibition) on the demo event."""
    from cms.sample import sample_site
    from events.demo import SEED_DAY, load_event

    ensure_wagtail_tree()
    _home, forum = sample_site(event=load_event(day=SEED_DAY))
    return forum


PUBLIC_URL = "https://chuyendoiso.example.vn"


@pytest.fixture
def public_url(settings):
    """The site's public address (``BASE_URL``), another host than the test client's."""
    settings.BASE_URL = PUBLIC_URL
    return PUBLIC_URL
