"""The public pages: form (vi/en), errors that save nothing, honeypot, rate limit, the
confirmation link, the manage page (badge, PDF, .ics, edit, cancel). Never a 500."""

import re
import unicodedata

import icalendar
import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from events.enums import RegistrationStatus as S
from events.models import Invitation, Registration
from events.services import registration_create
from tests.factories.events import make_category, make_event, person
from tests.factories.pdf import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_state():
    """A fresh rate limit, and Vietnamese active: a request to /en/ leaves English active in
    this thread, and ``reverse`` would then give /en/ URLs."""
    cache.clear()
    with translation.override("vi"):
        yield
    cache.clear()


@pytest.fixture
def event():
    event = make_event()
    make_category(event, name="Đại biểu", slug="dai-bieu", capacity=100)
    make_category(event, name="Khách mời VIP", slug="vip", is_public=False)
    return event


def form_data(event, **changes):
    data = {
        "full_name": "Nguyễn Văn Khoa",
        "email": "khoa@example.com",
        "phone": "0912 345 678",
        "organization": "VNPT Hải Phòng",
        "title": "Kỹ sư",
        "category": event.categories.get(slug="dai-bieu").pk,
        "needs": "",
        "consent": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def post(client, event, **changes):
    url = reverse("events:register", args=[event.slug])
    return client.post(url, form_data(event, **changes))


def test_form_shows_public_categories_only_in_vietnamese_and_english(client, event):
    response = client.get(reverse("events:register", args=[event.slug]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Đại biểu" in body and "Khách mời VIP" not in body
    assert "13/2023/NĐ-CP" in body
    assert 'name="website"' in body  # the honeypot
    english = client.get("/en" + reverse("events:register", args=[event.slug]))
    assert english.status_code == 200
    assert "Full name" in english.content.decode()


def test_register_confirm_and_manage_end_to_end(client, event, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, event, full_name=unicodedata.normalize("NFD", "Nguyễn Văn Khoa"))
    assert response.status_code == 302
    assert response.url == reverse("events:register_sent", args=[event.slug])
    registration = Registration.objects.get()
    assert (registration.full_name, registration.phone) == ("Nguyễn Văn Khoa", "+84912345678")
    assert registration.status == S.PENDING_EMAIL
    path = re.search(r"http://[^/]+(/register/confirm/\S+/)", mail.outbox[0].body).group(1)
    page = client.get(path)
    assert page.status_code == 200 and "Nguyễn Văn Khoa" in page.content.decode()
    registration.refresh_from_db()
    assert registration.status == S.PENDING_EMAIL  # a GET (mail scanners) confirms nothing
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(path)
    manage_url = reverse("events:manage", args=[registration.manage_secret])
    assert confirmed.status_code == 302 and confirmed.url == manage_url
    registration.refresh_from_db()
    assert registration.status == S.CONFIRMED
    again = client.post(path)
    assert again.status_code == 400  # single use
    assert "Đường dẫn xác nhận này đã được sử dụng." in again.content.decode()
    assert "Địa chỉ email của bạn đã được xác nhận." in again.content.decode()
    assert manage_url not in again.content.decode()  # the link alone never opens the registration
    manage = client.get(manage_url).content.decode()
    assert "<svg" in manage and "Nguyễn Văn Khoa" in manage
    pdf = client.get(reverse("events:manage_badge_pdf", args=[registration.manage_secret]))
    assert pdf["Content-Type"] == "application/pdf"
    assert "Nguyễn Văn Khoa" in pdf_text(pdf.content)
    assert pdf["Content-Disposition"] == 'inline; filename="badge-nguyen-van-khoa.pdf"'
    assert "no-store" in pdf["Cache-Control"]  # the badge carries the QR secret
    ics = client.get(reverse("events:manage_ics", args=[registration.manage_secret]))
    assert ics["Content-Type"].startswith("text/calendar") and b"BEGIN:VEVENT" in ics.content
    [vevent] = icalendar.Calendar.from_ical(ics.content).walk("VEVENT")
    assert str(vevent["UID"]) == f"event-{registration.event_id}@127.0.0.1:8000"
    assert vevent["DTSTART"].params["TZID"] == "Asia/Ho_Chi_Minh"
    assert vevent.decoded("DTSTART") == registration.event.starts_at.replace(microsecond=0)
    assert b"BEGIN:VTIMEZONE" in ics.content
    assert ics["Content-Disposition"] == f'attachment; filename="{registration.event.slug}.ics"'


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"email": "khoa@"}, "email", "Nhập địa chỉ email."),
        ({"phone": "12345"}, "phone", "Nhập số điện thoại hợp lệ"),
        ({"consent": None}, "consent", "Cần có sự đồng ý của bạn để đăng ký."),
        ({"full_name": "x" * 121}, "full_name", "tối đa 120 kí tự"),
        ({"needs": "x" * 1001}, "needs", "tối đa 1000 kí tự"),
        ({"invitation_code": "WRONG"}, "invitation_code", "Mã mời không tồn tại"),
        ({"category": "999999"}, "category", "Hãy chọn một lựa chọn hợp lệ"),
    ],
)
def test_bad_input_gets_a_translated_error_and_saves_nothing(
    client, event, changes, field, message
):
    response = post(client, event, **changes)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    assert message in " ".join(errors[field])
    assert Registration.objects.count() == 0


def test_invite_only_category_cannot_be_forced_by_id(client, event):
    vip = event.categories.get(slug="vip")
    response = post(client, event, category=str(vip.pk))
    assert response.status_code == 200
    assert "category" in response.context["form"].errors
    assert Registration.objects.count() == 0


def test_invitation_code_registers_in_the_invited_category_once(client, event):
    vip = event.categories.get(slug="vip")
    code = Invitation.objects.create(event=event, category=vip).code
    assert post(client, event, invitation_code=code.lower(), category="").status_code == 302
    assert Registration.objects.get().category == vip
    used = post(client, event, email="other@example.com", invitation_code=code)
    assert "invitation_code" in used.context["form"].errors
    assert Registration.objects.count() == 1


def page_without_secrets(response) -> str:
    """The page, less what differs each time it is shown (CSRF token, the form's key)."""
    return re.sub(
        r'name="(?:csrfmiddlewaretoken|form_key)" value="[^"]*"', "", response.content.decode()
    )


def test_a_known_email_gets_the_same_answer_and_its_owner_an_email(
    client, event, django_capture_on_commit_callbacks
):
    """The form answers the same whether or not the address is registered (it never says
    "already registered"); the owner hears of the attempt by email, with their link."""
    with django_capture_on_commit_callbacks(execute=True):
        post(client, event)
    registration = Registration.objects.get()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        unknown = post(client, event, email="lan@example.com")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        known = post(client, event, email="KHOA@example.com", full_name="Kẻ Lạ")
    assert (known.status_code, known.url) == (unknown.status_code, unknown.url)
    assert known.url == reverse("events:register_sent", args=[event.slug])
    assert Registration.objects.filter(email__iexact="khoa@example.com").count() == 1
    assert Registration.objects.get(pk=registration.pk).full_name == "Nguyễn Văn Khoa"
    [notice] = mail.outbox
    assert notice.to == ["khoa@example.com"]
    assert notice.subject.startswith("Bạn đã đăng ký rồi: ")
    # Still unconfirmed: the notice carries the confirmation link again, never the manage link.
    assert "/register/confirm/" in notice.body
    assert registration.manage_secret not in notice.body
    sent_known = client.get(known.url)
    client.session.flush()
    sent_unknown = client.get(unknown.url)
    assert sent_known.status_code == sent_unknown.status_code == 200


def test_a_confirmed_registrant_is_told_with_the_manage_link(
    client, event, django_capture_on_commit_callbacks
):
    registration = registration_create(
        event=event,
        category=event.categories.get(slug="dai-bieu"),
        skip_email_confirmation=True,
        language="en",
        full_name="Nguyễn Văn Khoa",
        email="khoa@example.com",
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, event)
    assert response.status_code == 302
    [notice] = mail.outbox
    assert notice.subject.startswith("You are already registered: ")  # the owner's language
    assert reverse("events:manage", args=[registration.manage_secret]) in notice.body
    assert Registration.objects.count() == 1
    registration.refresh_from_db()
    assert registration.status == S.CONFIRMED


def test_the_answer_is_the_same_page_for_a_known_and_an_unknown_email(client, event):
    """Followed to the end, a known and an unknown address get the same page, byte for byte
    (but the address itself)."""
    post(client, event)
    url = reverse("events:register", args=[event.slug])
    pages = [
        client.post(url, form_data(event, email=email), follow=True)
        for email in ("khoa@example.com", "lan@example.com")
    ]
    assert [page.status_code for page in pages] == [200, 200]
    assert [page.redirect_chain for page in pages] == [
        [(reverse("events:register_sent", args=[event.slug]), 302)]
    ] * 2
    known, unknown = (page_without_secrets(page) for page in pages)
    assert "khoa@example.com" in known
    assert known == unknown.replace("lan@example.com", "khoa@example.com")


def form_key_of(page) -> str:
    return re.search(r'name="form_key" value="([^"]+)"', page.content.decode()).group(1)


def test_the_same_form_sent_twice_leads_to_the_registration_it_made(
    client, event, django_capture_on_commit_callbacks
):
    """A guest whose answer was lost sends the form again: the same "check your email" page,
    one registration, one email (not an error, not a notice that someone registered again)."""
    url = reverse("events:register", args=[event.slug])
    key = form_key_of(client.get(url))
    assert key != form_key_of(client.get(url))  # a key for each form shown
    with django_capture_on_commit_callbacks(execute=True):
        answers = [client.post(url, form_data(event, form_key=key)) for _ in range(2)]
    assert [(answer.status_code, answer.url) for answer in answers] == [
        (302, reverse("events:register_sent", args=[event.slug]))
    ] * 2
    registration = Registration.objects.get()
    assert registration.idempotency_key == key
    [message] = mail.outbox
    assert "/register/confirm/" in message.body


def test_a_form_key_that_is_no_key_still_registers(client, event):
    response = post(client, event, form_key="<script>")
    assert response.status_code == 302
    assert Registration.objects.get().idempotency_key == ""


def test_notices_to_a_known_email_are_limited(
    client, event, settings, django_capture_on_commit_callbacks, caplog
):
    settings.EMAIL_RATE_LIMIT_ADDRESS = "2/3600"
    url = reverse("events:register", args=[event.slug])
    post(client, event)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        answers = [client.post(url, form_data(event), REMOTE_ADDR=f"10.0.0.{n}") for n in range(4)]
    assert [answer.status_code for answer in answers] == [302, 302, 302, 302]
    assert len(mail.outbox) == 2
    assert Registration.objects.count() == 1
    assert "register-again emails to k***@example.com over the per-address limit" in caplog.text


def test_the_manage_link_form_is_limited_per_address(
    client, event, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_RATE_LIMIT_ADDRESS = "2/3600"
    post(client, event)
    mail.outbox.clear()
    url = reverse("events:resend_link", args=[event.slug])
    with django_capture_on_commit_callbacks(execute=True):
        answers = [client.post(url, {"email": "khoa@example.com"}) for _ in range(3)]
    assert [answer.status_code for answer in answers] == [302, 302, 302]
    assert len(mail.outbox) == 2  # still unconfirmed: the confirmation link again, twice


def test_closed_registration_shows_a_message_and_saves_nothing(client):
    import datetime as dt

    from django.utils import timezone

    event = make_event(closes=timezone.now() - dt.timedelta(hours=1))
    make_category(event, slug="dai-bieu")
    page = client.get(reverse("events:register", args=[event.slug]))
    assert "Sự kiện này đã hết hạn đăng ký." in page.content.decode()
    response = post(client, event)
    assert response.status_code == 200
    assert Registration.objects.count() == 0


def test_honeypot_pretends_success_and_saves_nothing(client, event):
    response = post(client, event, website="http://spam.example")
    assert response.status_code == 302
    assert Registration.objects.count() == 0
    assert mail.outbox == []


def test_rate_limit_per_ip(client, event, settings):
    settings.REGISTRATION_RATE_LIMIT = "3/600"
    statuses = [post(client, event, email=f"r{n}@example.com").status_code for n in range(4)]
    assert statuses == [302, 302, 302, 200]
    assert Registration.objects.count() == 3
    other_ip = client.post(
        reverse("events:register", args=[event.slug]),
        form_data(event, email="r9@example.com"),
        REMOTE_ADDR="10.0.0.9",
    )
    assert other_ip.status_code == 302


def test_a_mail_server_that_is_down_does_not_break_the_form(client, event, settings):
    settings.EMAIL_BACKEND = "tests.factories.mail.BrokenEmailBackend"
    response = post(client, event)
    assert response.status_code == 302
    assert Registration.objects.get().status == S.PENDING_EMAIL


@pytest.mark.parametrize(
    "path",
    [
        "/register/confirm/garbage/",
        "/register/confirm/" + "x" * 500 + "/",
        "/registration/unknown-secret/",
        "/registration/unknown-secret/badge.pdf",
        "/registration/" + "y" * 300 + "/edit/",
        "/register/no-such-event/",
    ],
)
def test_garbage_links_never_give_a_500(client, path):
    assert client.get(path).status_code in (400, 404)
    assert client.post(path).status_code in (400, 404, 405)


def test_garbage_form_posts_never_give_a_500(client, event):
    url = reverse("events:register", args=[event.slug])
    for data in [{}, {"category": "abc"}, {"email": ["a", "b"]}, {"full_name": "\x00"}]:
        assert client.post(url, data).status_code == 200


def test_manage_edit_a_name_change_reissues_the_badge(client, event):
    registration = registration_create(
        event=event,
        category=event.categories.get(slug="dai-bieu"),
        skip_email_confirmation=True,
        **person(1),
    )
    old_token = registration.token
    url = reverse("events:manage_edit", args=[registration.manage_secret])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "full_name": "Đỗ Thị Hà",
            "phone": "0987654321",
            "organization": "FPT",
            "title": "",
            "needs": "",
            "language": "vi",
        },
    )
    assert response.status_code == 302
    registration.refresh_from_db()
    assert (registration.full_name, registration.phone) == ("Đỗ Thị Hà", "+84987654321")
    assert registration.token != old_token
    bad = client.post(url, {"full_name": "", "phone": "1", "language": "vi"})
    assert bad.status_code == 200
    registration.refresh_from_db()
    assert registration.full_name == "Đỗ Thị Hà"


def test_manage_cancel_frees_the_seat_for_the_waitlist(client):
    event = make_event()
    category = make_category(event, capacity=1)
    seated = registration_create(
        event=event, category=category, skip_email_confirmation=True, **person(1)
    )
    waiting = registration_create(
        event=event, category=category, skip_email_confirmation=True, **person(2)
    )
    url = reverse("events:manage_cancel", args=[seated.manage_secret])
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    seated.refresh_from_db()
    waiting.refresh_from_db()
    assert (seated.status, waiting.status) == (S.CANCELLED, S.CONFIRMED)
    badge = client.get(reverse("events:manage_badge_pdf", args=[seated.manage_secret]))
    assert badge.status_code == 404
