"""The outbox's kinds of the events app (discovered by mail's AppConfig): the emails to
registrants, one builder for all, in events/emails.py, and their words (which organizers may
change per event and language: mail/texts.py); announcements (the organizer writes each one),
and the reminder the day before (checked again when sent), in events/announcement_emails.py."""

from django.utils.translation import gettext_lazy as _

from events.announcement_emails import build_announcement_email, build_reminder_email
from events.emails import build_registration_email, registration_texts_register
from events.enums import RegistrationEmailKind
from events.services.announcements import ANNOUNCEMENT_KIND
from mail.registry import register

for kind in RegistrationEmailKind:
    if kind != RegistrationEmailKind.REMINDER:
        register(kind.value, build_registration_email, label=kind.label)
register(
    RegistrationEmailKind.REMINDER.value,
    build_reminder_email,
    label=RegistrationEmailKind.REMINDER.label,
)
registration_texts_register()

register(ANNOUNCEMENT_KIND, build_announcement_email, label=_("Announcement to guests"))
