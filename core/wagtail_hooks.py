"""Registers core's admin (core/admin.py: the activity log) with Wagtail, and its permission
policy (permissions.py). Nothing else lives here."""

from wagtail import hooks

from core import permissions  # noqa: F401
from core.admin import ActivityEntryViewSet


@hooks.register("register_admin_viewset")
def register_activity_viewset():
    return ActivityEntryViewSet()
