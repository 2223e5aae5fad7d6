"""Registers the events app's admin (events/admin.py, events/checkin/admin.py) with Wagtail, and
the permission policies (permissions.py). Nothing else lives here."""

from wagtail import hooks
from wagtail.snippets.models import register_snippet

from events import admin as wagtail_admin
from events import permissions  # noqa: F401
from events.checkin import admin as admin_checkin
from events.checkin import permissions as checkin_permissions  # noqa: F401
from events.models import Registration
from events.services import registration_cancel

register_snippet(wagtail_admin.RegistrationViewSetGroup)


@hooks.register("register_admin_urls")
def registration_admin_urls():
    return wagtail_admin.admin_urls()


for bulk_action in [*wagtail_admin.BULK_ACTIONS, wagtail_admin.RegistrationBadgesBulkAction]:
    hooks.register("register_bulk_action", bulk_action)


@hooks.register("before_bulk_action")
def cancel_registrations_before_bulk_delete(request, action_type, objects, action_class_instance):
    """Bulk delete of registrations cancels them first: held seats go to the waitlist."""
    if action_type == "delete" and getattr(action_class_instance, "model", None) is Registration:
        for registration in objects:
            registration_cancel(registration=registration, by=request.user, reason="deleted")


@hooks.register("register_admin_viewset")
def register_checkin_viewsets():
    return admin_checkin.CheckInViewSetGroup()


hooks.register("register_checkin_menu_item", admin_checkin.arrivals_menu_item)
hooks.register("register_checkin_menu_item", admin_checkin.scanner_menu_item)
