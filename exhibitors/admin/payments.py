"""The organizer's payment pages in the Wagtail admin (Exhibition → Payments): bank statements
imported and reconciled line by line, and the e-invoice export. They call the services
(exhibitors/services/reconcile.py, payments.py); importing and deciding need the change
permission on bookings, seeing them the view permission."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from core.converters import parse_id
from core.exports import SafeExportMixin
from exhibitors import services
from exhibitors.admin.views import ExhibitionAdminMixin
from exhibitors.einvoice import COLUMNS, einvoice_rows
from exhibitors.enums import StatementLineState
from exhibitors.exceptions import ExhibitorsError
from exhibitors.forms import EinvoiceExportForm, StatementAssignForm, StatementUploadForm
from exhibitors.models import BankStatementFormat, BankStatementImport, BankStatementLine
from exhibitors.permissions import require_perm
from exhibitors.services.reconcile import StatementInvalid, booking_by_reference


class StatementListView(ExhibitionAdminMixin, TemplateView):
    """The statements imported, newest first, and the form to import one."""

    template_name = "exhibitors/admin/statements.html"
    page_title = gettext_lazy("Bank statements")
    header_icon = "doc-full"

    def dispatch(self, request, *args, **kwargs):
        require_perm(request.user, "view_boothbooking")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "statements": BankStatementImport.objects.select_related(
                    "bank", "imported_by"
                ).order_by("-imported_at", "-pk")[:50],
                "form": kwargs.get("form") or StatementUploadForm(),
                "file_errors": kwargs.get("file_errors", []),
                "has_formats": BankStatementFormat.objects.exists(),
                "formats_url": reverse("exhibition_bank_formats:index"),
                "einvoice_url": reverse("exhibition_payments:einvoices"),
                "can_change": self.request.user.has_perm("exhibitors.change_boothbooking"),
            }
        )
        return context

    def post(self, request, *args, **kwargs):
        require_perm(request.user, "change_boothbooking")
        form = StatementUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        upload = form.cleaned_data["file"]
        try:
            statement = services.statement_import(
                bank=form.cleaned_data["bank"],
                data=upload.read(),
                filename=upload.name,
                by=request.user,
            )
        except StatementInvalid as exc:
            messages.error(request, exc.message)
            context = self.get_context_data(form=form, file_errors=exc.messages)
            return self.render_to_response(context, status=400)
        messages.success(
            request,
            _("%(new)s new lines of %(read)s credit lines imported.")
            % {"new": statement.lines_new, "read": statement.lines_read},
        )
        return redirect("exhibition_payments:statement", pk=statement.pk)


class StatementDetailView(ExhibitionAdminMixin, TemplateView):
    """One statement's lines: proposed matches to confirm (one by one or all), lines that need a
    decision (record, assign to a booking, ignore), and those decided."""

    template_name = "exhibitors/admin/statement.html"
    page_title = gettext_lazy("Bank statement")
    header_icon = "doc-full"

    def dispatch(self, request, *args, **kwargs):
        require_perm(request.user, "view_boothbooking")
        self.statement = get_object_or_404(
            BankStatementImport.objects.select_related("bank"), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.statement)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        lines = list(
            self.statement.lines.select_related("booking__exhibitor", "booking__booth").order_by(
                "row"
            )
        )
        context.update(
            {
                "statement": self.statement,
                "lines": lines,
                "proposed_count": sum(1 for x in lines if x.state == StatementLineState.PROPOSED),
                "open_states": (StatementLineState.PROPOSED, StatementLineState.PENDING),
                "index_url": reverse("exhibition_payments:statements"),
                "can_change": self.request.user.has_perm("exhibitors.change_boothbooking"),
            }
        )
        return context

    def post(self, request, *args, **kwargs):
        require_perm(request.user, "change_boothbooking")
        action = request.POST.get("action")
        if action == "confirm_all":
            recorded, refused = services.statement_confirm_proposed(
                statement=self.statement, by=request.user
            )
            messages.success(request, _("%(count)s payments recorded.") % {"count": recorded})
            for message in refused:
                messages.error(request, message)
            return redirect("exhibition_payments:statement", pk=self.statement.pk)
        line_id = parse_id(request.POST.get("line", ""))
        line = get_object_or_404(BankStatementLine, pk=line_id or 0, statement=self.statement)
        try:
            if action == "confirm":
                services.statement_line_confirm(line=line, by=request.user)
                messages.success(request, _("The payment is recorded."))
            elif action == "assign":
                form = StatementAssignForm(request.POST)
                if not form.is_valid():
                    raise ExhibitorsError(_("Please give the booking's payment reference."))
                booking = booking_by_reference(form.cleaned_data["reference"])
                services.statement_line_confirm(line=line, by=request.user, booking=booking)
                messages.success(
                    request,
                    _("The payment is recorded for booking %(reference)s.")
                    % {"reference": booking.payment_reference},
                )
            elif action == "ignore":
                services.statement_line_ignore(
                    line=line, by=request.user, reason=request.POST.get("reason", "")[:500]
                )
                messages.success(request, _("The line is ignored."))
            else:
                raise Http404
        except ExhibitorsError as exc:
            messages.error(request, exc.message)
        return redirect("exhibition_payments:statement", pk=self.statement.pk)


class EinvoiceExportView(SafeExportMixin, ExhibitionAdminMixin, TemplateView):
    """The e-invoice data of an event's paid bookings for the accredited provider's import
    (CSV or XLSX through core/exports.py: no formulas, BOM)."""

    template_name = "exhibitors/admin/einvoices.html"
    page_title = gettext_lazy("E-invoice export")
    header_icon = "download"
    list_export = [key for key, _heading in COLUMNS]
    export_headings = dict(COLUMNS)

    def dispatch(self, request, *args, **kwargs):
        require_perm(request.user, "view_boothbooking")
        return super().dispatch(request, *args, **kwargs)

    def get_filename(self):
        return f"einvoices-{self.event.slug}"

    def get(self, request, *args, **kwargs):
        form = EinvoiceExportForm(request.GET or None)
        if self.is_export and form.is_valid():
            self.event = form.cleaned_data["event"]
            return self.as_spreadsheet(einvoice_rows(self.event.pk), request.GET["export"])
        return self.render_to_response(self.get_context_data(form=form))
