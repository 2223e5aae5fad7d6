"""Emails to registrants go through the product's one outbox (``mail``): a row written in the
caller's transaction, sent by a task after commit, retried with back-off. A mail server that is
down delays an email, it never loses it and never blocks or undoes the registration that caused
it. The messages are rendered by events/emails.py, registered in events/mail_kinds.py."""

from events.enums import RegistrationEmailKind
from events.models import Registration
from mail.models import Email
from mail.services import email_queue

Kind = RegistrationEmailKind


def registration_email_queue(*, registration: Registration, kind: str) -> Email:
    """Owe ``registration`` an email of ``kind`` (a ``RegistrationEmailKind``), in its language.

    Side effects: writes an outbox row about the registration in the current transaction;
    after commit, enqueues its sending (``mail.services.email_queue``).
    """
    return email_queue(
        kind=kind, to=[registration.email], language=registration.language, about=registration
    )
