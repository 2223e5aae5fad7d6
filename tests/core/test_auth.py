"""The admin's password reset sends at most a few emails per address and per client an hour
(core/auth.py); over a limit it answers as always and sends nothing."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

pytestmark = pytest.mark.django_db

RESET = "/admin/password_reset/"
DONE = "/admin/password_reset/done/"


@pytest.fixture
def organizer():
    return get_user_model().objects.create_superuser(
        username="organizer", email="organizer@example.com", password="correct horse battery"
    )


def test_resets_of_one_address_are_limited(client, organizer, settings, caplog):
    settings.EMAIL_RATE_LIMIT_ADDRESS = "3/3600"
    answers = [
        client.post(RESET, {"email": "Organizer@example.com"}, REMOTE_ADDR=f"10.0.0.{n}")
        for n in range(15)
    ]
    assert {(answer.status_code, answer["Location"]) for answer in answers} == {(302, DONE)}
    assert len(mail.outbox) == 3
    assert {tuple(message.to) for message in mail.outbox} == {("organizer@example.com",)}
    assert "admin-password-reset emails to o***@example.com over the per-address limit" in (
        caplog.text
    )


def test_resets_from_one_client_are_limited_known_address_or_not(client, organizer, settings):
    settings.EMAIL_RATE_LIMIT_IP = "10/3600"
    emails = [f"guess{n}@example.com" for n in range(10)] + ["organizer@example.com"]
    answers = [client.post(RESET, {"email": email}, REMOTE_ADDR="10.0.0.1") for email in emails]
    assert {(answer.status_code, answer["Location"]) for answer in answers} == {(302, DONE)}
    assert mail.outbox == []  # the eleventh, the only known address, is over the limit
    client.post(RESET, {"email": "organizer@example.com"}, REMOTE_ADDR="10.0.0.2")
    assert len(mail.outbox) == 1
