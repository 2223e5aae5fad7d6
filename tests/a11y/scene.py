"""The demo forum as `load_demo` builds it, plus the people who look at the audited pages."""

from types import SimpleNamespace


def demo_scene() -> SimpleNamespace:
    from django.contrib.auth import get_user_model
    from wagtail.models import Page

    from cms.demo import load_site
    from cms.models import SessionPage, Speaker, SpeakerIndexPage
    from events.checkin.demo import load_checkin
    from events.checkin.kiosk import kiosk_print_ticket
    from events.checkin.services import device_create
    from events.demo import SEED_DAY, load_event, load_registrations
    from events.enums import RegistrationStatus
    from events.models import Certificate
    from events.services.announcements import unsubscribe_token
    from exhibitors.demo import load_exhibition
    from exhibitors.enums import BookingStatus
    from exhibitors.models import Booth, BoothBooking
    from exhibitors.services.leads import lead_scan
    from tests.conftest import ensure_wagtail_tree

    ensure_wagtail_tree()
    event = load_event(day=SEED_DAY)
    load_registrations(event, registration_open=True)
    load_site(event)
    load_exhibition(event)
    checkin = load_checkin(event)
    session = SessionPage.objects.live().filter(locale__language_code="vi").order_by("path")[0]
    session_en = session.get_translation(Page.objects.get(slug="trang-chu-en").locale)
    index = SpeakerIndexPage.objects.live().filter(locale__language_code="vi").first()
    speaker = Speaker.objects.filter(session_links__isnull=False).order_by("pk").first()
    booking = BoothBooking.objects.filter(event=event, status=BookingStatus.APPROVED).first()
    taken = BoothBooking.objects.live().values("booth")
    free = Booth.objects.filter(event=event, blocked=False).exclude(pk__in=taken).first()
    registration = (
        event.registrations.filter(status=RegistrationStatus.CONFIRMED)
        .exclude(phone="")
        .order_by("pk")
        .first()
    )
    lead, _created = lead_scan(
        member=booking.exhibitor.members.first(), event=event, code=registration.token
    )
    organizer = get_user_model().objects.create_superuser("a11y-organizer", "a11y@example.com", "x")
    kiosk, _token = device_create(event=event, name="Ki-ốt sảnh", kiosk=True)
    certificate = Certificate.objects.create(
        event=event,
        registration=registration,
        full_name=registration.full_name,
        attended_on=SEED_DAY,
    )
    return SimpleNamespace(
        event=event,
        session_url=session.url,
        session_url_en=session_en.url,
        speaker_url=SpeakerIndexPage.speaker_url(index.url, speaker),
        booking=booking,
        free_booth=free.code,
        registration=registration,
        exhibitor_user=booking.exhibitor.members.first().user,
        organizer=organizer,
        pairing_path="/" + checkin["pairing_link"].split("/", 3)[3],
        certificate_code=certificate.code,
        unsubscribe_token=unsubscribe_token(registration),
        kiosk_ticket=kiosk_print_ticket(registration_id=registration.pk, device_id=kiosk.pk),
        lead=lead,
    )
