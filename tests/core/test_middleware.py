"""A database that is down answers 503 with Retry-After (a translated page; JSON on /api/),
never a 500: the default connection really fails to connect (a closed port on PostgreSQL, a
file in a missing folder on SQLite)."""

import pytest
from django.db import connection

from tests.factories.servers import free_port


@pytest.fixture
def database_down(transactional_db):
    saved = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "postgresql":
        connection.settings_dict["HOST"] = "127.0.0.1"
        connection.settings_dict["PORT"] = str(free_port())  # nothing listens there
    else:
        connection.settings_dict["NAME"] = "/nonexistent-folder/forumhall.sqlite3"
    yield
    connection.close()
    connection.settings_dict.clear()
    connection.settings_dict.update(saved)


@pytest.mark.parametrize(
    ("path", "language", "text"),
    [
        ("/", "vi", "Tạm thời gián đoạn"),
        ("/en/", "en", "Briefly unavailable"),
        ("/dang-ky/no-such-event/", "vi", "Tạm thời gián đoạn"),
    ],
)
def test_pages_answer_503_with_retry_after(client, database_down, path, language, text):
    client.raise_request_exception = False
    response = client.get(path)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = response.content.decode()
    assert text in body
    assert f'lang="{language}"' in body


TOKEN = "fhd_" + "a" * 32  # well-formed: it is looked up in the database


@pytest.mark.parametrize("method", ["lists", "scan"])
def test_the_api_answers_json_503(client, database_down, method):
    client.raise_request_exception = False
    headers = {"authorization": f"Bearer {TOKEN}"}
    if method == "lists":
        response = client.get("/api/checkin/lists/", headers=headers)
    else:
        body = {"token": "FH-ABC", "list": 1}
        response = client.post(
            "/api/checkin/", body, content_type="application/json", headers=headers
        )
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json()["status"] == "error"
    assert response.json()["reason"] == "unavailable"


def test_a_session_read_in_a_middleware_answers_503_too(client, database_down):
    """The session is read by the authentication middleware's lazy user in the admin, and
    saved by the session middleware: errors outside the view go through handler500."""
    client.raise_request_exception = False
    client.cookies["sessionid"] = "x" * 32
    response = client.get("/admin/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
