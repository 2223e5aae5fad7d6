"""Who may do what with the outbox in the admin, and its read-only policy: organizers read the
emails (``mail.view_email``) and send one again (``mail.resend_email``); nobody adds, edits or
deletes one (the services write the rows)."""

from wagtail.permissions import register_permission_policy

from core.permissions import read_only_policy, require_permission
from mail.models import Email, EmailStatus

VIEW_PERMISSION = "mail.view_email"
RESEND_PERMISSION = "mail.resend_email"
#: The emails that may be sent again: those no longer waiting to be sent.
RESENDABLE = frozenset(EmailStatus.values) - {EmailStatus.PENDING, EmailStatus.SENDING}


def may_resend(user, email: Email) -> bool:
    return email.status in RESENDABLE and user.has_perm(RESEND_PERMISSION)


def require(request, permission: str = RESEND_PERMISSION) -> None:
    """Raise PermissionDenied unless the request's user holds ``permission``."""
    require_permission(request.user, permission)


register_permission_policy(Email, read_only_policy(Email), exact_class=True)

#: Who may change the words of the emails (Settings → Email texts), preview them and send a
#: test to themselves: Django's model permissions of EmailText (Wagtail's default policy).
TEXT_CHANGE_PERMISSION = "mail.change_emailtext"
VIEW_TEXT_PERMISSION = "mail.view_emailtext"
