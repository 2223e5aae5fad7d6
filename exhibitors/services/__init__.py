"""Business rules of the exhibition. Views, forms, admin, commands and tasks call these."""

from .accounts import (
    exhibitor_accept_invitation,
    exhibitor_create,
    exhibitor_invite,
    exhibitor_remove_member,
    exhibitor_signup,
    exhibitor_update,
    exhibitor_verify_email,
)
from .bookings import (
    booking_approve,
    booking_cancel,
    booking_expire_due,
    booking_expire_one,
    booking_move,
    booking_reject,
    booking_request,
    booth_block,
    booth_hold,
    booth_unblock,
    booth_upsert,
    exhibition_settings_get,
    exhibition_settings_update,
)
from .staff import staff_add, staff_category_get, staff_quota_for, staff_remove

__all__ = [
    "booking_approve",
    "booking_cancel",
    "booking_expire_due",
    "booking_expire_one",
    "booking_move",
    "booking_reject",
    "booking_request",
    "booth_block",
    "booth_hold",
    "booth_unblock",
    "booth_upsert",
    "exhibition_settings_get",
    "exhibition_settings_update",
    "exhibitor_accept_invitation",
    "exhibitor_create",
    "exhibitor_invite",
    "exhibitor_remove_member",
    "exhibitor_signup",
    "exhibitor_update",
    "exhibitor_verify_email",
    "staff_add",
    "staff_category_get",
    "staff_quota_for",
    "staff_remove",
]
