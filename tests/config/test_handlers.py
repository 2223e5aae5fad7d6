"""The WSGI application as gunicorn calls it (config/handlers.py): scanning devices' API requests
take a lean path (no session, CSRF, auth, messages middleware) and still get the same answers,
headers and languages; everything else goes through the whole site stack."""

import io
import json

import pytest
from django.conf import settings
from django.db import connection

from config.handlers import DEVICE_API_MIDDLEWARE, ForumWSGIHandler, is_device_api_request
from events.models import CheckIn, CheckInList
from tests.factories.checkin import door_scene

pytestmark = pytest.mark.django_db(transaction=True)


def call(app, path, *, method="GET", body=b"", headers=None):
    """One request through ``app`` as a WSGI server makes it: (status, headers, body)."""
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "testserver",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": io.StringIO(),
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": "application/json",
    }
    for name, value in (headers or {}).items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    answer = {}

    def start_response(status, response_headers, exc_info=None):
        answer["status"] = int(status.split()[0])
        answer["headers"] = {name.lower(): value for name, value in response_headers}

    chunks = app(environ, start_response)
    try:
        content = b"".join(chunks)
    finally:
        if hasattr(chunks, "close"):
            chunks.close()
    return answer["status"], answer["headers"], content


@pytest.fixture
def app():
    return ForumWSGIHandler()


def scan(app, scene, *, token, language=None, badge=None):
    body = json.dumps({"token": badge or scene.khoa.token, "list": scene.hall.pk}).encode()
    headers = {"Authorization": f"Bearer {token}"}
    if language:
        headers["Accept-Language"] = language
    return call(app, "/api/checkin/", method="POST", body=body, headers=headers)


def test_only_bearer_requests_to_the_api_take_the_device_path():
    def environ(path, authorization=None):
        return {
            "PATH_INFO": path,
            **({"HTTP_AUTHORIZATION": authorization} if authorization else {}),
        }

    assert is_device_api_request(environ("/api/checkin/", "Bearer fhd_abc"))
    assert is_device_api_request(environ("/api/checkin/search/", "bearer fhd_abc"))
    assert not is_device_api_request(environ("/api/checkin/"))
    assert not is_device_api_request(environ("/api/checkin/", "Basic dXNlcjpwdw=="))
    assert not is_device_api_request(environ("/checkin/", "Bearer fhd_abc"))
    assert not is_device_api_request(environ("/admin/", "Bearer fhd_abc"))


def test_the_device_path_keeps_only_the_middleware_devices_need(app):
    assert app.devices.middleware == [
        path for path in settings.MIDDLEWARE if path in DEVICE_API_MIDDLEWARE
    ]
    assert "django.middleware.security.SecurityMiddleware" in app.devices.middleware
    assert "django.contrib.sessions.middleware.SessionMiddleware" not in app.devices.middleware
    # Building the lean handler leaves the site's settings as they were.
    assert "django.contrib.sessions.middleware.SessionMiddleware" in settings.MIDDLEWARE


def test_a_device_scan_through_the_wsgi_application(app):
    scene = door_scene()
    status, headers, content = scan(app, scene, token=scene.token)
    assert status == 200
    body = json.loads(content)
    assert body["status"] == "ok"
    assert body["message"] == "Xin chào!"
    assert body["checkin"] == CheckIn.objects.get().pk
    # What the site's middleware adds is still there; nothing of a browser session is.
    assert headers["content-type"] == "application/json"
    assert headers["content-language"] == "vi"
    assert [v.strip() for v in headers["vary"].split(",")] == ["Accept-Language"]  # no Cookie
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert "no-cache" in headers["cache-control"]
    assert int(headers["content-length"]) == len(content)
    assert "set-cookie" not in headers

    status, _headers, content = scan(app, scene, token=scene.token)
    assert json.loads(content)["reason"] == "already_checked_in"


def test_a_device_gets_answers_in_its_language(app):
    scene = door_scene()
    status, headers, content = scan(app, scene, token=scene.token, language="en-GB,en;q=0.8")
    assert status == 200
    assert json.loads(content)["message"] == "Welcome!"
    assert headers["content-language"] == "en"


def test_bad_device_requests_on_the_lean_path_are_json_errors(app):
    scene = door_scene()
    status, headers, content = scan(app, scene, token="fhd_" + "x" * 40)
    assert status == 401
    assert json.loads(content)["reason"] == "unauthorized"
    status, headers, content = call(
        app,
        "/api/checkin/",
        method="POST",
        body=b"\xff{not json",
        headers={"Authorization": f"Bearer {scene.token}"},
    )
    assert status == 400
    assert headers["content-type"] == "application/json"
    status, _headers, content = call(
        app, "/api/nothing-here/", headers={"Authorization": f"Bearer {scene.token}"}
    )
    assert status == 404
    assert json.loads(content)["status"] == "error"


def test_requests_without_a_bearer_token_take_the_site_stack(app):
    scene = door_scene()
    status, headers, content = call(
        app, "/api/checkin/", method="POST", body=json.dumps({"list": scene.hall.pk}).encode()
    )
    assert status == 401
    assert json.loads(content)["reason"] == "unauthorized"
    # Only the full stack reads the session and says so (Vary: Cookie); the device path above
    # varies on the language alone.
    assert {"Cookie", "Accept-Language"} <= {v.strip() for v in headers["vary"].split(",")}
    status, headers, _content = call(app, "/checkin/")
    assert status in (200, 302)
    assert headers["x-frame-options"] == "DENY"


@pytest.mark.postgres
def test_the_scan_statements_are_prepared_on_postgresql(app):
    """The scan's read is planned once per connection: Django turns psycopg's prepared statements
    off unless the settings give a threshold (DATABASE_PREPARED_STATEMENTS)."""
    scene = door_scene()
    assert settings.DATABASES["default"]["OPTIONS"].get("prepare_threshold") is not None
    status, _headers, _content = scan(app, scene, token=scene.token)
    assert status == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    lists, checkins = CheckInList._meta.db_table, CheckIn._meta.db_table
    assert any(f'FROM "{lists}" l' in statement for statement in prepared), prepared
    assert any(f'INSERT INTO "{checkins}"' in statement for statement in prepared), prepared
