"""The builders of the outbox's "announcement.message" (an organizer's announcement, with the
one-click unsubscribe of RFC 8058) and "registration.reminder" (the day before the event, with
the badge) kinds, registered in mail_kinds.py. Rendered at send time: an announcement to a guest
who unsubscribed since it was queued, or a reminder the organizer turned off since, is
cancelled (``None``)."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from core.links import absolute_url
from core.localized import localized_text
from events.emails import build_registration_email
from events.enums import RegistrationStatus
from events.models import Announcement, Registration
from events.services.announcements import unsubscribe_token


def unsubscribe_url(registration: Registration) -> str:
    """The absolute one-click unsubscribe link of ``registration``, with the prefix of the
    active language (a POST must not be redirected)."""
    return absolute_url(reverse("events:unsubscribe", args=[unsubscribe_token(registration)]))


def _registration(email) -> Registration | None:
    return (
        Registration.objects.select_related("event", "category")
        .filter(pk=email.object_id, purged_at__isnull=True)
        .exclude(email="")
        .first()
    )


def _message(registration: Registration, subject: str, template: str, context: dict, **extra):
    event = registration.event
    context = {
        "registration": registration,
        "event": event,
        "LANGUAGE_CODE": translation.get_language() or settings.LANGUAGE_CODE,
        **context,
    }
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[registration.email],
        reply_to=[event.contact_email] if event.contact_email else None,
        **extra,
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message


def build_announcement_email(email) -> EmailMultiAlternatives | None:
    """The announcement in the guest's language (English when written, else Vietnamese), its
    body plain text (escaped in the HTML), with ``List-Unsubscribe`` and
    ``List-Unsubscribe-Post`` (RFC 8058); ``None`` when the guest unsubscribed or is gone."""
    registration = _registration(email)
    announcement = Announcement.objects.filter(pk=(email.context or {}).get("announcement"))
    announcement = announcement.first()
    if registration is None or announcement is None or registration.unsubscribed_at:
        return None
    link = unsubscribe_url(registration)
    context = {"body": localized_text(announcement, "body"), "unsubscribe_url": link}
    headers = {
        "List-Unsubscribe": f"<{link}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    subject = localized_text(announcement, "subject")
    return _message(registration, subject, "events/emails/announcement", context, headers=headers)


def build_reminder_email(email) -> EmailMultiAlternatives | None:
    """The reminder the day before: the registration email of its kind (the organizer's words
    or the default, when, where, the map link, the manage link, the badge and the .ics);
    ``None`` when the registration is no longer confirmed or the organizer turned the reminder
    off since it was queued."""
    registration = _registration(email)
    if registration is None or registration.status != RegistrationStatus.CONFIRMED:
        return None
    if not registration.event.reminder_enabled:
        return None
    return build_registration_email(email)
