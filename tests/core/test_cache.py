"""A Redis outage never takes the site down: a real redis-server on a free port, killed or
frozen (SIGSTOP) mid-test. Pages answer 200 fast, the rate-limited form still registers, a
logged-in session keeps working, and one warning is logged."""

import logging
import signal
import time

import pytest
from django.core.cache import cache
from django.http import HttpRequest
from django.urls import reverse

from core import cache as resilient
from events.models import Registration
from tests.factories.events import make_category, make_event
from tests.factories.exhibitors import make_user
from tests.factories.servers import RedisServer

pytestmark = pytest.mark.django_db

#: Far above one socket timeout (0.5 s), far below the 5 s the outage used to cost.
FAST = 2.5


@pytest.fixture
def redis_server(settings):
    server = RedisServer()
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": server.url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    settings.REGISTRATION_RATE_LIMIT = "3/600"
    resilient.reset_state()
    yield server
    server.stop()
    resilient.reset_state()


def timed_get(client, path):
    started = time.monotonic()
    response = client.get(path)
    return response.status_code, time.monotonic() - started


def register(client, event, n):
    category = event.categories.get(slug="dai-bieu-test")
    return client.post(
        reverse("events:register", args=[event.slug]),
        {
            "full_name": f"Khách {n}",
            "email": f"guest{n}@example.com",
            "phone": "0912 345 678",
            "organization": "VNPT Hải Phòng",
            "title": "Kỹ sư",
            "needs": "",
            "category": category.pk,
            "consent": "on",
        },
    )


def assert_site_serves(client, event):
    for path in ["/", "/en/", reverse("events:register", args=[event.slug])]:
        status, seconds = timed_get(client, path)
        assert status == 200, path
        assert seconds < FAST, (path, seconds)
    before = Registration.objects.count()
    started = time.monotonic()
    assert register(client, event, before + 100).status_code == 302
    assert time.monotonic() - started < FAST
    assert Registration.objects.count() == before + 1


@pytest.fixture
def event(demo_forum):
    event = make_event()  # open for registration (the demo's forum is in the past)
    make_category(event, name="Đại biểu", slug="dai-bieu-test", capacity=100)
    return event


def test_redis_works_when_up(redis_server, client, event):
    cache.set("probe", 1)
    assert cache.get("probe") == 1
    assert client.get("/").status_code == 200


def test_a_dead_redis_is_a_miss(redis_server, client, event, caplog):
    user = make_user(is_superuser=True)
    client.force_login(user)
    assert client.get("/admin/").status_code == 200
    cache.set("probe", 1)
    redis_server.stop()

    with caplog.at_level(logging.WARNING, logger="forumhall.cache"):
        assert cache.get("probe") is None
        assert cache.get("probe", "fallback") == "fallback"
        assert cache.add("other", 1) is False
        cache.set("probe", 2)
        assert cache.get_many(["a", "b"]) == {}
        with pytest.raises(ValueError):
            cache.incr("probe")
        assert_site_serves(client, event)
        # The session written while Redis was up lives on in the database (cached_db).
        assert client.get("/admin/").status_code == 200
    warnings = [r for r in caplog.records if r.name == "forumhall.cache"]
    assert len(warnings) == 1
    assert "unavailable" in warnings[0].getMessage()


def test_the_rate_limit_counts_in_the_database_and_login_works_without_redis(
    redis_server, client, event
):
    redis_server.stop()
    for n in range(3):  # the limit of 3 still holds: counted in the database while Redis is down
        assert register(client, event, n).status_code == 302
    assert register(client, event, 3).status_code == 200  # refused with the form's message
    assert Registration.objects.count() == 3
    user = make_user("admin@example.com", password="correct horse battery", is_superuser=True)
    assert client.login(
        request=HttpRequest(), username=user.get_username(), password="correct horse battery"
    )
    assert client.get("/admin/").status_code == 200


def test_a_frozen_redis_does_not_hang_pages(redis_server, client, event):
    redis_server.process.send_signal(signal.SIGSTOP)
    try:
        assert_site_serves(client, event)
        assert_site_serves(client, event)
    finally:
        redis_server.process.send_signal(signal.SIGCONT)


def test_the_cache_comes_back_with_redis(redis_server, client, event):
    redis_server.stop()
    assert cache.get("probe") is None
    redis_server.start()
    resilient.reset_state()  # instead of waiting RETRY_AFTER seconds
    cache.set("probe", 3)
    assert cache.get("probe") == 3
