"""Twenty scanners, one badge, the same instant, against the live server on PostgreSQL: one ok,
nineteen already_checked_in. The control drops the partial unique constraint and shows the race
it closes: the read-then-insert of the scan alone lets the badge in several times. Two undos of
one check-in at the same instant: one undoes it, the other hears it already was; the control
without the row lock lets both succeed."""

import json
import threading

import pytest
import requests
from django.db import connection, transaction
from django.utils import timezone

from events.checkin.services import Scanner, checkin_scan
from events.models import CheckIn, ScanLog
from tests.factories.checkin import RegistrationFactory, door_scene, pair_device

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
    return [pair_device(scene.event, f"Cổng {n}")[1] for n in range(count)]


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


def checked_in(scene, guest) -> int:
    scanner = Scanner(device_id=scene.device.pk, event_id=scene.event.pk)
    answer = checkin_scan(scanner=scanner, list_id=scene.hall.pk, token=guest.token)
    assert answer["status"] == "ok"
    return answer["checkin"]


def test_two_undos_of_one_checkin_at_once_undo_it_once(live_server):
    scene = door_scene()
    tokens = devices(scene, 2)
    for attempt in range(5):  # five badges, each undone by two scanners at the same instant
        guest = RegistrationFactory(category=scene.delegate, full_name=f"Khách {attempt}")
        checkin_id = checked_in(scene, guest)
        payloads = [{"checkin": checkin_id, "reason": f"Quét nhầm ({n})"} for n in range(2)]
        answers = burst(f"{live_server.url}/api/checkin/annul/", tokens, payloads)
        assert sorted(a["http"] for a in answers) == [200, 409]
        assert outcomes(answers) == {"ok": 1, "already_annulled": 1}
        (winner,) = [a for a in answers if a["status"] == "ok"]
        undone = CheckIn.objects.get(pk=checkin_id)
        assert undone.annul_reason == winner["annul_reason"]


def test_control_without_the_lock_both_undos_succeed():
    """The rule "undo it unless it is already undone" without the row lock, with the two undos
    interleaved between the check and the write: both find it not undone and both "succeed"."""
    scene = door_scene()
    checkin_id = checked_in(scene, scene.khoa)
    between = threading.Barrier(2)
    answers: list[str] = []

    def naive_annul(n: int) -> None:
        try:
            with transaction.atomic():
                checkin = CheckIn.objects.get(pk=checkin_id)
                between.wait()  # both have checked before either writes
                if checkin.annulled_at is not None:
                    answers.append("already_annulled")
                    return
                checkin.annulled_at = timezone.now()
                checkin.annul_reason = f"Quét nhầm ({n})"
                checkin.save(update_fields=["annulled_at", "annul_reason"])
                answers.append("ok")
        finally:
            connection.close()

    threads = [threading.Thread(target=naive_annul, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == ["ok", "ok"]  # two undos recorded, one overwritten: the lock prevents it


def test_devices_uploading_the_same_badge_at_once_admit_it_once_and_flag_the_rest(live_server):
    """Queues uploaded at the same instant by several devices, each admitting the same badge
    offline among other guests: the batches write at once, collide on the one-entry
    constraint, and the losers are settled scan by scan: one entry, the other scans
    ``already_checked_in`` and flagged as offline conflicts; every other guest enters once."""
    scene = door_scene()
    uploaders = 6
    tokens = devices(scene, uploaders)
    others = [RegistrationFactory(category=scene.delegate) for _ in range(uploaders * 10)]
    moment = timezone.now().isoformat()
    payloads = [
        {
            "scans": [
                {"nonce": f"u{n}-{k}", "time": moment, "list": scene.hall.pk, "token": guest.token}
                for k, guest in enumerate(others[n * 10 : n * 10 + 5])
            ]
            + [
                {
                    "nonce": f"u{n}-x",
                    "time": moment,
                    "list": scene.hall.pk,
                    "token": scene.khoa.token,
                }
            ]
            + [
                {"nonce": f"u{n}-{k}", "time": moment, "list": scene.hall.pk, "token": guest.token}
                for k, guest in enumerate(others[n * 10 + 5 : n * 10 + 10], start=5)
            ],
        }
        for n in range(uploaders)
    ]
    for payload in payloads:
        for scan in payload["scans"]:
            scan["offline_answer"] = "ok"
    answers = burst(f"{live_server.url}/api/checkin/batch/", tokens, payloads)
    assert {a["http"] for a in answers} == {200}
    khoa = [a["results"][5] for a in answers]
    assert outcomes(khoa) == {"ok": 1, "already_checked_in": uploaders - 1}
    assert all(r["status"] == "ok" for a in answers for k, r in enumerate(a["results"]) if k != 5)
    assert CheckIn.objects.filter(registration=scene.khoa).count() == 1
    assert CheckIn.objects.count() == 1 + len(others)
    assert ScanLog.objects.filter(conflict=True, registration=scene.khoa).count() == uploaders - 1
