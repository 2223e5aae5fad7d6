"""The activity log in the Wagtail admin: the global, read-only "Activity log" (menu Reports:
filter, search, export as CSV or XLSX, never edit) and the panel that shows one object's entries
on its own admin page (a registration, a booking, a device).

Registered by core/wagtail_hooks.py; the read-only policy is in core/permissions.py. ``core``
imports no app: the event filter finds the event model through the setting
``ACTIVITY_EVENT_MODEL`` ("app_label.Model"), as Django finds the user model through
``AUTH_USER_MODEL``.
"""

from urllib.parse import urlencode

import django_filters
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.forms import HiddenInput
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.viewsets.model import ModelViewSet

from core.activity import diff, log_action
from core.exports import SafeIndexView
from core.models import ActivityEntry
from core.permissions import ACTIVITY_LOG_POLICY as policy

#: The URL namespace of the global log.
NAME = "activity"
#: How many entries an object's panel shows (the link leads to all of them).
PANEL_LIMIT = 50


def _actions(request=None):
    actions = ActivityEntry.objects.order_by("action").values_list("action", flat=True).distinct()
    return [(action, action) for action in actions]


def _actors(request=None):
    User = get_user_model()
    return User.objects.filter(
        pk__in=ActivityEntry.objects.filter(actor_user__isnull=False).values("actor_user")
    ).order_by(User.USERNAME_FIELD)


def _events(request=None):
    label = getattr(settings, "ACTIVITY_EVENT_MODEL", "")
    if not label:
        return []
    return [(event.pk, str(event)) for event in apps.get_model(label).objects.order_by("-pk")]


class ActivityFilterSet(WagtailFilterSet):
    action = django_filters.ChoiceFilter(label=_("Action"), choices=_actions)
    actor_kind = django_filters.ChoiceFilter(
        label=_("Actor kind"), choices=ActivityEntry.ActorKind.choices
    )
    actor_user = django_filters.ModelChoiceFilter(label=_("User"), queryset=_actors)
    event_id = django_filters.ChoiceFilter(label=_("Event"), choices=_events)
    at = django_filters.DateFromToRangeFilter(label=_("Date"), widget=DateRangePickerWidget)
    # The entries of one object: the "whole log" link of an object's panel.
    content_type = django_filters.NumberFilter(widget=HiddenInput)
    object_id = django_filters.CharFilter(widget=HiddenInput)

    class Meta:
        model = ActivityEntry
        fields = ["action", "actor_kind", "actor_user", "event_id", "at"]


def _event_label(entry) -> str:
    return "" if entry.event_id is None else str(entry.event_id)


class ActivityEntryViewSet(ModelViewSet):
    """Reports → Activity log: read only for everyone (``read_only_policy``)."""

    model = ActivityEntry
    index_view_class = SafeIndexView
    name = NAME
    url_prefix = "activity"
    icon = "history"
    menu_label = _("Activity log")
    menu_hook = "register_reports_menu_item"
    add_to_admin_menu = True
    permission_policy = policy
    filterset_class = ActivityFilterSet
    search_fields = ["action", "object_repr", "actor_label", "reason"]
    search_backend_name = None
    inspect_view_enabled = True
    copy_view_enabled = False
    #: Wagtail wants a form even where the policy refuses every add and edit.
    form_fields = ["reason"]
    list_display = [
        DateColumn("at", label=_("Time"), sort_key="at"),
        "action",
        Column("object_repr", label=_("Object")),
        Column("actor", label=_("By"), accessor="actor_display"),
        "reason",
        Column("changes", label=_("Changes"), accessor="changes_display"),
    ]
    list_export = [
        "at",
        "action",
        "actor_kind",
        "actor_display",
        "actor_ref",
        "content_type",
        "object_id",
        "object_repr",
        "event_id",
        "reason",
        "changes_display",
    ]
    export_headings = {
        "actor_display": _("By"),
        "actor_ref": _("Actor reference"),
        "content_type": _("Object type"),
        "changes_display": _("Changes"),
    }
    export_filename = "activity-log"
    #: Every field, as stored (the list and the export show them in words).
    inspect_view_fields = [field.name for field in ActivityEntry._meta.fields if field.name != "id"]

    def get_queryset(self, request):
        return ActivityEntry.objects.select_related("actor_user", "content_type")


def object_log_url(obj) -> str:
    """The global log, filtered to the entries of ``obj``."""
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    query = urlencode({"content_type": content_type.pk, "object_id": obj.pk})
    return f"{reverse(f'{NAME}:index')}?{query}"


class ActivityPanel(Component):
    """The newest entries of one object, for its admin page: when, what, who, why, what
    changed; and, for those who may read the whole log, a link to all of them."""

    template_name = "core/admin/activity_panel.html"

    def __init__(self, obj, *, user=None, limit: int = PANEL_LIMIT):
        self.obj, self.user, self.limit = obj, user, limit

    def get_context_data(self, parent_context=None):
        entries = list(
            ActivityEntry.objects.for_object(self.obj).select_related("actor_user")[
                : self.limit + 1
            ]
        )
        may_read_log = self.user is not None and policy.user_has_permission(self.user, "view")
        return {
            "entries": entries[: self.limit],
            "more": len(entries) > self.limit,
            "log_url": object_log_url(self.obj) if may_read_log else "",
        }


class ActivityInspectMixin:
    """For a Wagtail inspect view: the object's activity as the last field."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        panel = ActivityPanel(self.object, user=self.request.user)
        context["fields"].append({"label": _("Activity"), "value": panel, "component": panel})
        return context


class ActivityEditMixin:
    """For a Wagtail edit view: the object's activity under the form."""

    template_name = "core/admin/edit_with_activity.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["activity_panel"] = ActivityPanel(self.object, user=self.request.user)
        return context


# --- Admin edits that go through no service: logged all the same --------------------------------


def _plain(value):
    """A form value as the log keeps it: a model instance by its key, a set of them as keys."""
    if hasattr(value, "pk"):
        return value.pk
    if hasattr(value, "values_list"):  # a queryset (a many-to-many field)
        return sorted(value.values_list("pk", flat=True))
    return value


class _LoggedCreate:
    log_prefix = ""

    def save_instance(self):
        instance = super().save_instance()
        values = {name: _plain(self.form.cleaned_data.get(name)) for name in self.form.changed_data}
        log_action(
            action=f"{self.log_prefix}.created",
            obj=instance,
            actor=self.request.user,
            changes=diff({}, values),
        )
        return instance


class _LoggedEdit:
    log_prefix = ""

    def save_instance(self):
        before = {name: _plain(self.form.initial.get(name)) for name in self.form.changed_data}
        instance = super().save_instance()
        after = {name: _plain(self.form.cleaned_data.get(name)) for name in self.form.changed_data}
        changes = diff(before, after)
        if changes:
            log_action(
                action=f"{self.log_prefix}.updated",
                obj=instance,
                actor=self.request.user,
                changes=changes,
            )
        return instance


class _LoggedDelete:
    log_prefix = ""

    def delete_action(self):
        with transaction.atomic():
            log_action(
                action=f"{self.log_prefix}.deleted", obj=self.object, actor=self.request.user
            )
            super().delete_action()


class LoggedViewSetMixin:
    """For a Wagtail ModelViewSet whose objects are saved by the admin's own forms (no service
    of ours): each create, edit and delete goes to the activity log as ``<log_prefix>.created``
    (the values), ``.updated`` (each changed field, old and new) and ``.deleted``, by the user,
    in the save's transaction."""

    log_prefix = ""

    def _logged(self, mixin, base):
        return type(f"Logged{base.__name__}", (mixin, base), {"log_prefix": self.log_prefix})

    @cached_property
    def add_view_class(self):
        return self._logged(_LoggedCreate, super().add_view_class)

    @cached_property
    def edit_view_class(self):
        return self._logged(_LoggedEdit, super().edit_view_class)

    @cached_property
    def delete_view_class(self):
        return self._logged(_LoggedDelete, super().delete_view_class)
