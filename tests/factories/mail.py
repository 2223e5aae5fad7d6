"""Mail servers for tests that are not our code to mock: a server that is down (a backend that
raises, or a real port where nothing listens), a real SMTP server on loopback (aiosmtpd), and a
worker that dies right after the server took a message."""

import contextlib
import email
import os
import socket
from email.message import Message

from aiosmtpd.controller import Controller
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend

SMTP = "django.core.mail.backends.smtp.EmailBackend"


class BrokenEmailBackend:
    """A mail server that is down: every send raises, like smtplib on a refused connection."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server down")

    def open(self):
        return None

    def close(self):
        return None


def free_port() -> int:
    """A loopback port where nothing listens (found by binding it, then letting it go)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """aiosmtpd handler: keeps every message the server accepted."""

    def __init__(self):
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(email.message_from_bytes(envelope.original_content))
        return "250 Message accepted for delivery"


@contextlib.contextmanager
def smtp_server(port: int):
    """An SMTP server listening on ``port`` for the duration of the block; yields its Inbox."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()


def use_smtp(settings, port: int) -> None:
    """Django sends through SMTP to 127.0.0.1:``port``, waiting at most 5 s."""
    settings.EMAIL_BACKEND = SMTP
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5


class DyingBackend(SMTPBackend):
    """A worker that dies right after the mail server accepted the message, before the outbox
    could record it (the process ends at once: no ``finally``, no outcome written)."""

    def send_messages(self, email_messages):
        sent = super().send_messages(email_messages)
        os._exit(17 if sent else 18)
