"""Who may do what with registrations in the admin (Django's model permissions; give them to the
organizers' group). Check-in's are in events/checkin/permissions.py."""

from core.permissions import require_permission

#: Organizers who decide on registrations (approve, reject, cancel, edit, resend, badges).
MANAGE_PERMISSION = "events.change_registration"
VIEW_PERMISSION = "events.view_registration"
INVITE_PERMISSION = "events.add_invitation"
VIEW_INVITATIONS_PERMISSION = "events.view_invitation"


def require(request, permission: str = MANAGE_PERMISSION) -> None:
    """Raise PermissionDenied unless the request's user holds ``permission``."""
    require_permission(request.user, permission)
