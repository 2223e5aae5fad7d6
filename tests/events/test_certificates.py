"""Certificates of attendance (events/services/certificates.py, events/pdf/certificates.py, the
verify page, the manage page's download, the admin's page): one per guest who entered a list
that counts, never twice, emailed once with the PDF; the PDF read back (pdftotext, zxing-cpp)."""

import datetime as dt
import unicodedata

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from core.models import ActivityEntry
from events.exceptions import NoCertificateLists
from events.models import Certificate, CheckIn
from events.pdf.certificates import certificate_render_pdf, certificate_verify_url
from events.services.certificates import certificates_issue
from events.services.privacy import registration_erase
from mail.services import emails_about, emails_send_due
from tests.factories.checkin import CheckInListFactory, RegistrationFactory
from tests.factories.events import make_category, make_event
from tests.factories.pdf import pdf_qr_tokens, pdf_text
from tests.factories.pdfcheck import pdf_check

NAME = "Nguyễn Thị Thu Hằng"
KIND = "registration.certificate"


@pytest.fixture
def scene(db):
    """An event with a hall that counts and a lunch list that does not; guests who entered the
    hall, only lunch, the hall but annulled, and nowhere."""
    event = make_event(name="Diễn đàn Chuyển đổi số TP Hải Phòng", name_en="Hai Phong Forum")
    category = make_category(event)
    hall = CheckInListFactory(event=event, name="Hội trường", counts_for_certificate=True)
    lunch = CheckInListFactory(event=event, name="Ăn trưa")
    guests = {
        key: RegistrationFactory(category=category, full_name=name)
        for key, name in [
            ("hang", NAME),
            ("lunch", "Trần Văn Bảo"),
            ("annulled", "Lê Thị Cúc"),
            ("absent", "Phạm Văn Dũng"),
        ]
    }
    entered = timezone.make_aware(dt.datetime(2026, 12, 27, 8, 30))
    CheckIn.objects.create(registration=guests["hang"], checkin_list=hall, created_at=entered)
    CheckIn.objects.create(registration=guests["hang"], checkin_list=lunch)
    CheckIn.objects.create(registration=guests["lunch"], checkin_list=lunch)
    CheckIn.objects.create(
        registration=guests["annulled"], checkin_list=hall, annulled_at=timezone.now()
    )
    return event, guests


@pytest.fixture
def organizer(client, django_user_model):
    user = django_user_model.objects.create_superuser("btc", "btc@example.org", "x")
    client.force_login(user)
    return user


def test_only_guests_who_entered_a_counting_list_get_one(scene):
    event, guests = scene
    issued = certificates_issue(event=event)
    assert [c.registration for c in issued] == [guests["hang"]]
    certificate = issued[0]
    assert (certificate.full_name, certificate.attended_on) == (NAME, dt.date(2026, 12, 27))
    assert len(certificate.code) == 22
    for key in ("lunch", "annulled", "absent"):
        assert not Certificate.objects.filter(registration=guests[key]).exists()


def test_issuing_twice_makes_one_certificate_and_one_email(scene, organizer):
    event, guests = scene
    assert len(certificates_issue(event=event, by=organizer)) == 1
    assert certificates_issue(event=event, by=organizer) == []
    assert Certificate.objects.count() == 1
    assert emails_about(guests["hang"]).filter(kind=KIND).count() == 1
    entries = ActivityEntry.objects.filter(action="event.certificates_issued", event_id=event.pk)
    assert [e.changes for e in entries.order_by("pk")] == [
        {"certificates": [0, 1]},
        {"certificates": [1, 1]},
    ]
    assert entries.first().actor_user == organizer


def test_the_database_refuses_a_second_certificate(scene):
    event, guests = scene
    certificates_issue(event=event)
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(
            event=event, registration=guests["hang"], full_name=NAME, attended_on=dt.date.today()
        )


def test_an_event_without_a_counting_list_is_refused(scene):
    event, _guests = scene
    event.checkin_lists.update(counts_for_certificate=False)
    with pytest.raises(NoCertificateLists):
        certificates_issue(event=event)
    assert Certificate.objects.count() == 0


def test_pdf_reads_back_the_exact_name_and_its_qr_the_verify_url(scene, tmp_path, settings):
    event, _guests = scene
    certificate = certificates_issue(event=event)[0]
    pdf = certificate_render_pdf(certificate=certificate)
    report = pdf_check(pdf)
    assert report.pages == 1
    assert report.info["Page size"] == "841.89 x 595.276 pts (A4)"  # landscape: wider than tall
    text = unicodedata.normalize("NFC", pdf_text(pdf))
    assert NAME in text
    assert "Diễn đàn Chuyển đổi số TP Hải Phòng" in text
    assert "27/12/2026" in text
    assert "GIẤY CHỨNG NHẬN THAM DỰ" in text
    url = f"{settings.BASE_URL.rstrip('/')}/verify/{certificate.code}/"
    assert certificate_verify_url(certificate) == url
    assert pdf_qr_tokens(pdf, tmp_path) == [url]


def test_the_email_carries_the_pdf_once(scene, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    event, guests = scene
    certificates_issue(event=event)
    certificates_issue(event=event)
    assert emails_send_due(now=timezone.now() + dt.timedelta(minutes=1)) == 1
    [message] = mail.outbox
    assert message.to == [guests["hang"].email]
    assert message.subject == "Giấy chứng nhận tham dự của bạn: Diễn đàn Chuyển đổi số TP Hải Phòng"
    assert "Cảm ơn bạn đã tham dự Diễn đàn Chuyển đổi số TP Hải Phòng." in message.body
    assert f"/registration/{guests['hang'].manage_secret}/" in message.body
    assert f"/registration/{guests['hang'].manage_secret}/certificate.pdf" in message.body
    # Its own words: nothing of the badge email it once borrowed its layout from.
    html = message.alternatives[0][0]
    for text in (message.body, html):
        assert "thẻ đại biểu" not in text.lower() and "check-in" not in text.lower()
    [(filename, content, mimetype)] = message.attachments
    assert (filename, mimetype) == ("certificate-nguyen-thi-thu-hang.pdf", "application/pdf")
    assert NAME in unicodedata.normalize("NFC", pdf_text(content))


def test_verify_page_shows_name_event_and_date_only(scene, client):
    event, guests = scene
    certificate = certificates_issue(event=event)[0]
    response = client.get(f"/verify/{certificate.code}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Giấy chứng nhận này là thật." in html
    assert NAME in html and event.name in html and "27/12/2026" in html
    assert guests["hang"].email not in html
    assert guests["hang"].organization not in html
    english = client.get(f"/en/verify/{certificate.code}/").content.decode()
    assert "This certificate is genuine." in english and "Hai Phong Forum" in english


def test_verify_page_of_an_unknown_code_is_a_translated_404(scene, client):
    certificates_issue(event=scene[0])
    response = client.get("/verify/khong-co-ma-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()
    english = client.get("/en/verify/khong-co-ma-nay/")
    assert english.status_code == 404
    assert "Page not found" in english.content.decode()


def test_manage_page_offers_the_certificate_once_issued(scene, client):
    event, guests = scene
    guest = guests["hang"]
    manage = reverse("events:manage", args=[guest.manage_secret])
    download = reverse("events:manage_certificate_pdf", args=[guest.manage_secret])
    assert download not in client.get(manage).content.decode()
    assert client.get(download).status_code == 404
    certificates_issue(event=event)
    assert download in client.get(manage).content.decode()
    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert NAME in unicodedata.normalize("NFC", pdf_text(response.content))


def test_admin_page_counts_and_issues(scene, client, organizer):
    event, _guests = scene
    url = reverse("events_certificates", args=[event.pk])
    html = client.get(url).content.decode()
    assert 'data-owed="1"' in html
    assert "Hội trường" in html
    assert client.post(url).status_code == 302
    assert Certificate.objects.filter(event=event).count() == 1
    assert 'data-owed="0"' in client.get(url).content.decode()
    events_list = client.get(reverse("wagtailsnippets_events_event:list")).content.decode()
    assert url in events_list


def test_admin_page_needs_the_manage_permission(scene, client, django_user_model):
    event, _guests = scene
    user = django_user_model.objects.create_user("xem", "xem@example.org", "x")
    codenames = ["access_admin", "view_registration"]
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    client.force_login(user)
    url = reverse("events_certificates", args=[event.pk])
    refused = client.post(url)  # Wagtail answers a PermissionDenied with its home page
    assert (refused.status_code, refused["Location"]) == (302, reverse("wagtailadmin_home"))
    assert Certificate.objects.count() == 0


def test_erasing_the_guests_data_deletes_the_certificate(scene, client):
    event, guests = scene
    certificate = certificates_issue(event=event)[0]
    registration_erase(registration=guests["hang"])
    assert not Certificate.objects.filter(pk=certificate.pk).exists()
    assert client.get(f"/verify/{certificate.code}/").status_code == 404


def test_organizers_choose_the_lists_that_count_in_the_admin(scene, client, organizer):
    event, _guests = scene
    lunch = event.checkin_lists.get(name="Ăn trưa")
    response = client.post(
        reverse("checkin_lists:edit", args=[lunch.pk]),
        {"event": event.pk, "name": "Ăn trưa", "sort_order": 0, "counts_for_certificate": "on"},
    )
    assert response.status_code == 302
    lunch.refresh_from_db()
    assert lunch.counts_for_certificate is True
    issued = certificates_issue(event=event)
    assert sorted(c.full_name for c in issued) == sorted([NAME, "Trần Văn Bảo"])
