"""Refusals of the outbox."""

from django.utils.translation import gettext_lazy as _

from core.errors import DomainError


class MailError(DomainError):
    code = "mail_error"
    message = _("The email could not be handled.")


class EmailStillQueued(MailError):
    code = "email_still_queued"
    message = _("This email is still waiting to be sent: there is nothing to resend yet.")
    http_status = 409


class NoAddressForTest(MailError):
    code = "no_address_for_test"
    message = _("Your account has no email address: add one to your profile to receive a test.")
