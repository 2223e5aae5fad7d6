"""The check-in API over HTTP (Django's test client): authentication, CSRF, bad requests (always
JSON, never HTML or a 500), the number of SQL queries per scan, search and statistics."""

import json

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from events.checkin.services import device_revoke, device_rotate_token
from events.models import CheckIn, ScanLog
from tests.factories.checkin import (
    CategoryFactory,
    CheckInListFactory,
    EventFactory,
    RegistrationFactory,
    door_scene,
)

pytestmark = pytest.mark.django_db

URL = "/api/checkin/"


@pytest.fixture
def scene():
    return door_scene()


def post(client, data, *, token=None, url=URL, headers=None):
    body = data if isinstance(data, bytes | str) else json.dumps(data)
    headers = dict(headers or {})
    if token:
        headers["authorization"] = f"Bearer {token}"
    return client.post(url, body, content_type="application/json", headers=headers)


def test_device_scan_answers_the_contract(client, scene):
    response = post(client, {"token": scene.khoa.token, "list": scene.hall.pk}, token=scene.token)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) >= {"status", "reason", "registration", "checked_in_at"}
    assert body["status"] == "ok"
    assert body["reason"] is None
    assert body["registration"]["full_name"] == "Nguyễn Văn Khoa"
    assert body["checkin"] == CheckIn.objects.get().pk

    again = post(client, {"token": scene.khoa.token, "list": scene.hall.pk}, token=scene.token)
    assert again.status_code == 200
    assert again.json()["reason"] == "already_checked_in"
    assert again.json()["checked_in_at"] == body["checked_in_at"]


@pytest.mark.django_db(transaction=True)
def test_a_scan_takes_at_most_five_sql_queries():
    scene = door_scene()
    client = Client()
    cases = [
        ({"token": scene.khoa.token, "list": scene.hall.pk, "nonce": "q1"}, "ok", 2),
        ({"token": scene.khoa.token, "list": scene.hall.pk, "nonce": "q2"}, "already", 2),
        ({"token": scene.khoa.token, "list": scene.hall.pk, "nonce": "q2"}, "already", 1),
        ({"token": "A" * 32, "list": scene.hall.pk}, "invalid", 2),
        ({"token": "", "list": scene.hall.pk}, "invalid", 2),
    ]
    for data, outcome, expected in cases:
        with CaptureQueriesContext(connection) as queries:
            response = post(client, data, token=scene.token)
        assert response.status_code == 200
        assert (response.json()["reason"] or "ok").startswith(outcome)
        # One read (the device checked in it too), one insert (none for a replayed nonce):
        # no BEGIN/COMMIT, no savepoint.
        assert len(queries) == expected, [q["sql"] for q in queries]
        assert len(queries) <= 5


@pytest.mark.django_db(transaction=True)
def test_a_scan_by_door_staff_takes_at_most_five_sql_queries():
    scene = door_scene()
    user = User.objects.create_user("door", password="x")
    user.groups.add(Group.objects.create(name="Cửa ra vào"))
    user.groups.get().permissions.add(Permission.objects.get(codename="add_checkin"))
    client = Client()
    client.force_login(user)
    data = {"token": scene.khoa.token, "list": scene.hall.pk, "nonce": "staff-1"}
    with CaptureQueriesContext(connection) as queries:
        response = post(client, data)
    assert response.json()["status"] == "ok"
    # Session, user, permission (one query, through the group), read, insert.
    assert len(queries) <= 5, [q["sql"] for q in queries]


def test_no_credentials_is_401_json(client, scene):
    response = post(client, {"token": scene.khoa.token, "list": scene.hall.pk})
    assert response.status_code == 401
    assert response.json()["reason"] == "unauthorized"
    assert response["WWW-Authenticate"] == 'Bearer realm="checkin"'
    assert client.get(f"/api/checkin/search/?list={scene.hall.pk}&q=khoa").status_code == 401
    assert client.get(f"/api/checkin/lists/{scene.hall.pk}/stats/").status_code == 401
    assert CheckIn.objects.count() == 0


@pytest.mark.parametrize(
    "header",
    ["Bearer fhd_not-a-real-token-at-all-xxxxxxxx", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer \x00"],
)
def test_unknown_device_token_is_401(client, scene, header):
    response = client.post(
        URL,
        json.dumps({"token": scene.khoa.token, "list": scene.hall.pk}),
        content_type="application/json",
        headers={"authorization": header},
    )
    assert response.status_code == 401
    assert response.json()["reason"] == "unauthorized"


def test_unknown_device_is_401_before_the_list_is_looked_at(client, scene):
    # The scan checks the device in its own read: a well-formed but unknown key is refused
    # whether or not the list exists, and no scan is logged for it.
    unknown = "fhd_" + "x" * 43
    for list_id in (scene.hall.pk, 999_999):
        response = post(client, {"token": scene.khoa.token, "list": list_id}, token=unknown)
        assert response.status_code == 401
        assert response.json()["reason"] == "unauthorized"
    assert ScanLog.objects.count() == 0
    missing = post(client, {"token": scene.khoa.token, "list": 999_999}, token=scene.token)
    assert missing.status_code == 404


def test_revoked_device_is_401_at_once(client, scene):
    assert post(client, {"token": "x", "list": scene.hall.pk}, token=scene.token).status_code == 200
    device_revoke(device=scene.device)
    response = post(client, {"token": scene.khoa.token, "list": scene.hall.pk}, token=scene.token)
    assert response.status_code == 401
    assert CheckIn.objects.count() == 0


def test_rotated_device_token_replaces_the_old_one(client, scene):
    new = device_rotate_token(device=scene.device)
    data = {"token": scene.khoa.token, "list": scene.hall.pk}
    assert post(client, data, token=scene.token).status_code == 401
    assert post(client, data, token=new).json()["status"] == "ok"


def test_device_of_another_event_is_403(client, scene):
    response = post(
        client, {"token": scene.khoa.token, "list": scene.hall.pk}, token=scene.other_token
    )
    assert response.status_code == 403
    assert response.json()["reason"] == "forbidden"
    stats = get(client, f"/api/checkin/lists/{scene.hall.pk}/stats/", scene.other_token)
    assert stats.status_code == 403
    assert CheckIn.objects.count() == 0
    assert ScanLog.objects.count() == 0


def test_logged_in_user_without_permission_is_403(client, scene):
    user = User.objects.create_user("visitor", password="x")
    client.force_login(user)
    response = post(client, {"token": scene.khoa.token, "list": scene.hall.pk})
    assert response.status_code == 403
    assert response.json()["reason"] == "forbidden"


def test_staff_session_needs_the_csrf_token(scene):
    user = User.objects.create_user("door", password="x")
    user.user_permissions.add(Permission.objects.get(codename="add_checkin"))
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    data = {"token": scene.khoa.token, "list": scene.hall.pk}

    refused = post(client, data)
    assert refused.status_code == 403
    assert refused.json()["reason"] == "csrf_failed"
    assert CheckIn.objects.count() == 0

    client.get("/checkin/")  # the scanner page sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value
    accepted = post(client, data, headers={"X-CSRFToken": csrf})
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "ok"
    checkin = CheckIn.objects.get()
    assert (checkin.by_user, checkin.by_device) == (user, None)


def test_device_token_requests_need_no_csrf(scene):
    client = Client(enforce_csrf_checks=True)
    response = post(client, {"token": scene.khoa.token, "list": scene.hall.pk}, token=scene.token)
    assert response.json()["status"] == "ok"


@pytest.mark.parametrize(
    ("body", "status", "reason"),
    [
        (b"{not json", 400, "bad_request"),
        (b"[1, 2, 3]", 400, "bad_request"),
        (b'"token"', 400, "bad_request"),
        (b"\xff\xfe\x00binary\x00", 400, "bad_request"),
        (b"", 400, "bad_request"),
        (b"[" * 100_00 + b"]" * 100_00, 413, "too_large"),
        (b'{"token": "x", "list": "hall"}', 400, "bad_request"),
        (b'{"token": "x", "list": -1}', 400, "bad_request"),
        (b'{"token": "x", "list": true}', 400, "bad_request"),
        (b'{"token": "x", "list": 99999999999999999999999}', 400, "bad_request"),
        (b'{"token": "x", "list": 1.5}', 400, "bad_request"),
        (b'{"token": "x"}', 400, "bad_request"),
        (b'{"token": "x", "list": 1, "kind": "teleport"}', 400, "bad_request"),
        (b'{"token": "x", "list": 1, "kind": ["entry"]}', 400, "bad_request"),
        (b'{"token": "x", "list": 1, "kind": {"entry": 1}}', 400, "bad_request"),
        (b'{"token": "x", "list": 1, "nonce": {"a": 1}}', 400, "bad_request"),
        (b'{"token": "x", "list": 1, "nonce": "has spaces"}', 400, "bad_request"),
        (b'{"token": "x", "list": 1, "gate": ["a"]}', 400, "bad_request"),
        (b'{"token": "x", "list": 1, "gate": "' + b"g" * 41 + b'"}', 400, "bad_request"),
        (b'{"token": "x", "list": 999999}', 404, "not_found"),
        (b'{"token": "x", "list": 1}' + b" " * 20_000, 413, "too_large"),
    ],
)
def test_bad_requests_get_a_json_error(client, scene, body, status, reason):
    response = post(client, body, token=scene.token)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert response.json()["status"] == "error"
    assert response.json()["reason"] == reason
    assert CheckIn.objects.count() == 0


@pytest.mark.parametrize("token", [123, None, ["a"], {"a": 1}, True, 1.5])
def test_token_of_the_wrong_type_is_an_invalid_badge(client, scene, token):
    response = post(client, {"token": token, "list": scene.hall.pk}, token=scene.token)
    assert response.status_code == 200
    assert response.json()["reason"] == "invalid"
    assert ScanLog.objects.get().result == "invalid"


def test_list_id_as_a_string_of_digits_is_accepted(client, scene):
    data = {"token": scene.khoa.token, "list": str(scene.hall.pk)}
    response = post(client, data, token=scene.token)
    assert response.json()["status"] == "ok"


def test_wrong_method_and_unknown_api_paths_answer_json(client, scene):
    response = client.get(URL, headers={"authorization": f"Bearer {scene.token}"})
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert response.json()["reason"] == "method_not_allowed"
    for path in ("/api/nothing/", "/api/checkin/lists/abc/stats/", "/api/"):
        missing = client.get(path)
        assert missing.status_code == 404
        assert missing.json()["reason"] == "not_found"


@pytest.mark.parametrize("path", ["/api/%0A", "/api/a%0Ab/", "/api/checkin/%0D%0A", "/api/%00"])
def test_a_newline_in_an_api_path_still_answers_json(client, path):
    # A control character is refused before any view (400); either way the answer is JSON.
    missing = client.get(path)
    assert missing.status_code == 400
    assert missing["Content-Type"] == "application/json"
    assert missing.json()["reason"] == "bad_request"


def test_manual_checkin_by_registration_id(client, scene):
    data = {"registration": scene.khoa.pk, "list": scene.hall.pk, "gate": "Cổng 1"}
    response = post(client, data, token=scene.token, url="/api/checkin/manual/")
    assert response.json()["status"] == "ok"
    checkin = CheckIn.objects.get()
    assert (checkin.method, checkin.gate) == ("manual", "Cổng 1")
    # The guest of another event cannot be checked in by id either.
    other = {"registration": scene.stranger.pk, "list": scene.hall.pk}
    refused = post(client, other, token=scene.token, url="/api/checkin/manual/")
    assert refused.json()["reason"] == "invalid"


def test_annul_through_the_api(client, scene):
    ok = post(client, {"token": scene.khoa.token, "list": scene.hall.pk}, token=scene.token).json()
    annul = "/api/checkin/annul/"
    no_reason = post(client, {"checkin": ok["checkin"]}, token=scene.token, url=annul)
    assert no_reason.status_code == 400
    undone = post(
        client,
        {"checkin": ok["checkin"], "reason": "Quét nhầm"},
        token=scene.token,
        url="/api/checkin/annul/",
    )
    assert undone.status_code == 200
    assert undone.json()["status"] == "ok"
    twice = post(client, {"checkin": ok["checkin"], "reason": "x"}, token=scene.token, url=annul)
    assert (twice.status_code, twice.json()["reason"]) == (409, "already_annulled")
    other = post(
        client,
        {"checkin": ok["checkin"], "reason": "x"},
        token=scene.other_token,
        url="/api/checkin/annul/",
    )
    assert other.status_code == 403
    again = post(client, {"token": scene.khoa.token, "list": scene.hall.pk}, token=scene.token)
    assert again.json()["status"] == "ok"


def get(client, url, token):
    return client.get(url, headers={"authorization": f"Bearer {token}"})


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("nguyen van khoa", ["Nguyễn Văn Khoa"]),
        ("NGUYỄN văn KHOA", ["Nguyễn Văn Khoa"]),
        ("đỗ t", ["Đỗ Thị Hà"]),
        ("khoa.nguyen@example", ["Nguyễn Văn Khoa"]),
        ("bao hai phong", ["Đỗ Thị Hà"]),
        ("0912 345", ["Nguyễn Văn Khoa"]),
        ("xyz", []),
        ("pham su kien", []),  # another event's guest
    ],
)
def test_search_is_blind_to_accents_and_case(client, scene, query, expected):
    response = get(client, f"/api/checkin/search/?list={scene.hall.pk}&q={query}", scene.token)
    assert response.status_code == 200
    assert [r["full_name"] for r in response.json()["results"]] == expected


def test_search_result_shows_state_without_the_badge_token(client, scene):
    data = {"token": scene.khoa.token, "list": scene.hall.pk, "gate": "Cổng 2"}
    post(client, data, token=scene.token)
    result = get(client, f"/api/checkin/search/?list={scene.hall.pk}&q=khoa", scene.token).json()
    (khoa,) = result["results"]
    assert khoa["checked_in_at"] is not None
    assert khoa["gate"] == "Cổng 2"
    assert khoa["email"] == "kh•••@example.com"
    assert khoa["phone"] == "•••678"
    assert khoa["admitted"] is True
    assert scene.khoa.token not in json.dumps(result)
    lunch = get(client, f"/api/checkin/search/?list={scene.lunch.pk}&q=do thi", scene.token).json()
    assert lunch["results"][0]["admitted"] is False


def test_search_ranks_names_starting_with_the_query_first(client, scene):
    RegistrationFactory(category=scene.delegate, full_name="Lê Đỗ Thu", organization="")
    RegistrationFactory(category=scene.delegate, full_name="Đỗ Thanh", organization="")
    names = [
        r["full_name"]
        for r in get(
            client, f"/api/checkin/search/?list={scene.hall.pk}&q=do th", scene.token
        ).json()["results"]
    ]
    assert names == ["Đỗ Thanh", "Đỗ Thị Hà", "Lê Đỗ Thu"]


def test_search_bad_parameters_are_json_errors(client, scene):
    assert get(client, "/api/checkin/search/?q=khoa", scene.token).status_code == 400
    assert get(client, "/api/checkin/search/?list=abc&q=khoa", scene.token).status_code == 400
    long = get(client, f"/api/checkin/search/?list={scene.hall.pk}&q={'a' * 101}", scene.token)
    assert long.status_code == 400
    assert get(client, "/api/checkin/search/?list=999999&q=khoa", scene.token).status_code == 404
    other = get(client, f"/api/checkin/search/?list={scene.other_list.pk}&q=xyz", scene.token)
    assert other.status_code == 403


def test_list_stats(client, scene):
    post(client, {"token": scene.khoa.token, "list": scene.hall.pk}, token=scene.token)
    post(client, {"token": scene.do.token, "list": scene.hall.pk}, token=scene.token)
    exit_ = {"token": scene.do.token, "list": scene.hall.pk, "kind": "exit"}
    post(client, exit_, token=scene.token)
    post(client, {"token": "A" * 32, "list": scene.hall.pk}, token=scene.token)
    stats = get(client, f"/api/checkin/lists/{scene.hall.pk}/stats/", scene.token).json()
    assert stats["status"] == "ok"
    assert stats["expected"] == 2  # the confirmed ones: Khoa and Đỗ
    assert stats["checked_in"] == 2
    assert stats["inside_now"] == 1
    assert stats["failed_scans"] == {"invalid": 1}
    assert {c["name"]: (c["expected"], c["checked_in"]) for c in stats["by_category"]} == {
        "Đại biểu": (1, 1),
        "Báo chí": (1, 1),
        "Khách mời": (0, 0),
    }
    assert sum(bucket["count"] for bucket in stats["per_10_minutes"]) == 2


def test_lists_for_a_device_are_its_events_only(client, scene):
    data = get(client, "/api/checkin/lists/", scene.token).json()
    assert data["device"] is True
    assert [event["name"] for event in data["events"]] == [scene.event.name]
    assert [item["name"] for item in data["events"][0]["lists"]] == [
        "Hội trường chính",
        "Khu triển lãm",
        "Ăn trưa",
    ]
    hall = data["events"][0]["lists"][0]
    assert hall["gates"] == ["Cổng 1", "Cổng 2"]

    assert {c["name"] for c in data["events"][0]["categories"]} == {
        "Báo chí",
        "Đại biểu",
        "Khách mời",
    }


def test_lists_for_staff_take_three_queries_however_many_events(client, scene):
    """Every event with its lists, its categories and its required questions: no query per
    event."""
    client.force_login(User.objects.create_superuser("chief", password="x"))

    def fetch():
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/api/checkin/lists/")
        assert response.status_code == 200
        lookups = [q["sql"] for q in queries if "checkinlist" in q["sql"] or "category" in q["sql"]]
        return response.json()["events"], lookups

    events, lookups = fetch()
    assert [event["name"] for event in events] == [scene.event.name, scene.other_event.name]
    assert [c["name"] for c in events[1]["categories"]] == ["Khách"]
    for n in range(3):
        more = EventFactory(slug=f"more-{n}", name=f"Hội thảo {n}")
        CategoryFactory(event=more, name=f"Khách {n}", slug=f"khach-{n}")
        CheckInListFactory(event=more, name=f"Hội trường {n}")
    more_events, more_lookups = fetch()
    assert len(more_events) == 5
    assert len(more_lookups) == len(lookups) == 3


def test_answers_follow_the_scanners_accept_language(client, scene):
    """/api/ has no language prefix: the scanner's Accept-Language picks the language."""
    data = {"token": scene.khoa.token, "list": scene.hall.pk}
    english = post(client, data, token=scene.token, headers={"accept-language": "en"})
    assert english.json()["message"] == "Welcome!"
    assert english["Content-Language"] == "en"
    again = post(client, data, token=scene.token, headers={"accept-language": "vi,en;q=0.5"})
    assert again.json()["reason"] == "already_checked_in"
    assert again.json()["message"].startswith("Đã check-in lúc")
    assert again["Content-Language"] == "vi"
    unknown = post(client, {"list": scene.hall.pk}, headers={"accept-language": "xx-YY"})
    assert unknown.status_code == 401
    assert unknown["Content-Language"] == "vi"


def test_no_answer_of_the_api_is_kept_by_a_cache(client, scene):
    """An answer is about one badge at one moment (and a search lists guests): no cache may
    keep it, nor an error."""
    answers = [
        post(client, {"token": scene.khoa.token, "list": scene.hall.pk}, token=scene.token),
        post(client, {"list": scene.hall.pk}),
        client.get(
            f"/api/checkin/search/?list={scene.hall.pk}&q=khoa",
            headers={"authorization": f"Bearer {scene.token}"},
        ),
    ]
    assert [answer.status_code for answer in answers] == [200, 401, 200]
    for answer in answers:
        directives = {part.strip() for part in answer["Cache-Control"].split(",")}
        assert {"no-store", "no-cache", "private", "max-age=0"} <= directives


def _in_english(scene):
    """The scene's event and two of its categories named in English; the third (Khách mời) has
    no English name and falls back to Vietnamese."""
    scene.event.name_en = "Hai Phong Digital Transformation Forum 2023"
    scene.event.save(update_fields=["name_en"])
    scene.delegate.name_en = "Delegate"
    scene.delegate.save(update_fields=["name_en"])
    scene.press.name_en = "Press"
    scene.press.save(update_fields=["name_en"])
    return {"authorization": f"Bearer {scene.token}", "accept-language": "en"}


def test_an_english_scanner_gets_english_event_and_category_names(client, scene):
    headers = _in_english(scene)
    data = client.get("/api/checkin/lists/", headers=headers).json()
    event = data["events"][0]
    assert (event["name"], event["lang"]) == ("Hai Phong Digital Transformation Forum 2023", "en")
    assert sorted((c["name"], c["lang"]) for c in event["categories"]) == [
        ("Delegate", "en"),
        ("Khách mời", "vi"),
        ("Press", "en"),
    ]

    scan = {"token": scene.khoa.token, "list": scene.hall.pk}
    answer = post(client, scan, headers={"accept-language": "en"}, token=scene.token).json()
    assert answer["status"] == "ok"
    assert answer["registration"]["category"] == {
        "id": scene.delegate.pk,
        "name": "Delegate",
        "lang": "en",
        "colour": scene.delegate.badge_colour,
    }
    stats = client.get(f"/api/checkin/lists/{scene.hall.pk}/stats/", headers=headers).json()
    assert sorted((c["name"], c["lang"]) for c in stats["by_category"]) == [
        ("Delegate", "en"),
        ("Khách mời", "vi"),
        ("Press", "en"),
    ]
    board = client.get(f"/api/checkin/events/{scene.event.pk}/stats/", headers=headers).json()
    assert board["event"]["name"] == "Hai Phong Digital Transformation Forum 2023"
    # The offline copy names them alike (the scanner's offline answers show these).
    copy = client.get(f"/api/checkin/lists/{scene.hall.pk}/snapshot/", headers=headers).json()
    assert sorted((c["name"], c["lang"]) for c in copy["categories"]) == [
        ("Delegate", "en"),
        ("Khách mời", "vi"),
        ("Press", "en"),
    ]


def test_a_vietnamese_scanner_keeps_the_vietnamese_names(client, scene):
    _in_english(scene)
    headers = {"authorization": f"Bearer {scene.token}", "accept-language": "vi"}
    event = client.get("/api/checkin/lists/", headers=headers).json()["events"][0]
    assert (event["name"], event["lang"]) == ("Diễn đàn Chuyển đổi số Hải Phòng 2023", "vi")
    scan = {"token": scene.do.token, "list": scene.hall.pk}
    answer = post(client, scan, headers={"accept-language": "vi"}, token=scene.token).json()
    category = answer["registration"]["category"]
    assert (category["name"], category["lang"]) == ("Báo chí", "vi")
