"""``GET /healthz``: up, with the task queue; down for real (the database unreachable, the cache
unreachable); no redirect, language prefix, session or cookie; at most two queries."""

import datetime as dt
import json
import socket
from contextlib import contextmanager

import pytest
from django.db import connections
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from config.handlers import ForumWSGIHandler
from core.views import cache_is_the_database
from tests.config.test_handlers import call


def closed_port() -> int:
    """A local TCP port nothing listens on (taken from the OS, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _task(**fields) -> DBTaskResult:
    return DBTaskResult.objects.create(
        task_path="events.tasks.send_registration_email",
        args_kwargs={"args": [], "kwargs": {}},
        backend_name="default",
        run_after=fields.pop("run_after", dt.datetime(9999, 1, 1, tzinfo=dt.UTC)),
        **fields,
    )


@pytest.mark.django_db
def test_healthz_up_with_the_task_queue(client, django_assert_max_num_queries):
    now = timezone.now()
    waiting = _task()
    DBTaskResult.objects.filter(pk=waiting.pk).update(enqueued_at=now - dt.timedelta(seconds=90))
    _task(run_after=now + dt.timedelta(hours=1))  # retry later: not ready yet
    _task(status="SUCCESSFUL")
    with django_assert_max_num_queries(2):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == body["database"] == "ok"
    assert body["cache"] == ("database" if cache_is_the_database() else "ok")
    assert body["tasks"]["ready"] == 1
    assert 90 <= body["tasks"]["oldest_ready_seconds"] <= 120
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_empty_queue_no_cookie_no_redirect_no_language(client):
    client.cookies.load({"django_language": "en"})
    response = client.get("/healthz", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.json()["tasks"] == {"ready": 0, "oldest_ready_seconds": 0}
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")
    assert "Content-Language" not in response or response["Content-Language"] == "vi"
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db(transaction=True)
def test_healthz_through_the_wsgi_application_as_gunicorn_calls_it():
    status, headers, body = call(ForumWSGIHandler(), "/healthz")
    assert status == 200
    assert "set-cookie" not in headers
    assert json.loads(body)["status"] == "ok"


@contextmanager
def unreachable_database(tmp_path):
    """The default connection pointed for real at a database that does not answer: a closed
    port on PostgreSQL, a file in a missing folder on SQLite."""
    connection = connections["default"]
    saved = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = str(tmp_path / "no-such-folder" / "db.sqlite3")
    else:
        connection.settings_dict.update(HOST="127.0.0.1", PORT=str(closed_port()))
        connection.settings_dict["OPTIONS"] = {**saved["OPTIONS"], "connect_timeout": 2}
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


def test_healthz_503_when_the_database_does_not_answer(django_db_blocker, tmp_path):
    with django_db_blocker.unblock(), unreachable_database(tmp_path):
        response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "database": "error",
        "cache": "database" if cache_is_the_database() else "ok",
        "tasks": None,
    }


@pytest.mark.django_db
def test_healthz_degraded_but_200_when_the_cache_does_not_answer(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["cache"] == "error"
    assert body["database"] == "ok"
