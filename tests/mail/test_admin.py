"""The outbox in the admin: organizers see every email with its status and error, filter and
search them, open one, and resend it; nobody edits, adds or deletes one."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from mail.admin import emails_admin_url
from mail.models import Email
from mail.services import email_send, emails_about
from tests.factories.events import make_category, make_event
from tests.factories.events import person as person_details

pytestmark = pytest.mark.django_db

INDEX = "/admin/mail/emails/"


@pytest.fixture
def organizer():
    return get_user_model().objects.create_superuser("btc", "btc@example.com", "x")


@pytest.fixture
def two_emails(settings):
    """One sent to nguoi1, one that failed for nguoi2 (the mail server was down)."""
    from events.services import registration_create

    event = make_event()
    category = make_category(event)
    first = registration_create(event=event, category=category, **person_details(1))
    second = registration_create(event=event, category=category, **person_details(2))
    settings.MAIL_MAX_ATTEMPTS = 1
    settings.EMAIL_BACKEND = "tests.factories.mail.BrokenEmailBackend"
    email_send(email_id=emails_about(second).get().pk)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    email_send(email_id=emails_about(first).get().pk)
    return first, second


def test_the_list_shows_status_kind_recipient_attempts_and_error(client, organizer, two_emails):
    client.force_login(organizer)
    response = client.get(INDEX)
    assert response.status_code == 200
    page = response.content.decode()
    assert "nguoi1@example.com" in page and "nguoi2@example.com" in page
    assert "ConnectionRefusedError: SMTP server down" in page
    assert "Xác nhận địa chỉ email" in page  # the kind's label
    assert "Thất bại sau nhiều lần thử" in page and "Đã gửi" in page


def test_filters_and_search(client, organizer, two_emails):
    client.force_login(organizer)
    failed = client.get(INDEX, {"status": "failed"}).content.decode()
    assert "nguoi2@example.com" in failed and "nguoi1@example.com" not in failed
    found = client.get(INDEX, {"q": "nguoi1"}).content.decode()
    assert "nguoi1@example.com" in found and "nguoi2@example.com" not in found
    first, _second = two_emails
    about = client.get(emails_admin_url(first)).content.decode()
    assert "nguoi1@example.com" in about and "nguoi2@example.com" not in about


def test_inspect_and_resend_a_failed_email(
    client, organizer, two_emails, django_capture_on_commit_callbacks
):
    client.force_login(organizer)
    _first, second = two_emails
    failed = emails_about(second).get()
    page = client.get(f"{INDEX}inspect/{failed.pk}/").content.decode()
    assert failed.message_id.replace("<", "&lt;").replace(">", "&gt;") in page
    assert f"{INDEX}{failed.pk}/resend/" in page
    assert client.get(f"{INDEX}{failed.pk}/resend/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{INDEX}{failed.pk}/resend/")
    again = Email.objects.get(resent_from=failed)
    assert response.status_code == 302 and response["Location"].endswith(f"/{again.pk}/")
    assert (again.status, again.created_by, again.to) == ("sent", organizer, failed.to)
    failed.refresh_from_db()
    assert failed.status == "failed"


def test_an_email_still_pending_is_not_resent_and_says_why(client, organizer):
    from events.services import registration_create

    client.force_login(organizer)
    event = make_event()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("mail.services._enqueue", lambda *args, **kwargs: None)
        registration = registration_create(
            event=event, category=make_category(event), **person_details(1)
        )
    pending = emails_about(registration).get()
    response = client.post(f"{INDEX}{pending.pk}/resend/", follow=True)
    assert "Thư này vẫn đang chờ gửi: chưa có gì để gửi lại." in response.content.decode()
    assert Email.objects.count() == 1


def test_the_outbox_is_read_only_and_resend_needs_its_permission(client, two_emails):
    first, _second = two_emails
    email = emails_about(first).get()
    viewer = get_user_model().objects.create_user("xem", "xem@example.com", "x")
    group = Group.objects.create(name="Xem thư")
    group.permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_email"),
    )
    viewer.groups.add(group)
    client.force_login(viewer)
    assert client.get(INDEX).status_code == 200
    assert client.get(f"{INDEX}inspect/{email.pk}/").status_code == 200
    refused = client.post(f"{INDEX}{email.pk}/resend/")  # Wagtail: back to the dashboard
    assert (refused.status_code, refused["Location"]) == (302, "/admin/")
    assert client.get(f"{INDEX}edit/{email.pk}/").status_code in (302, 403, 404)
    assert client.get(f"{INDEX}delete/{email.pk}/").status_code in (302, 403, 404)
    assert client.get(f"{INDEX}new/").status_code in (302, 403, 404)
    assert Email.objects.count() == 2
