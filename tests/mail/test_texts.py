"""The words of the emails: a default per kind and language, which an organizer may replace
for one event and one language (Settings → Email texts), with the kind's placeholders only;
a preview for a sample guest and "send me a test" through the outbox."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import translation

from core.models import ActivityEntry
from events.services import registration_create
from mail.models import Email, EmailText
from mail.services import email_text_save, emails_about
from mail.texts import email_words, text_check, text_kinds, text_spec
from tests.factories.events import make_category, make_event, person

pytestmark = pytest.mark.django_db

CONFIRM = "registration.confirm_email"
TEXTS = "/admin/mail/texts/"


@pytest.fixture
def organizer():
    return get_user_model().objects.create_superuser("btc", "btc@example.com", "x")


def words(event, language="vi", kind=CONFIRM, **fields) -> EmailText:
    fields = {
        "subject": "Mời xác nhận: {{ event }}",
        "body": "Thân gửi {{ name }},\n\nBấm vào đây: {{ confirm_link }}",
        **fields,
    }
    return EmailText.objects.create(event=event, kind=kind, language=language, **fields)


def register(event, n: int, language: str, capture):
    with capture(execute=True):
        registration_create(
            event=event, category=make_category(event), language=language, **person(n)
        )
    return mail.outbox[-1]


def test_an_override_is_used_for_its_event_and_language_only(django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    forum, other = make_event(), make_event(name="Hội chợ khác")
    words(forum, "vi")

    mine = register(forum, 1, "vi", capture)
    assert mine.subject == "Mời xác nhận: Diễn đàn Chuyển đổi số TP Hải Phòng"
    assert mine.body.startswith("Thân gửi Người Tham Dự 1,\n\nBấm vào đây: http")
    assert "/register/confirm/" in mine.body.split("\n")[2]
    html = mine.alternatives[0][0]
    assert "<p>Thân gửi Người Tham Dự 1,</p>" in html
    assert "Kính gửi" not in mine.body  # the default greeting is replaced, not added

    english = register(forum, 2, "en", capture)  # the same event, another language
    assert english.subject == "Confirm your registration: Diễn đàn Chuyển đổi số TP Hải Phòng"
    assert english.body.startswith("Dear Người Tham Dự 2,\n\nThank you for registering for")

    elsewhere = register(other, 3, "vi", capture)  # another event, the same language
    assert elsewhere.subject == "Xác nhận đăng ký: Hội chợ khác"
    assert elsewhere.body.startswith("Kính gửi Người Tham Dự 3,\n\nCảm ơn bạn đã đăng ký")


def test_unknown_placeholders_tags_and_filters_are_refused_with_a_translated_message():
    placeholders = text_spec(CONFIRM).placeholders
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        text_check("Chào {{ ten }} và {{ name }}", placeholders)
    message = refused.value.messages[0]
    assert message.startswith("Biến thay thế không hợp lệ: {{ ten }}. Email này có thể dùng:")
    assert "{{ confirm_link }}" in message and "{{ manage_link }}" not in message
    for bad in (
        "{% if name %}x{% endif %}",
        "{% load static %}",
        "{{ name|upper }}",
        "{{ name.upper }}",
        '{{ "chữ" }}',
        "{% unknown_tag %}",
        "{{ }}",
    ):
        with pytest.raises(ValidationError):
            text_check(bad, placeholders)
    text_check("{# ghi chú #}Chào {{ name }}, {{event}}", placeholders)  # what is allowed


def test_the_admin_refuses_to_save_unknown_placeholders_and_tags(client, organizer):
    event = make_event()
    client.force_login(organizer)
    data = {"event": event.pk, "kind": CONFIRM, "language": "vi", "subject": "{{ event }}"}
    response = client.post(f"{TEXTS}new/", {**data, "body": "Chào {{ ho_ten }}"})
    assert response.status_code == 200
    assert "Biến thay thế không hợp lệ: {{ ho_ten }}" in response.content.decode()
    response = client.post(f"{TEXTS}new/", {**data, "body": "{% now 'Y' %} {{ name }}"})
    assert "không dùng thẻ lệnh ({% %})" in response.content.decode()
    # A booth is not a registration's placeholder.
    response = client.post(f"{TEXTS}new/", {**data, "body": "Gian {{ booth }}"})
    assert "Biến thay thế không hợp lệ: {{ booth }}" in response.content.decode()
    assert not EmailText.objects.exists()

    response = client.post(f"{TEXTS}new/", {**data, "body": "Chào {{ name }}"})
    assert response.status_code == 302
    text = EmailText.objects.get()
    assert (text.body, text.updated_by) == ("Chào {{ name }}", organizer)
    entry = ActivityEntry.objects.get(action="email_text.created")
    assert (entry.actor_user, entry.event_id) == (organizer, event.pk)
    edit = client.get(f"{TEXTS}edit/{text.pk}/").content.decode()
    assert f"{TEXTS}{text.pk}/preview/" in edit  # "Preview and test"
    assert "Các biến thay thế của email này: {{ name }}: họ và tên của khách;" in edit
    assert "{{ booth }}" not in edit  # the help names this email's placeholders only
    # One text per event, kind and language.
    again = client.post(f"{TEXTS}new/", {**data, "body": "Chào lại {{ name }}"})
    assert again.status_code == 200 and EmailText.objects.count() == 1


def test_the_add_form_starts_from_the_default_words(client, organizer):
    event = make_event()
    client.force_login(organizer)
    page = client.get(f"{TEXTS}new/", {"event": event.pk, "kind": CONFIRM, "language": "en"})
    assert page.status_code == 200
    content = page.content.decode()
    assert "Confirm your registration: {{ event }}" in content
    assert "{{ confirm_link }}: đường dẫn xác nhận địa chỉ email" in content  # the help


def test_html_in_an_override_is_escaped(django_capture_on_commit_callbacks):
    event = make_event(name="Diễn đàn <b>Số</b>")
    words(event, body='<a href="https://evil.example">Bấm</a> {{ name }}\n<script>x()</script>')
    message = register(event, 1, "vi", django_capture_on_commit_callbacks)
    html = message.alternatives[0][0]
    assert "<script>" not in html and '<a href="https://evil.example">' not in html
    assert "&lt;script&gt;x()&lt;/script&gt;" in html
    assert "Diễn đàn &lt;b&gt;Số&lt;/b&gt;" in html
    assert message.body.startswith('<a href="https://evil.example">Bấm</a> Người Tham Dự 1')


def test_every_default_reads_in_every_language():
    """A translation that breaks a placeholder would fail every email of its kind."""
    for kind in text_kinds():
        spec = text_spec(kind)
        for language in ("vi", "en"):
            with translation.override(language):
                text_check(str(spec.subject), spec.placeholders)
                text_check(str(spec.body), spec.placeholders)
    with translation.override("vi"):
        rendered = email_words(CONFIRM, values={"event": "Diễn đàn", "name": "An"})
    assert rendered.subject == "Xác nhận đăng ký: Diễn đàn"
    assert rendered.text.startswith("Kính gửi An,\n\nCảm ơn bạn đã đăng ký tham dự Diễn đàn.")


def test_the_preview_shows_a_sample_guest_to_an_organizer(client, organizer):
    event = make_event()
    text = words(event)
    client.force_login(organizer)
    page = client.get(f"{TEXTS}{text.pk}/preview/")
    assert page.status_code == 200
    content = page.content.decode()
    assert "Thân gửi Nguyễn Văn An," in content  # nobody registered yet: a made-up guest
    assert "/register/confirm/xem-truoc/" in content  # a made-up link

    registration = registration_create(event=event, category=make_category(event), **person(7))
    content = client.get(f"{TEXTS}{text.pk}/preview/").content.decode()
    assert "Thân gửi Người Tham Dự 7," in content
    assert registration.manage_secret not in content  # never a real guest's link


def test_preview_and_test_need_the_permission(client):
    text = words(make_event())
    viewer = get_user_model().objects.create_user("xem", "xem@example.com", "x")
    may = Permission.objects.filter(codename__in=["access_admin", "view_emailtext"])
    viewer.user_permissions.add(*may)
    client.force_login(viewer)
    refused = client.get(f"{TEXTS}{text.pk}/preview/")
    assert (refused.status_code, refused["Location"]) == (302, "/admin/")
    assert client.post(f"{TEXTS}{text.pk}/preview/").status_code == 302
    assert not Email.objects.exists()

    viewer.user_permissions.add(Permission.objects.get(codename="change_emailtext"))
    viewer = get_user_model().objects.get(pk=viewer.pk)  # the permission cache
    client.force_login(viewer)
    assert client.get(f"{TEXTS}{text.pk}/preview/").status_code == 200


def test_send_me_a_test_queues_one_email_to_the_user(
    client, organizer, django_capture_on_commit_callbacks
):
    event = make_event()
    text = words(event, language="en", subject="Please confirm: {{ event }}", body="Hi {{ name }}")
    client.force_login(organizer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{TEXTS}{text.pk}/preview/")
    assert response.status_code == 302
    (email,) = Email.objects.all()
    assert (email.kind, email.to, email.language, email.status) == (
        "mail.test",
        "btc@example.com",
        "en",
        "sent",
    )
    assert emails_about(text).get() == email
    (message,) = mail.outbox
    assert message.subject == "[Test] Please confirm: Diễn đàn Chuyển đổi số TP Hải Phòng"
    assert message.body == "Hi Nguyễn Văn An"
    assert message.to == ["btc@example.com"]
    entry = ActivityEntry.objects.get(action="email_text.test_sent")
    assert (entry.actor_user, entry.object_id) == (organizer, str(text.pk))


def test_a_user_without_an_address_is_told_so(client, organizer):
    organizer.email = ""
    organizer.save()
    text = words(make_event())
    client.force_login(organizer)
    response = client.post(f"{TEXTS}{text.pk}/preview/", follow=True)
    assert "Tài khoản của bạn chưa có địa chỉ email" in response.content.decode()
    assert not Email.objects.exists()


def test_a_change_and_a_deletion_are_logged_and_deletion_restores_the_default(
    client, organizer, django_capture_on_commit_callbacks
):
    event = make_event()
    text = words(event)
    text.subject = "Xác nhận nhé: {{ event }}"
    email_text_save(text=text, by=organizer)
    entry = ActivityEntry.objects.get(action="email_text.updated")
    assert entry.changes == {"subject": ["Mời xác nhận: {{ event }}", "Xác nhận nhé: {{ event }}"]}
    client.force_login(organizer)
    assert client.post(f"{TEXTS}delete/{text.pk}/").status_code == 302
    assert not EmailText.objects.exists()
    assert ActivityEntry.objects.filter(action="email_text.deleted").count() == 1
    message = register(event, 1, "vi", django_capture_on_commit_callbacks)
    assert message.subject.startswith("Xác nhận đăng ký:")


def test_words_that_no_longer_read_fall_back_to_the_default(django_capture_on_commit_callbacks):
    """Checked on save; a kind that lost a placeholder in an upgrade still sends its email."""
    event = make_event()
    words(event, body="Chào {{ placeholder_of_old }}")  # objects.create: no clean()
    message = register(event, 1, "vi", django_capture_on_commit_callbacks)
    assert message.body.startswith("Kính gửi Người Tham Dự 1,")


def test_the_defaults_page_lists_every_email_with_a_link_to_start_from_it(client, organizer):
    client.force_login(organizer)
    assert f'href="{TEXTS}defaults/"' in client.get(TEXTS).content.decode()
    page = client.get(f"{TEXTS}defaults/")
    assert page.status_code == 200
    content = page.content.decode()
    assert "Xác nhận đăng ký: {{ event }}" in content and "Confirm your registration" in content
    assert "Gian hàng {{ booth }} đang được giữ cho bạn" in content
    assert f"{TEXTS}new/?kind=registration.certificate&amp;language=en" in content


def test_the_preview_of_a_booking_email_has_a_made_up_exhibitor(client, organizer):
    event = make_event()
    text = words(
        event,
        kind="booking.move",
        subject="Chuyển gian {{ old_booth }} → {{ booth }}",
        body="Kính gửi {{ name }},\n\nGiá: {{ price }}. Xem: {{ booking_link }}",
    )
    client.force_login(organizer)
    content = client.get(f"{TEXTS}{text.pk}/preview/").content.decode()
    assert "Chuyển gian B07 → A12" in content
    assert "Kính gửi Công ty TNHH Sen Vàng," in content
    assert "Giá: 12.000.000" in content
    assert '/exhibitor/bookings/1/" rel="nofollow">' in content  # a link, clickable
