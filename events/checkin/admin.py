"""Check-in in the Wagtail admin: lists, scanning devices (with their pairing link), the check-in
log and the failed-scan log (read-only, filterable, exported as CSV/XLSX), the arrivals board."""

from __future__ import annotations

import segno
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import OuterRef, ProtectedError, Subquery
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.admin.widgets.button import Button

from core.admin import ActivityEditMixin, ActivityPanel
from core.exports import SafeIndexView
from events.checkin.permissions import checkin_user_may_watch
from events.checkin.services import (
    checkin_list_check,
    device_create,
    device_pairing_url,
    device_revoke,
    device_rotate_token,
    device_update,
)
from events.exceptions import CheckInListInvalid
from events.models import CheckIn, CheckInList, Device, ScanLog

PAIRING_SESSION_KEY = "checkin_pairing_tokens"


class CheckInModelViewSet(ModelViewSet):
    """A ModelViewSet whose listing reads its rows with their relations in one query."""

    add_to_admin_menu = False
    copy_view_enabled = False
    index_view_class = SafeIndexView

    def index_queryset(self):
        return self.model._default_manager.all()

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(queryset=self.index_queryset(), **kwargs)


# --- Lists ------------------------------------------------------------------------------------


class CheckInListForm(forms.ModelForm):
    class Meta:
        model = CheckInList
        fields = [
            "event",
            "name",
            "categories",
            "allow_reentry",
            "opens_at",
            "closes_at",
            "gates",
            "sort_order",
            "counts_for_certificate",
        ]
        widgets = {"categories": forms.CheckboxSelectMultiple}

    def clean(self):
        """The service's rule on categories; the opening hours are checked by the model's
        constraint (``checkin_list_closes_after_opening``) when the form validates it."""
        data = super().clean()
        event, categories = data.get("event"), data.get("categories")
        if event and categories:
            try:
                checkin_list_check(event=event, categories=categories)
            except CheckInListInvalid as error:
                self.add_error("categories", error.message)
        return data


class CheckInListDeleteView(generic.DeleteView):
    """A list with check-ins is kept (the log refers to it): say so instead of failing."""

    def form_valid(self, form):
        try:
            with transaction.atomic():
                return super().form_valid(form)
        except ProtectedError:
            messages.error(
                self.request,
                _("“%(name)s” has check-ins and cannot be deleted. Close it instead (open until).")
                % {"name": self.object.name},
            )
            return redirect(self.get_success_url())


def _categories_label(checkin_list: CheckInList) -> str:
    names = [category.name for category in checkin_list.categories.all()]
    return ", ".join(names) if names else _("All categories")


class CheckInListViewSet(CheckInModelViewSet):
    model = CheckInList
    delete_view_class = CheckInListDeleteView
    icon = "list-ul"
    menu_label = gettext_lazy("Check-in lists")
    list_display = [
        "name",
        "event",
        Column("categories", label=gettext_lazy("Categories admitted"), accessor=_categories_label),
        "allow_reentry",
        "opens_at",
        "closes_at",
    ]
    list_filter = ["event", "allow_reentry", "counts_for_certificate"]
    search_fields = ["name"]
    search_backend_name = None

    def get_form_class(self, for_update=False):
        return CheckInListForm

    def index_queryset(self):
        return CheckInList.objects.select_related("event").prefetch_related("categories")


# --- Devices ----------------------------------------------------------------------------------


class DeviceForm(forms.ModelForm):
    class Meta:
        model = Device
        fields = ["event", "name", "may_register_walkins", "kiosk", "kiosk_lists", "expires_at"]
        help_texts = {
            "expires_at": gettext_lazy(
                "After this moment the device is refused, as if revoked. Empty: a day after the"
                " event ends."
            )
        }

    def clean(self):
        cleaned = super().clean()
        event = cleaned.get("event")
        if event and any(item.event_id != event.pk for item in cleaned.get("kiosk_lists") or []):
            self.add_error("kiosk_lists", _("Choose lists of the device's event."))
        return cleaned


class DeviceEditForm(forms.ModelForm):
    """A device keeps an expiry: emptying it would make a lost phone a key for ever."""

    class Meta:
        model = Device
        fields = ["name", "may_register_walkins", "kiosk", "kiosk_lists", "expires_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expires_at"].required = True
        self.fields["kiosk_lists"].queryset = CheckInList.objects.filter(
            event_id=self.instance.event_id
        )


class DeviceCreateView(generic.CreateView):
    def save_instance(self):
        device, token = device_create(
            event=self.form.cleaned_data["event"],
            name=self.form.cleaned_data["name"],
            created_by=self.request.user,
            may_register_walkins=self.form.cleaned_data["may_register_walkins"],
            expires_at=self.form.cleaned_data["expires_at"],
            kiosk=self.form.cleaned_data["kiosk"],
            kiosk_lists=self.form.cleaned_data["kiosk_lists"],
        )
        _remember_token(self.request, device, token)
        return device

    def get_success_url(self):
        return reverse("checkin_devices:pair", args=[self.object.pk])

    def get_success_message(self, instance):
        return _("Device “%(name)s” created: pair it now with the link below.") % {
            "name": instance.name
        }


class DeviceEditView(ActivityEditMixin, generic.EditView):
    def save_instance(self):
        original = Device.objects.get(pk=self.object.pk)
        fields = {name: self.form.cleaned_data[name] for name in self.form.Meta.fields}
        return device_update(device=original, by=self.request.user, **fields)

    @property
    def header_more_buttons(self):

        buttons = super().header_more_buttons
        buttons.append(
            Button(
                _("Pairing link and revocation"),
                url=reverse("checkin_devices:pair", args=[self.object.pk]),
                icon_name="link",
                priority=5,
            )
        )
        return buttons


def _remember_token(request, device: Device, token: str) -> None:
    tokens = request.session.get(PAIRING_SESSION_KEY, {})
    tokens[str(device.pk)] = token
    request.session[PAIRING_SESSION_KEY] = tokens


def _device_status(device: Device) -> str:
    if device.revoked_at:
        return _("revoked")
    return _("expired") if device.is_expired else _("active")


def _device_last_use(device: Device):
    """The latest of its API use, check-ins and failed scans (scans do not write the device)."""
    moments = [device.last_used_at, device.last_checkin_at, device.last_scan_at]
    return max((moment for moment in moments if moment), default=None)


class RevokeColumn(Column):
    """A one-click "Revoke" button on each active device's row."""

    cell_template_name = "events/checkin/admin_device_revoke_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        request = parent_context.get("request")
        context["csrf_value"] = get_token(request) if request else ""
        return context


class DeviceViewSet(CheckInModelViewSet):
    model = Device
    icon = "mobile-alt"
    menu_label = gettext_lazy("Scanning devices")
    add_view_class = DeviceCreateView
    edit_view_class = DeviceEditView
    list_display = [
        "name",
        "event",
        Column("status", label=gettext_lazy("Status"), accessor=_device_status),
        "token_hint",
        Column("last_use", label=gettext_lazy("Last used"), accessor=_device_last_use),
        "throttled_count",
        "expires_at",
        RevokeColumn("revoke", label=""),
    ]
    list_filter = ["event"]
    search_fields = ["name"]
    search_backend_name = None

    def get_form_class(self, for_update=False):
        return DeviceEditForm if for_update else DeviceForm

    def index_queryset(self):
        latest = "-id"
        return Device.objects.select_related("event").annotate(
            last_checkin_at=Subquery(
                CheckIn.objects.filter(by_device=OuterRef("pk"))
                .order_by(latest)
                .values("created_at")[:1]
            ),
            last_scan_at=Subquery(
                ScanLog.objects.filter(device=OuterRef("pk"))
                .order_by(latest)
                .values("created_at")[:1]
            ),
        )

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("pair/<id:pk>/", self.pair_view, name="pair"),
        ]

    @property
    def pair_view(self):
        viewset = self

        @require_http_methods(["GET", "POST"])
        def view(request, pk):
            if not viewset.permission_policy.user_has_permission(request.user, "change"):
                raise PermissionDenied
            device = get_object_or_404(Device.objects.select_related("event"), pk=pk)
            if request.method == "POST":
                if request.POST.get("action") == "revoke":
                    device_revoke(device=device, by=request.user)
                    messages.success(request, _("Device revoked: it can no longer scan."))
                    if request.POST.get("next") == "index":
                        return redirect("checkin_devices:index")
                else:
                    _remember_token(
                        request, device, device_rotate_token(device=device, by=request.user)
                    )
                    messages.success(request, _("New pairing link: the old one no longer works."))
                return redirect("checkin_devices:pair", pk=device.pk)
            token = request.session.get(PAIRING_SESSION_KEY, {}).pop(str(device.pk), None)
            request.session.modified = True
            link = device_pairing_url(token) if token else ""
            return TemplateResponse(
                request,
                "events/checkin/admin_pair.html",
                {
                    "device": device,
                    "link": link,
                    "qr_svg": segno.make(link, error="m").svg_inline(scale=5) if link else "",
                    "header_title": _("Pair “%(name)s”") % {"name": device.name},
                    "page_title": _("Pair “%(name)s”") % {"name": device.name},
                    "header_icon": "mobile-alt",
                    "index_url": reverse("checkin_devices:index"),
                    "activity_panel": ActivityPanel(device, user=request.user),
                },
            )

        return view


# --- Logs (read-only) -------------------------------------------------------------------------


def _who(row) -> str:
    device = row.by_device if isinstance(row, CheckIn) else row.device
    user = row.by_user if isinstance(row, CheckIn) else row.user
    if device is not None:
        return device.name
    return user.get_username() if user is not None else ""


class CheckInLogViewSet(CheckInModelViewSet):
    model = CheckIn
    icon = "tick-inverse"
    menu_label = gettext_lazy("Check-in log")
    inspect_view_enabled = True
    form_fields: list[str] = []  # nobody edits the log (see permissions.py)
    list_display = [
        "created_at",
        "registration",
        "checkin_list",
        "kind",
        "gate",
        Column("who", label=gettext_lazy("By"), accessor=_who),
        "method",
        "annulled_at",
        "annul_reason",
        "offline",
    ]
    list_export = [
        "created_at",
        "registration",
        "checkin_list",
        "kind",
        "gate",
        "method",
        "annulled_at",
        "annul_reason",
        "offline",
    ]
    list_filter = ["checkin_list__event", "checkin_list", "kind", "method", "by_device", "offline"]
    search_fields = ["registration__full_name", "registration__email", "gate"]
    search_backend_name = None
    export_filename = "check-ins"

    def index_queryset(self):
        return CheckIn.objects.select_related(
            "registration", "checkin_list", "by_device", "by_user"
        )


class ScanLogViewSet(CheckInModelViewSet):
    model = ScanLog
    icon = "warning"
    menu_label = gettext_lazy("Failed scans")
    inspect_view_enabled = True
    form_fields: list[str] = []
    list_display = [
        "created_at",
        "result",
        "checkin_list",
        "registration",
        "scanned",
        "gate",
        Column("who", label=gettext_lazy("By"), accessor=_who),
        "offline",
        "conflict",
    ]
    list_export = [field for field in list_display if isinstance(field, str)]
    list_filter = ["event", "checkin_list", "result", "device", "offline", "conflict"]
    search_fields = ["scanned", "gate"]
    search_backend_name = None
    export_filename = "failed-scans"

    def index_queryset(self):
        return ScanLog.objects.select_related("checkin_list", "registration", "device", "user")


class CheckInViewSetGroup(ModelViewSetGroup):
    menu_label = gettext_lazy("Check-in")
    menu_icon = "tick-inverse"
    menu_order = 260
    submenu_hook = "register_checkin_menu_item"
    items = (
        CheckInListViewSet("checkin_lists"),
        DeviceViewSet("checkin_devices"),
        CheckInLogViewSet("checkin_log"),
        ScanLogViewSet("checkin_failed_scans"),
    )


class CheckInMenuItem(MenuItem):
    """A link of the check-in menu, shown to those who may check guests in."""

    def is_shown(self, request):
        return checkin_user_may_watch(request.user)


def arrivals_menu_item() -> MenuItem:
    return CheckInMenuItem(
        gettext_lazy("Live arrivals"),
        reverse("events:checkin_arrivals_index"),
        icon_name="view",
        order=10,
    )


def scanner_menu_item() -> MenuItem:
    return CheckInMenuItem(
        gettext_lazy("Scanner"), reverse("events:checkin_scanner"), icon_name="mobile-alt", order=11
    )
