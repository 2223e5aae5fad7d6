"""Business rules of events. Views, forms, admin, commands and tasks call these functions."""

from .checkin import (
    Scanner,
    checkin_annul,
    checkin_list_upsert,
    checkin_scan,
    device_authenticate,
    device_create,
    device_revoke,
    device_rotate_token,
)
from .event import event_upsert

__all__ = [
    "Scanner",
    "checkin_annul",
    "checkin_list_upsert",
    "checkin_scan",
    "device_authenticate",
    "device_create",
    "device_revoke",
    "device_rotate_token",
    "event_upsert",
]
