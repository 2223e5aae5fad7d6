"""The outbox's kinds of the events app (discovered by mail's AppConfig): the emails to
registrants, one builder for all, in events/emails.py; announcements and the reminder the day
before, in events/announcement_emails.py."""

from django.utils.translation import gettext_lazy as _

from events.announcement_emails import build_announcement_email, build_reminder_email
from events.emails import build_registration_email
from events.enums import RegistrationEmailKind
from events.services.announcements import ANNOUNCEMENT_KIND
from events.services.reminders import REMINDER_KIND
from mail.registry import register

for kind in RegistrationEmailKind:
    register(kind.value, build_registration_email, label=kind.label)

register(ANNOUNCEMENT_KIND, build_announcement_email, label=_("Announcement to guests"))
register(REMINDER_KIND, build_reminder_email, label=_("Reminder the day before (badge attached)"))
