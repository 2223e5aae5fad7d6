"""Registers the outbox's admin (mail/admin.py) and its permission policy (permissions.py).
Nothing else lives here."""

from wagtail import hooks

from mail import permissions  # noqa: F401
from mail.admin import EmailTextViewSet, EmailViewSet


@hooks.register("register_admin_viewset")
def register_email_viewset():
    return EmailViewSet()


@hooks.register("register_admin_viewset")
def register_email_text_viewset():
    return EmailTextViewSet()
