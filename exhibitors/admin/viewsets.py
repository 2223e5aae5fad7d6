"""The exhibition in the Wagtail admin (menu "Exhibition"): viewsets of bookings, booths, exhibitors
and settings. Registered by ``exhibitors/wagtail_hooks.py``."""

from django.db.models import Case, Count, IntegerField, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from core.admin import LoggedViewSetMixin
from core.exports import SafeIndexView
from core.money import format_vnd
from core.time import HCM, time_left
from exhibitors.admin import payments as payment_views
from exhibitors.admin import views as admin_views
from exhibitors.enums import BookingStatus, booth_state_for
from exhibitors.forms import BoothAdminForm, TaxCodeField
from exhibitors.models import (
    BankStatementFormat,
    Booth,
    BoothBooking,
    ExhibitionSettings,
    Exhibitor,
    ExtraOption,
    Lead,
    live_booking_q,
)
from exhibitors.services.accounts import PROFILE_FIELDS
from exhibitors.services.bookings import SETTINGS_FIELDS
from mail.admin import emails_admin_url
from mail.permissions import VIEW_PERMISSION as MAIL_VIEW_PERMISSION

# --- Bookings ---------------------------------------------------------------------------------


def leads_count():
    """How many leads the booking's company scanned at the booking's event (a count, never the
    visitors: their contacts are the company's): a subquery of the outer booking's row."""
    leads = (
        Lead.objects.filter(exhibitor=OuterRef("exhibitor_id"), event=OuterRef("event_id"))
        .order_by()
        .values("exhibitor")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(leads, output_field=IntegerField()), Value(0))


class BookingIndexView(SafeIndexView):
    """Pending requests first, then live holds, then the rest; rows open the decision page.
    Each row counts its company's leads at its event (in the list's one query)."""

    def get_base_queryset(self):
        now = timezone.now()
        return (
            super()
            .get_base_queryset()
            .select_related("booth", "exhibitor", "event")
            .annotate(
                pending_rank=Case(
                    When(status=BookingStatus.REQUESTED, then=0),
                    When(status=BookingStatus.HELD, held_until__gt=now, then=1),
                    default=2,
                    output_field=IntegerField(),
                ),
                leads_count=leads_count(),
            )
        )

    def order_queryset(self, queryset):
        if not self.is_explicitly_ordered:
            return queryset.order_by("pending_rank", "requested_at", "-created_at", "-pk")
        return super().order_queryset(queryset)

    def get_edit_url(self, instance):
        return reverse("exhibition_bookings:decide", args=[instance.pk])

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if self.request.user.has_perm(MAIL_VIEW_PERMISSION):
            url = emails_admin_url(instance)
            buttons.append(MenuItem(_("Emails"), url=url, icon_name="mail", priority=40))
        return buttons


def _price(booking_or_booth) -> str:
    return format_html(
        '<span class="w-whitespace-nowrap">{}</span>', format_vnd(booking_or_booth.price_vnd)
    )


def _hold_deadline(booking) -> str:
    """A hold's deadline and the time left, in the admin's language: "09:25 · còn 22 phút"
    (Wagtail's date cell reads a future time as "just now")."""
    if booking.status != BookingStatus.HELD or booking.held_until is None:
        return ""
    now = timezone.now()
    local = timezone.localtime(booking.held_until, HCM)
    at = (
        f"{local:%H:%M}"
        if local.date() == timezone.localtime(now, HCM).date()
        else f"{local:%H:%M %d/%m}"
    )
    return f"{at} · {time_left(booking.held_until, now)}"


def _leads(booking) -> str:
    count = booking.leads_count
    return format_html('<span data-leads="{}">{}</span>', count, count)


def _payment_due(booking) -> str:
    return date_format(booking.payment_due, "d/m/Y") if booking.payment_due else ""


class BookingViewSet(ModelViewSet):
    model = BoothBooking
    name = "exhibition_bookings"
    url_prefix = "exhibition/bookings"
    icon = "clipboard-list"
    menu_label = _("Bookings")
    index_view_class = BookingIndexView
    list_display = [
        "booth",
        "exhibitor",
        "event",
        "get_effective_status_display",
        Column("price", label=_("Price"), accessor=_price, sort_key="price_vnd"),
        Column("payment", label=_("Payment"), accessor="get_payment_status_display"),
        Column("held_until", label=_("Held until"), accessor=_hold_deadline, sort_key="held_until"),
        Column(
            "payment_due", label=_("Payment due"), accessor=_payment_due, sort_key="payment_due"
        ),
        Column("leads_count", label=_("Leads"), accessor=_leads, sort_key="leads_count"),
        "requested_at",
    ]
    list_filter = ["status", "payment_status", "event"]
    search_fields = ["exhibitor__name", "booth__code", "invoice_company"]
    search_backend_name = None
    list_export = [
        "event.name",
        "booth.code",
        "booth.get_tier_display",
        "exhibitor.name",
        "exhibitor.tax_code",
        "get_effective_status_display",
        "price_vnd",
        "extras_display",
        "get_payment_status_display",
        "paid_at",
        "payment_due",
        "held_until",
        "requested_at",
        "decided_at",
        "invoice_company",
        "invoice_tax_code",
        "invoice_address",
        "invoice_email",
        "reason",
        "leads_count",
    ]
    export_headings = {
        "event.name": _("Event"),
        "booth.code": _("Booth"),
        "booth.get_tier_display": _("Tier"),
        "exhibitor.name": _("Exhibitor"),
        "exhibitor.tax_code": _("Tax code"),
        "get_effective_status_display": _("Status"),
        "price_vnd": _("Price (VND)"),
        "extras_display": _("Extras"),
        "get_payment_status_display": _("Payment"),
        "leads_count": _("Leads"),
    }
    export_filename = "booth-bookings"
    form_fields = [
        "invoice_company",
        "invoice_tax_code",
        "invoice_address",
        "invoice_email",
        "notes",
    ]
    copy_view_enabled = False

    def formfield_for_dbfield(self, db_field, **kwargs):
        if db_field.name == "invoice_tax_code":  # checked as the exhibitor's booking form does
            return db_field.formfield(form_class=TaxCodeField, **kwargs)
        return super().formfield_for_dbfield(db_field, **kwargs)

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("<id:pk>/decide/", admin_views.BookingDecideView.as_view(), name="decide"),
            path("<id:pk>/proforma.pdf", admin_views.booking_proforma, name="proforma"),
            path("<id:pk>/receipt.pdf", admin_views.booking_receipt, name="receipt"),
        ]


# --- Booths -----------------------------------------------------------------------------------


def _booth_state(booth) -> str:
    """The state label of a booth of the list (annotated with its live booking's status)."""
    return booth_state_for(
        blocked=booth.blocked, live_status=getattr(booth, "live_status", None)
    ).label


class BoothIndexView(SafeIndexView):
    def get_base_queryset(self):
        live = BoothBooking.objects.filter(live_booking_q(), booth=OuterRef("pk"))
        return (
            super()
            .get_base_queryset()
            .select_related("event")
            .annotate(
                live_status=Subquery(live.values("status")[:1]),
                live_exhibitor=Subquery(live.values("exhibitor__name")[:1]),
            )
        )

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if self.request.user.has_perm("exhibitors.change_booth"):
            buttons.append(
                MenuItem(
                    _("Release") if instance.blocked else _("Reserve"),
                    url=reverse("exhibition_booths:block", args=[instance.pk]),
                    icon_name="lock-open" if instance.blocked else "lock",
                    priority=15,
                )
            )
        return buttons


class BoothViewSet(ModelViewSet):
    model = Booth
    name = "exhibition_booths"
    url_prefix = "exhibition/booths"
    icon = "grip"
    menu_label = _("Booths")
    index_view_class = BoothIndexView
    list_display = [
        "code",
        "event",
        "zone",
        "tier",
        Column("price", label=_("Price"), accessor=_price, sort_key="price_vnd"),
        Column("state", label=_("State"), accessor=_booth_state),
        Column("exhibitor", label=_("Exhibitor"), accessor="live_exhibitor"),
    ]
    list_filter = ["event", "tier", "zone", "blocked"]
    search_fields = ["code", "zone"]
    search_backend_name = None
    ordering = ["event", "code"]
    list_per_page = 50
    list_export = [
        "event.name",
        "code",
        "zone",
        "get_tier_display",
        "width_m",
        "depth_m",
        "price_vnd",
        "has_power",
        "has_internet",
        "has_furniture",
        "blocked",
        "blocked_reason",
    ]
    export_filename = "booths"
    edit_view_class = admin_views.BoothEditView
    copy_view_enabled = False

    def get_form_class(self, for_update=False):
        return BoothAdminForm

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("<id:pk>/block/", admin_views.BoothBlockView.as_view(), name="block"),
        ]


# --- Exhibitors, settings, overview -----------------------------------------------------------


class ExhibitorViewSet(ModelViewSet):
    model = Exhibitor
    index_view_class = SafeIndexView
    name = "exhibition_exhibitors"
    url_prefix = "exhibition/exhibitors"
    icon = "group"
    menu_label = _("Exhibitors")
    list_display = ["name", "tax_code", "sector", "contact_name", "contact_email", "contact_phone"]
    list_filter = ["sector", "language"]
    search_fields = ["name", "tax_code", "contact_name", "contact_email"]
    search_backend_name = None
    list_export = [
        *(("get_sector_display" if f == "sector" else f) for f in PROFILE_FIELDS),
        "created_at",
    ]
    export_filename = "exhibitors"
    form_fields = list(PROFILE_FIELDS)
    copy_view_enabled = False


def _extra_price(option) -> str:
    return format_html('<span class="w-whitespace-nowrap">{}</span>', format_vnd(option.price_vnd))


class ExtraOptionViewSet(LoggedViewSetMixin, ModelViewSet):
    """The price (before VAT) and VAT rate of each extra, per event."""

    log_prefix = "extra_option"

    model = ExtraOption
    name = "exhibition_extras"
    url_prefix = "exhibition/extras"
    icon = "tag"
    menu_label = _("Extras")
    list_display = [
        "code",
        "event",
        Column("price", label=_("Price"), accessor=_extra_price, sort_key="price_vnd"),
        "vat_rate",
    ]
    list_filter = ["event"]
    form_fields = ["event", "code", "price_vnd", "vat_rate"]
    copy_view_enabled = False


class ExhibitionSettingsViewSet(LoggedViewSetMixin, ModelViewSet):
    log_prefix = "exhibition_settings"
    model = ExhibitionSettings
    name = "exhibition_settings"
    url_prefix = "exhibition/settings"
    icon = "cog"
    menu_label = _("Rules")
    list_display = ["event", "booking_open", "max_booths_per_exhibitor", "hold_minutes"]
    form_fields = ["event", *SETTINGS_FIELDS]
    copy_view_enabled = False


class BankStatementFormatViewSet(LoggedViewSetMixin, ModelViewSet):
    """How each bank writes its statement CSV (columns, date format, separators, encoding)."""

    log_prefix = "bank_format"

    model = BankStatementFormat
    name = "exhibition_bank_formats"
    url_prefix = "exhibition/bank-formats"
    icon = "cog"
    menu_label = _("Bank formats")
    list_display = ["name", "encoding", "date_format", "skip_rows"]
    form_fields = [
        "name",
        "encoding",
        "delimiter",
        "skip_rows",
        "date_column",
        "amount_column",
        "description_column",
        "date_format",
        "decimal_separator",
        "thousands_separator",
    ]
    copy_view_enabled = False


class PaymentsViewSet(ViewSet):
    """Bank statements (import, reconcile) and the e-invoice export."""

    name = "exhibition_payments"
    url_prefix = "exhibition/payments"
    icon = "doc-full"
    menu_label = _("Payments")

    def get_urlpatterns(self):
        return [
            path("", payment_views.StatementListView.as_view(), name="statements"),
            path(
                "statements/<id:pk>/",
                payment_views.StatementDetailView.as_view(),
                name="statement",
            ),
            path("einvoices/", payment_views.EinvoiceExportView.as_view(), name="einvoices"),
        ]


class OverviewViewSet(ViewSet):
    name = "exhibition"
    icon = "table"
    menu_label = _("Occupancy")

    def get_urlpatterns(self):
        return [path("", admin_views.OverviewView.as_view(), name="overview")]


class PlanViewSet(ViewSet):
    """The floor plan editor: Exhibition → Floor plan."""

    name = "exhibition_plan"
    url_prefix = "exhibition/plan"
    icon = "grip"
    menu_label = _("Floor plan")

    def get_urlpatterns(self):
        return [path("", admin_views.PlanEditorView.as_view(), name="edit")]


class ExhibitionGroup(ViewSetGroup):
    menu_label = _("Exhibition")
    menu_icon = "table"
    menu_order = 250
    items = (
        OverviewViewSet,
        PlanViewSet,
        BookingViewSet,
        BoothViewSet,
        ExhibitorViewSet,
        PaymentsViewSet,
        BankStatementFormatViewSet,
        ExtraOptionViewSet,
        ExhibitionSettingsViewSet,
    )
