"""Business rules of registration. Views, forms, admin, commands and tasks call these functions.

Check-in's rules are in events/checkin/services.py."""

from .badges import badge_batch_build, badge_batch_create
from .emails import registration_email_queue
from .event import event_upsert
from .registration import (
    registration_approve,
    registration_cancel,
    registration_confirm_email,
    registration_confirmation_key,
    registration_create,
    registration_notify_registered_again,
    registration_promote_event_waitlist,
    registration_promote_waitlist,
    registration_reissue_badge,
    registration_reject,
    registration_resend_email,
    registration_send_manage_link,
    registration_update,
    registrations_expire_unconfirmed,
)

__all__ = [
    "badge_batch_build",
    "badge_batch_create",
    "event_upsert",
    "registration_approve",
    "registration_cancel",
    "registration_confirm_email",
    "registration_confirmation_key",
    "registration_create",
    "registration_email_queue",
    "registration_notify_registered_again",
    "registration_promote_event_waitlist",
    "registration_promote_waitlist",
    "registration_reissue_badge",
    "registration_reject",
    "registration_resend_email",
    "registration_send_manage_link",
    "registration_update",
    "registrations_expire_unconfirmed",
]
