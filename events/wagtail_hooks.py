"""Wagtail admin registrations of the events app."""

from wagtail import hooks
from wagtail.snippets.models import register_snippet

from events import wagtail_admin

register_snippet(wagtail_admin.RegistrationViewSetGroup)


@hooks.register("register_admin_urls")
def registration_admin_urls():
    return wagtail_admin.admin_urls()


for bulk_action in [*wagtail_admin.BULK_ACTIONS, wagtail_admin.RegistrationBadgesBulkAction]:
    hooks.register("register_bulk_action", bulk_action)
