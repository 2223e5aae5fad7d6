"""Twenty scanners, one badge, the same instant, against the live server on PostgreSQL: one ok,
nineteen already_checked_in. The control drops the partial unique constraint and shows the race
it closes: the read-then-insert of the scan alone lets the badge in several times."""

import json
import threading

import pytest
import requests
from django.db import connection

from events.models import CheckIn
from events.services import device_create
from tests.events.checkin_factories import RegistrationFactory, door_scene

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SCANNERS = 20


def burst(url: str, tokens: list[str], payloads: list[dict]) -> list[dict]:
    """POST every payload with its device token, all released at the same instant."""
    barrier = threading.Barrier(len(payloads))
    answers: list[dict] = [{}] * len(payloads)

    def scan(index: int) -> None:
        session = requests.Session()
        body = json.dumps(payloads[index])
        headers = {"Authorization": f"Bearer {tokens[index]}", "Content-Type": "application/json"}
        barrier.wait()
        response = session.post(url, data=body, headers=headers, timeout=30)
        answers[index] = {"http": response.status_code, **response.json()}

    threads = [threading.Thread(target=scan, args=(i,)) for i in range(len(payloads))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def devices(scene, count: int) -> list[str]:
    return [device_create(event=scene.event, name=f"Cổng {n}")[1] for n in range(count)]


def outcomes(answers: list[dict]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for answer in answers:
        key = answer.get("reason") or answer.get("status")
        counts[key] = counts.get(key, 0) + 1
    return counts


def test_twenty_scanners_on_the_same_badge_admit_it_once(live_server):
    scene = door_scene()
    tokens = devices(scene, SCANNERS)
    payloads = [
        {"token": scene.khoa.token, "list": scene.hall.pk, "nonce": f"race-{n}", "gate": f"G{n}"}
        for n in range(SCANNERS)
    ]
    answers = burst(f"{live_server.url}/api/checkin/", tokens, payloads)
    assert {a["http"] for a in answers} == {200}
    assert outcomes(answers) == {"ok": 1, "already_checked_in": SCANNERS - 1}
    (winner,) = [a for a in answers if a["status"] == "ok"]
    assert {a["gate"] for a in answers if a["status"] == "error"} == {winner["gate"]}
    assert CheckIn.objects.count() == 1
    assert CheckIn.objects.get().pk == winner["checkin"]


def test_same_nonce_sent_twenty_times_at_once_gets_one_answer(live_server):
    scene = door_scene()
    payload = {"token": scene.khoa.token, "list": scene.expo.pk, "nonce": "retry-1"}
    answers = burst(f"{live_server.url}/api/checkin/", [scene.token] * SCANNERS, [payload] * 20)
    # The exhibition allows re-entry: only the nonce keeps the retries from counting twice.
    assert outcomes(answers) == {"ok": SCANNERS}
    assert len({a["checkin"] for a in answers}) == 1
    assert CheckIn.objects.count() == 1


def test_control_without_the_constraint_the_badge_gets_in_several_times(live_server):
    scene = door_scene()
    tokens = devices(scene, SCANNERS)
    constraint = next(
        c for c in CheckIn._meta.constraints if c.name == "one_entry_per_badge_per_list"
    )
    with connection.schema_editor() as editor:
        editor.remove_constraint(CheckIn, constraint)
    try:
        worst = 0
        for attempt in range(5):  # the race is real but not certain on every burst
            guest = RegistrationFactory(category=scene.delegate, full_name=f"Khách {attempt}")
            payloads = [{"token": guest.token, "list": scene.hall.pk} for _ in range(SCANNERS)]
            answers = burst(f"{live_server.url}/api/checkin/", tokens, payloads)
            worst = max(worst, outcomes(answers).get("ok", 0))
            if worst > 1:
                break
        assert worst > 1, "without the constraint, concurrent scans should admit a badge twice"
    finally:
        CheckIn.objects.all().delete()
        with connection.schema_editor() as editor:
            editor.add_constraint(CheckIn, constraint)
