"""Registers core's admin: the activity log (core/viewsets.py)."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from core.models import ActivityEntry
from core.viewsets import ActivityEntryViewSet, policy

register_permission_policy(ActivityEntry, policy, exact_class=True)


@hooks.register("register_admin_viewset")
def register_activity_viewset():
    return ActivityEntryViewSet()
