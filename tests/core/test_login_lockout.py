"""Guessing is slow and noisy (issue 13, section 3): after 10 failed logins for one account or
from one address in 15 minutes, the admin and exhibitor logins refuse even the right password,
with a translated page, and the attempts are logged (django-axes)."""

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.factories.exhibitors import make_exhibitor, make_user, user_of

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"
LOCKED = "Đăng nhập sai quá nhiều lần"


def admin_login(client, username, password, ip="203.0.113.7"):
    return client.post(
        "/admin/login/", {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def exhibitor_login(client, username, password, ip="203.0.113.7"):
    url = reverse("exhibitors:login")
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.fixture
def organizer():
    return get_user_model().objects.create_superuser(
        username="organizer", email="organizer@example.com", password=PASSWORD
    )


def test_admin_login_locks_the_account_after_ten_failures(client, organizer):
    statuses = [
        admin_login(client, "organizer", f"guess {n}", ip=f"198.51.100.{n}").status_code
        for n in range(10)
    ]
    assert statuses == [200] * 9 + [429]  # the form with its error; the 10th failure locks
    response = admin_login(client, "organizer", PASSWORD, ip="198.51.100.99")
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302  # still the login page
    # logged: ten failures, then the refused try with the right password, marked locked out
    logged = AccessFailureLog.objects.filter(username="organizer").order_by("attempt_time")
    assert [entry.locked_out for entry in logged] == [False] * 9 + [True, True]
    assert AccessAttempt.objects.filter(username="organizer").exists()


def test_admin_login_locks_the_address_after_ten_failures(client, organizer):
    for n in range(10):
        admin_login(client, f"nobody{n}", "guess")
    response = admin_login(client, "organizer", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # another address still gets in with the right password
    assert admin_login(client, "organizer", PASSWORD, ip="192.0.2.1").status_code == 302


def test_nine_failures_do_not_lock(client, organizer):
    for n in range(9):
        admin_login(client, "organizer", f"guess {n}")
    assert admin_login(client, "organizer", PASSWORD).status_code == 302


def test_exhibitor_login_locks_after_ten_failures(client):
    exhibitor = make_exhibitor(user=make_user("ha@example.com", password=PASSWORD))
    email = user_of(exhibitor).email
    statuses = [
        exhibitor_login(client, email, f"guess {n}", ip=f"198.51.100.{n}").status_code
        for n in range(10)
    ]
    assert statuses == [200] * 9 + [429]
    response = exhibitor_login(client, email, PASSWORD, ip="198.51.100.99")
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session
