"""Who may do what at the door: scan (door staff), watch the arrivals and logs, and the admin's
read-only policy of the logs. Devices are not users: they are checked by their key
(``services.device_authenticate``)."""

from wagtail.permissions import register_permission_policy

from core.permissions import read_only_policy, user_holds_any
from events.checkin.models import CheckIn, ScanLog

#: Door staff: they may check guests in (the API with a session, the scanner page).
CHECKIN_PERMISSION = "events.add_checkin"
#: They may watch the arrivals and the logs, without checking anyone in.
WATCH_PERMISSION = "events.view_checkin"


def checkin_user_may_scan(user) -> bool:
    """Whether ``user`` (a User or AnonymousUser) may check guests in: the one answer of the API,
    the scanner page and the check-in menu. Side effects: none."""
    return user_holds_any(user, CHECKIN_PERMISSION)


def checkin_user_may_watch(user) -> bool:
    """Whether ``user`` may watch the arrivals board and the check-in logs: door staff, or
    whoever holds the view permission. Side effects: none."""
    return user_holds_any(user, CHECKIN_PERMISSION, WATCH_PERMISSION)


# Logs are written by scanners only: nobody adds, edits or deletes a row in the admin.
register_permission_policy(CheckIn, read_only_policy(CheckIn), exact_class=True)
register_permission_policy(ScanLog, read_only_policy(ScanLog), exact_class=True)
