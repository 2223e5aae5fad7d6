"""The emails to registrants, in their language, HTML and text, with the badge and the .ics:
the builders of the outbox's "registration.*" kinds (registered in mail_kinds.py)."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.links import absolute_url
from core.localized import localized_text
from core.time import HCM
from events.enums import RegistrationEmailKind, RegistrationStatus
from events.ics import event_ics
from events.models import Certificate, Registration
from mail.texts import GREETING, email_words, text_register

Kind = RegistrationEmailKind
Status = RegistrationStatus

#: Kinds whose email carries the badge PDF and the .ics.
WITH_BADGE = {Kind.CONFIRMED, Kind.PROMOTED, Kind.BADGE_REISSUED, Kind.REMINDER}


def confirm_url(registration: Registration) -> str:
    from events.services.registration import registration_confirmation_key  # noqa: PLC0415 (the registration services import the emails)

    key = registration_confirmation_key(registration=registration)
    return absolute_url(reverse("events:confirm", args=[key]))


#: What each placeholder of the registration emails stands for (the admin's help, docs/emails.md).
PLACEHOLDERS = {
    "name": _("the guest's full name"),
    "event": _("the event's name, in the email's language"),
    "category": _("the guest's category (delegate, press…)"),
    "when": _("the event's day and time"),
    "venue": _("the venue and its address"),
    "confirm_link": _("the link that confirms the email address"),
    "manage_link": _(
        "the link to the guest's registration page (badge, calendar, changes, cancellation)"
    ),
    "badge_link": _("the link to the guest's badge (PDF)"),
    "checkin_code": _("the guest's self check-in code, for the kiosk at the entrance"),
    "certificate_link": _("the link to the guest's certificate of attendance (PDF)"),
}
_COMMON = ("name", "event", "category", "when", "venue")


def _placeholders(*extra: str) -> dict:
    return {name: PLACEHOLDERS[name] for name in (*_COMMON, *extra)}


#: (subject, opening paragraph, placeholders) of each kind; the body is the greeting and the
#: paragraph. An organizer may change both per event and language (Settings → Email texts).
TEXTS = {
    Kind.CONFIRM_EMAIL: (
        _("Confirm your registration: {{ event }}"),
        _(
            "Thank you for registering for {{ event }}. Please confirm your email address "
            "with the button below to complete your registration."
        ),
        _placeholders("confirm_link"),
    ),
    Kind.CONFIRMED: (
        _("Registration confirmed: {{ event }}"),
        _(
            "Your registration for {{ event }} is confirmed. Your badge is attached: show its "
            "QR code at the entrance, on your phone or printed."
        ),
        _placeholders("manage_link", "badge_link", "checkin_code"),
    ),
    Kind.PROMOTED: (
        _("A seat is now yours: {{ event }}"),
        _(
            "Good news: a seat has become free and your registration for {{ event }} is now "
            "confirmed. Your badge is attached."
        ),
        _placeholders("manage_link", "badge_link", "checkin_code"),
    ),
    Kind.WAITLISTED: (
        _("You are on the waiting list: {{ event }}"),
        _(
            "Your email address is confirmed. {{ event }} is full for your category, so you "
            "are on the waiting list. We will email you your badge as soon as a seat frees "
            "up."
        ),
        _placeholders("manage_link"),
    ),
    Kind.PENDING_APPROVAL: (
        _("Registration received: {{ event }}"),
        _(
            "Your email address is confirmed. Registrations in your category are approved "
            "by the organizers; we will email you as soon as yours is reviewed."
        ),
        _placeholders("manage_link"),
    ),
    Kind.BADGE_REISSUED: (
        _("Your new badge: {{ event }}"),
        _(
            "Here is your new badge for {{ event }}. The previous badge no longer works: use "
            "this one."
        ),
        _placeholders("manage_link", "badge_link", "checkin_code"),
    ),
    Kind.CANCELLED: (
        _("Registration cancelled: {{ event }}"),
        _("Your registration for {{ event }} has been cancelled."),
        _placeholders("manage_link"),
    ),
    Kind.REJECTED: (
        _("Registration not accepted: {{ event }}"),
        _("We are sorry: the organizers could not accept your registration for {{ event }}."),
        _placeholders("manage_link"),
    ),
    Kind.MANAGE_LINK: (
        _("Manage your registration: {{ event }}"),
        _(
            "You asked for the link to manage your registration for {{ event }}. You are "
            "already registered: there is no need to register again."
        ),
        _placeholders("manage_link"),
    ),
    Kind.REGISTERED_AGAIN: (
        _("You are already registered: {{ event }}"),
        _(
            "Someone, perhaps you, just filled in the registration form for {{ event }} "
            "with this email address. You are already registered: nothing has changed and "
            "there is no need to register again. If it was not you, you can ignore this "
            "email."
        ),
        _placeholders("confirm_link", "manage_link"),
    ),
    Kind.CERTIFICATE: (
        _("Your certificate of attendance: {{ event }}"),
        _(
            "Thank you for attending {{ event }}. Your certificate of attendance is attached; "
            "you can also download it at any time: {{ certificate_link }}"
        ),
        _placeholders("manage_link", "certificate_link"),
    ),
    Kind.REMINDER: (
        _("Reminder: {{ event }}"),
        _(
            "{{ event }} is about to start: here is your badge again, with the time and the "
            "place. Show the QR code of your badge at the entrance, on your phone or printed."
        ),
        _placeholders("manage_link", "badge_link", "checkin_code"),
    ),
}

#: The secret of the links of a sample email (the admin's preview, "send me a test"): never a
#: real guest's, which would let whoever reads the test manage that guest's registration.
SAMPLE_SECRET = "xem-truoc"  # noqa: S105 (a made-up link, not a secret)
SAMPLE_NAME = "Nguyễn Văn An"


def event_when(event) -> str:
    """The event's day and hours in Hanoi time, in the active language."""
    starts = timezone.localtime(event.starts_at, HCM)
    ends = timezone.localtime(event.ends_at, HCM)
    return f"{date_format(starts, 'l d/m/Y H:i')}–{date_format(ends, 'H:i')}"


def event_where(event) -> str:
    return ", ".join(part for part in (localized_text(event, "venue"), event.full_address) if part)


def _with_confirm_link(registration: Registration, kind: str) -> bool:
    """ "Registered again" while unconfirmed: the confirmation link again, not the manage link."""
    return kind == Kind.CONFIRM_EMAIL or (
        kind == Kind.REGISTERED_AGAIN and registration.status == Status.PENDING_EMAIL
    )


def registration_values(registration: Registration, kind: str, *, sample=False) -> dict:
    """The placeholders' values of the email ``kind`` to ``registration``, in the active
    language. ``sample``: links with a made-up secret and a made-up check-in code (a preview
    shows no real guest's keys)."""
    event = registration.event
    offered = TEXTS[kind][2]
    category = registration.category if registration.category_id else None
    values = {
        "name": registration.full_name,
        "event": localized_text(event, "name"),
        "category": localized_text(category, "name") if category else "",
        "when": event_when(event),
        "venue": event_where(event),
    }
    secret = SAMPLE_SECRET if sample else registration.manage_secret
    with_confirm = _with_confirm_link(registration, kind)
    if "confirm_link" in offered and with_confirm:
        values["confirm_link"] = (
            absolute_url(reverse("events:confirm", args=[SAMPLE_SECRET]))
            if sample
            else confirm_url(registration)
        )
    if "manage_link" in offered and not with_confirm:
        values["manage_link"] = absolute_url(reverse("events:manage", args=[secret]))
    if "badge_link" in offered:
        values["badge_link"] = absolute_url(reverse("events:manage_badge_pdf", args=[secret]))
    if "checkin_code" in offered:
        values["checkin_code"] = "123456" if sample else registration.checkin_code
    if "certificate_link" in offered:
        values["certificate_link"] = absolute_url(
            reverse("events:manage_certificate_pdf", args=[secret])
        )
    return values


def registration_sample(event, kind: str) -> dict:
    """The values of a sample email of ``kind`` for ``event`` (the admin's preview and test):
    the name and category of its first guest whose data is kept, else of a made-up
    Nguyễn Văn An; links and codes made up either way."""
    registration = (
        Registration.objects.select_related("event", "category")
        .filter(event=event, purged_at__isnull=True)
        .order_by("pk")
        .first()
    )
    if registration is None:
        registration = Registration(
            event=event,
            full_name=SAMPLE_NAME,
            category=event.categories.order_by("pk").first(),
            status=Status.CONFIRMED,
        )
    # In memory only: the sample of "registered again" shows the manage link.
    registration.status = Status.PENDING_EMAIL if kind == Kind.CONFIRM_EMAIL else Status.CONFIRMED
    return registration_values(registration, kind, sample=True)


def registration_texts_register() -> None:
    """Register the words of every registration email (from mail_kinds.py)."""
    for kind, (subject, lead, placeholders) in TEXTS.items():
        text_register(
            kind.value,
            subject=subject,
            body=format_lazy("{}\n\n{}", GREETING, lead),
            placeholders=placeholders,
            sample=registration_sample,
        )


def badge_attach(message: EmailMultiAlternatives, registration: Registration) -> None:
    """Attach ``registration``'s badge (PDF, rendered now) and its event's .ics to ``message``."""
    from events.pdf.badges import badge_filename, badge_render_pdf  # noqa: PLC0415 (the registration services import the emails)

    message.attach(
        badge_filename(registration), badge_render_pdf(registration=registration), "application/pdf"
    )
    message.attach(
        f"{registration.event.slug}.ics", event_ics(event=registration.event), "text/calendar"
    )


def build_registration_email(email) -> EmailMultiAlternatives | None:
    """The message for an outbox row about a registration, rendered now (so it carries the
    current badge) in the row's language (the outbox activates it); ``None`` when the
    registration is gone."""
    from events.services.registration import confirm_hours  # noqa: PLC0415 (the registration services import the emails)

    registration = (
        Registration.objects.select_related("event", "category").filter(pk=email.object_id).first()
    )
    if registration is None:
        return None
    event = registration.event
    certificate = None
    if email.kind == Kind.CERTIFICATE:
        certificate = Certificate.objects.filter(registration=registration).first()
        if certificate is None:
            return None
    language = email.language or translation.get_language() or settings.LANGUAGE_CODE
    with translation.override(language):
        values = registration_values(registration, email.kind)
        words = email_words(email.kind, event=event, values=values, language=language)
        subject = words.subject
        context = {
            "registration": registration,
            "event": event,
            "kind": email.kind,
            "body": words.text,
            "body_html": words.html,
            "confirm_url": values.get("confirm_link", ""),
            "confirm_hours": confirm_hours(),
            "manage_url": values.get("manage_link", ""),
            "is_certificate": email.kind == Kind.CERTIFICATE,
            "map_url": event.map_url if email.kind == Kind.REMINDER else "",
            "with_badge": email.kind in WITH_BADGE,
            "LANGUAGE_CODE": language,
        }
        text = render_to_string("events/emails/registration.txt", context)
        html = render_to_string("events/emails/registration.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[registration.email],
        reply_to=[event.contact_email] if event.contact_email else None,
    )
    message.attach_alternative(html, "text/html")
    if email.kind in WITH_BADGE:
        badge_attach(message, registration)
    if certificate is not None:
        from events.pdf.certificates import certificate_filename, certificate_render_pdf  # noqa: PLC0415 (as the badge's)

        certificate.registration = registration
        message.attach(
            certificate_filename(certificate),
            certificate_render_pdf(certificate=certificate),
            "application/pdf",
        )
    return message
