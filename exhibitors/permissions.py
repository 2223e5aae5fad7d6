"""Who may do what in the exhibition: the admin's permission policies and the checks the admin
views and the services share."""

from django.utils.translation import gettext_lazy as _
from wagtail.permissions import register_permission_policy

from core.permissions import RestrictedPermissionPolicy, require_permission
from exhibitors.enums import MemberRole
from exhibitors.exceptions import NotAllowed
from exhibitors.models import Booth, BoothBooking, Exhibitor, ExhibitorMember

#: Organizers who may decide for any company (the admin's change permission on exhibitors).
MANAGE_EXHIBITORS_PERMISSION = "exhibitors.change_exhibitor"


def require_perm(user, codename: str) -> None:
    """Raise PermissionDenied unless ``user`` holds ``exhibitors.<codename>``."""
    require_permission(user, f"exhibitors.{codename}")


def user_manages_exhibitors(user) -> bool:
    """Whether ``user`` is an organizer who may act for any company."""
    return user is not None and user.is_active and user.has_perm(MANAGE_EXHIBITORS_PERMISSION)


def ensure_may_manage_exhibitor(exhibitor_id: int, by) -> None:
    """Only the company's owners (or an organizer who may change exhibitors) edit its profile,
    invite and remove members: ``NotAllowed`` for anyone else."""
    if user_manages_exhibitors(by):
        return
    owner = ExhibitorMember.objects.filter(
        exhibitor_id=exhibitor_id, user_id=getattr(by, "pk", None), role=MemberRole.OWNER
    )
    if by is None or not owner.exists():
        raise NotAllowed(_("Only the company's owners may do this."))


# Bookings are made, decided and moved only through the services; exhibitors sign up themselves;
# a booth with bookings is never deleted.
register_permission_policy(BoothBooking, RestrictedPermissionPolicy(BoothBooking), exact_class=True)
register_permission_policy(Exhibitor, RestrictedPermissionPolicy(Exhibitor), exact_class=True)
register_permission_policy(
    Booth, RestrictedPermissionPolicy(Booth, denied=("delete",)), exact_class=True
)
