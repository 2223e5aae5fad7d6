"""The exhibitor's lead pages: scan visitors' badges at the booth, the leads list with the
staff's note, rating and tags, and the export (CSV, XLSX).

Every page finds leads through the logged-in member's company (``request.exhibitor``): another
company's lead is a 404, its leads are in no list or file. Scanning: see
``exhibitors/services/leads.py``.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods

from core.errors import domain_error_json
from core.exports import SafeExportMixin
from exhibitors import selectors
from exhibitors.exceptions import ExhibitorsError, LeadScanNotAllowed, NoBadgeCode
from exhibitors.forms import LeadForm, LeadScanForm
from exhibitors.models import Lead
from exhibitors.services import leads as lead_services
from exhibitors.views import exhibitor_required, wants_json

#: Leads per page of the leads list (the export has them all).
LEADS_PER_PAGE = 50


def _chosen_event(events, value):
    """The event named by ``value`` (a slug) among ``events``; None for every event."""
    if not value:
        return None
    for event in events:
        if event.slug == value:
            return event
    raise Http404()


def _scan_answer(lead: Lead, created: bool) -> dict:
    if created:
        message = _("Lead saved: %(name)s.") % {"name": lead.display_name}
    else:
        message = _("Already a lead: %(name)s (scan %(count)s).") % {
            "name": lead.display_name,
            "count": lead.scans,
        }
    return {
        "status": "ok",
        "created": created,
        "lead": lead.pk,
        "name": lead.display_name,
        "organization": lead.organization,
        "shares_contact": lead.shares_contact,
        "message": message,
        "url": reverse("exhibitors:lead_detail", args=[lead.pk]),
    }


def _scan(request, form: LeadScanForm, events) -> dict:
    """The answer to a scan posted with ``form``. Raises the service's errors, LeadScanNotAllowed
    (an event the company may not scan at) and NoBadgeCode (nothing scanned)."""
    if not form.is_valid():
        raise LeadScanNotAllowed() if "event" in form.errors else NoBadgeCode()
    event = next(e for e in events if e.slug == form.cleaned_data["event"])
    lead, created = lead_services.lead_scan(
        member=request.member, event=event, code=form.cleaned_data["code"]
    )
    return _scan_answer(lead, created)


@require_http_methods(["GET", "POST"])
@exhibitor_required
def lead_scan(request):
    """The booth's scanner: a form a keyboard-wedge scanner types into (and a camera, with the
    page's script). Answers JSON to ``Accept: application/json``, else the page again."""
    events = selectors.lead_events(exhibitor=request.exhibitor)
    form = LeadScanForm(request.POST or None, events=events)
    answer, status = None, 200
    if request.method == "POST":
        try:
            answer = _scan(request, form, events)
        except ExhibitorsError as exc:
            if wants_json(request):
                response = domain_error_json(exc)
                if getattr(exc, "retry_after", 0):
                    response["Retry-After"] = str(exc.retry_after)
                return response
            answer, status = {"status": "error", "message": exc.message}, exc.http_status
        else:
            if wants_json(request):
                return JsonResponse(answer)
        form = LeadScanForm(events=events, initial={"event": request.POST.get("event")})
    return render(
        request,
        "exhibitors/lead_scan.html",
        {
            "exhibitor": request.exhibitor,
            "events": events,
            "form": form,
            "answer": answer,
            "config": {
                "strings": {
                    "offline": _("No connection: the scan was not recorded. Scan again."),
                    "cameraError": _("The camera could not be opened: %(error)s"),
                    "cameraStart": _("Start camera"),
                    "cameraStop": _("Stop camera"),
                    "open": _("Open the lead"),
                }
            },
        },
        status=status,
    )


@require_GET
@exhibitor_required
def leads(request):
    """The company's leads (of one event with ``?event=<slug>``), newest scan first,
    ``LEADS_PER_PAGE`` a page (``?page=``; a page out of range shows the nearest)."""
    events = selectors.lead_events(exhibitor=request.exhibitor)
    event = _chosen_event(events, request.GET.get("event"))
    query = f"?event={event.slug}" if event else ""
    page = Paginator(selectors.leads_of(exhibitor=request.exhibitor, event=event), LEADS_PER_PAGE)
    return render(
        request,
        "exhibitors/leads.html",
        {
            "exhibitor": request.exhibitor,
            "events": events,
            "chosen": event,
            "leads": page.get_page(request.GET.get("page")),
            "page_query": f"?event={event.slug}&" if event else "?",
            "export_csv": reverse("exhibitors:leads_export", args=["csv"]) + query,
            "export_xlsx": reverse("exhibitors:leads_export", args=["xlsx"]) + query,
        },
    )


@require_http_methods(["GET", "POST"])
@exhibitor_required
def lead_detail(request, pk):
    """One lead: the visitor as they share themselves, and the staff's note, rating, tags."""
    lead = get_object_or_404(selectors.leads_of(exhibitor=request.exhibitor), pk=pk)
    initial = {"note": lead.note, "rating": lead.rating, "tags": lead.tags_display}
    form = LeadForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            lead_services.lead_update(lead=lead, member=request.member, **form.cleaned_data)
        except ExhibitorsError as exc:
            form.add_error("tags" if exc.code == "invalid_lead" else None, exc.message)
        else:
            messages.success(request, _("The lead is saved."))
            return redirect("exhibitors:leads")
    return render(
        request,
        "exhibitors/lead_detail.html",
        {"exhibitor": request.exhibitor, "lead": lead, "form": form},
        status=400 if form.errors else 200,
    )


class LeadSpreadsheet(SafeExportMixin):
    """The leads as a spreadsheet: the project's safe cells (no formulas, BOM, Hanoi times)."""

    list_export = [
        "display_name",
        "organization",
        "title",
        "email",
        "phone",
        "shares_contact",
        "rating",
        "tags",
        "note",
        "event.name",
        "scanned_by_label",
        "first_scanned_at",
        "last_scanned_at",
        "scans",
    ]

    def __init__(self, filename: str):
        self.export_filename = filename
        self.export_headings = {
            "display_name": _("Visitor"),
            "organization": _("Organization"),
            "title": _("Position"),
            "email": _("Email"),
            "phone": _("Phone"),
            "shares_contact": _("Shares contact details"),
            "rating": _("Rating"),
            "tags": pgettext("lead", "Tags"),
            "note": _("Note"),
            "event.name": _("Event"),
            "scanned_by_label": _("Scanned by"),
            "first_scanned_at": _("First scanned at"),
            "last_scanned_at": _("Last scanned at"),
            "scans": _("Scans"),
        }


@require_GET
@exhibitor_required
def leads_export(request, fmt):
    """The company's leads (of one event with ``?event=<slug>``) as CSV or XLSX."""
    if fmt not in LeadSpreadsheet.FORMATS:
        raise Http404()
    events = selectors.lead_events(exhibitor=request.exhibitor)
    event = _chosen_event(events, request.GET.get("event"))
    rows = list(selectors.leads_of(exhibitor=request.exhibitor, event=event))
    lead_services.leads_exported(member=request.member, event=event, count=len(rows), fmt=fmt)
    filename = f"leads-{request.exhibitor.slug}" + (f"-{event.slug}" if event else "")
    return LeadSpreadsheet(filename).as_spreadsheet(rows, fmt)
