"""The emails to registrants, in their language, HTML and text, with the badge and the .ics:
the builders of the outbox's "registration.*" kinds (registered in mail_kinds.py)."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from core.links import absolute_url
from core.localized import localized_text
from events.enums import RegistrationEmailKind, RegistrationStatus
from events.ics import event_ics
from events.models import Certificate, Registration

Kind = RegistrationEmailKind
Status = RegistrationStatus

#: Kinds whose email carries the badge PDF and the .ics.
WITH_BADGE = {Kind.CONFIRMED, Kind.PROMOTED, Kind.BADGE_REISSUED}


def manage_url(registration: Registration) -> str:
    return absolute_url(reverse("events:manage", args=[registration.manage_secret]))


def confirm_url(registration: Registration) -> str:
    from events.services.registration import registration_confirmation_key  # noqa: PLC0415 (the registration services import the emails)

    key = registration_confirmation_key(registration=registration)
    return absolute_url(reverse("events:confirm", args=[key]))


def _texts(kind: str, event_name: str) -> tuple[str, str]:
    """(subject, opening paragraph) of each kind, translated in the active language."""
    texts = {
        Kind.CONFIRM_EMAIL: (
            _("Confirm your registration: %(event)s"),
            _(
                "Thank you for registering for %(event)s. Please confirm your email address "
                "with the button below to complete your registration."
            ),
        ),
        Kind.CONFIRMED: (
            _("Registration confirmed: %(event)s"),
            _(
                "Your registration for %(event)s is confirmed. Your badge is attached: show its "
                "QR code at the entrance, on your phone or printed."
            ),
        ),
        Kind.PROMOTED: (
            _("A seat is now yours: %(event)s"),
            _(
                "Good news: a seat has become free and your registration for %(event)s is now "
                "confirmed. Your badge is attached."
            ),
        ),
        Kind.WAITLISTED: (
            _("You are on the waiting list: %(event)s"),
            _(
                "Your email address is confirmed. %(event)s is full for your category, so you "
                "are on the waiting list. We will email you your badge as soon as a seat frees "
                "up."
            ),
        ),
        Kind.PENDING_APPROVAL: (
            _("Registration received: %(event)s"),
            _(
                "Your email address is confirmed. Registrations in your category are approved "
                "by the organizers; we will email you as soon as yours is reviewed."
            ),
        ),
        Kind.BADGE_REISSUED: (
            _("Your new badge: %(event)s"),
            _(
                "Here is your new badge for %(event)s. The previous badge no longer works: use "
                "this one."
            ),
        ),
        Kind.CANCELLED: (
            _("Registration cancelled: %(event)s"),
            _("Your registration for %(event)s has been cancelled."),
        ),
        Kind.REJECTED: (
            _("Registration not accepted: %(event)s"),
            _("We are sorry: the organizers could not accept your registration for %(event)s."),
        ),
        Kind.MANAGE_LINK: (
            _("Manage your registration: %(event)s"),
            _(
                "You asked for the link to manage your registration for %(event)s. You are "
                "already registered: there is no need to register again."
            ),
        ),
        Kind.REGISTERED_AGAIN: (
            _("You are already registered: %(event)s"),
            _(
                "Someone, perhaps you, just filled in the registration form for %(event)s "
                "with this email address. You are already registered: nothing has changed and "
                "there is no need to register again. If it was not you, you can ignore this "
                "email."
            ),
        ),
        Kind.CERTIFICATE: (
            _("Your certificate of attendance: %(event)s"),
            _(
                "Thank you for attending %(event)s. Your certificate of attendance is attached; "
                "you can also download it from the page of your registration."
            ),
        ),
    }
    subject, lead = texts[kind]
    return subject % {"event": event_name}, lead % {"event": event_name}


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
    # "Registered again" while unconfirmed: the confirmation link again, not the manage link.
    with_confirm_link = email.kind == Kind.CONFIRM_EMAIL or (
        email.kind == Kind.REGISTERED_AGAIN and registration.status == Status.PENDING_EMAIL
    )
    language = email.language or translation.get_language() or settings.LANGUAGE_CODE
    with translation.override(language):
        subject, lead = _texts(email.kind, localized_text(event, "name"))
        context = {
            "registration": registration,
            "event": event,
            "kind": email.kind,
            "lead": lead,
            "confirm_url": confirm_url(registration) if with_confirm_link else "",
            "confirm_hours": confirm_hours(),
            "manage_url": "" if with_confirm_link else manage_url(registration),
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
