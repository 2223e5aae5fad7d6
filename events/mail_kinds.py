"""The outbox's kinds of the events app (discovered by mail's AppConfig): the emails to
registrants, one builder for all, in events/emails.py, and their words (which organizers may
change per event and language: mail/texts.py)."""

from events.emails import build_registration_email, registration_texts_register
from events.enums import RegistrationEmailKind
from mail.registry import register

for kind in RegistrationEmailKind:
    register(kind.value, build_registration_email, label=kind.label)
registration_texts_register()
