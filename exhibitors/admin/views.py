"""The organizer's views in the Wagtail admin: occupancy, deciding on a booking, blocking a booth.

They call the services; the permission checked is Wagtail's/Django's ``change`` permission on
the model (superusers have it; give it to the organizers' group).
"""

from django.contrib import messages
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic import EditView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from core.admin import ActivityPanel
from core.converters import parse_id
from events.models import Event
from exhibitors import selectors, services
from exhibitors.enums import LIVE_BOOKING_STATUSES, OWING_STATUSES, BookingStatus
from exhibitors.exceptions import ExhibitorsError, PlanInvalid
from exhibitors.forms import (
    BlockForm,
    BoothPlaceFormSet,
    HallForm,
    MoveForm,
    PaymentForm,
    PlanShapeFormSet,
    RefundForm,
    RejectForm,
)
from exhibitors.invoices import document_pdf_response
from exhibitors.models import Booth, BoothBooking, PlanShape, live_booking_q
from exhibitors.orders import booking_order
from exhibitors.permissions import require_perm
from exhibitors.services.invoices import (
    proforma_available,
    proforma_latest,
    proforma_outdated,
    receipt_latest,
)
from exhibitors.services.payments import booking_paid_vnd
from exhibitors.services.plan import PLACE_FIELDS, SHAPE_FIELDS


class ExhibitionAdminMixin(WagtailAdminTemplateMixin):
    def get_breadcrumbs_items(self):
        subtitle = self.get_page_subtitle()
        label = f"{self.get_page_title()}: {subtitle}" if subtitle else self.get_page_title()
        return [*self.breadcrumbs_items, {"url": "", "label": label}]


class OverviewView(ExhibitionAdminMixin, TemplateView):
    """Occupancy at a glance for one event: booths by state, revenue, pending bookings first."""

    template_name = "exhibitors/admin/overview.html"
    page_title = gettext_lazy("Exhibition")
    header_icon = "table"

    def dispatch(self, request, *args, **kwargs):
        require_perm(request.user, "view_boothbooking")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        events, event = events_with_booths(self.request)
        context.update(
            {
                "events": events,
                "event": event,
                "summary": selectors.occupancy_summary(event=event) if event else None,
                "bookings_url": reverse("exhibition_bookings:index"),
                "exhibitors_url": reverse("exhibition_exhibitors:index"),
            }
        )
        return context


class BookingDecideView(ExhibitionAdminMixin, TemplateView):
    """One booking: its details and history, and the organizer's actions (approve, reject with
    a reason, cancel, move to another booth)."""

    template_name = "exhibitors/admin/decide.html"
    page_title = gettext_lazy("Booth booking")
    header_icon = "clipboard-list"

    def dispatch(self, request, *args, **kwargs):
        self.booking = get_object_or_404(
            BoothBooking.objects.select_related("booth", "exhibitor", "event", "decided_by"),
            pk=kwargs["pk"],
        )
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return f"{self.booking.booth.code} · {self.booking.exhibitor.name}"

    def free_booths(self):
        taken = BoothBooking.objects.filter(live_booking_q(), booth=OuterRef("pk"))
        return (
            Booth.objects.filter(event=self.booking.event, blocked=False)
            .exclude(pk=self.booking.booth_id)
            .exclude(Exists(taken))
            .order_by("code")
        )

    def get(self, request, *args, **kwargs):
        require_perm(request.user, "view_boothbooking")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        booking = self.booking
        status = booking.effective_status()
        context.update(
            {
                "booking": booking,
                "status": status,
                "status_label": BookingStatus(status).label,
                "can_decide": status == BookingStatus.REQUESTED,
                "is_live": status in LIVE_BOOKING_STATUSES,
                "reject_form": kwargs.get("reject_form") or RejectForm(),
                "move_form": kwargs.get("move_form") or MoveForm(booths=self.free_booths()),
                "transitions": booking.transitions.select_related("from_booth", "to_booth", "by"),
                "staff": selectors.staff_of_booking(booking=booking),
                "index_url": reverse("exhibition_bookings:index"),
                "can_change": self.request.user.has_perm("exhibitors.change_boothbooking"),
                "activity_panel": ActivityPanel(booking, user=self.request.user),
                "order": booking_order(booking) if booking.payment_status else None,
                "invoice_url": reverse("exhibition_bookings:proforma", args=[booking.pk])
                if proforma_available(booking)
                else "",
                "can_mark_paid": booking.status == BookingStatus.APPROVED
                and booking.payment_status in OWING_STATUSES,
                "can_issue_proforma": proforma_outdated(booking),
                "receipt_url": reverse("exhibition_bookings:receipt", args=[booking.pk])
                if receipt_latest(booking)
                else "",
                "payments": booking.payments.select_related("recorded_by"),
                "paid_vnd": booking_paid_vnd(booking),
                "payment_form": kwargs.get("payment_form") or PaymentForm(),
                "refund_form": kwargs.get("refund_form") or RefundForm(),
            }
        )
        return context

    def post(self, request, *args, **kwargs):
        require_perm(request.user, "change_boothbooking")
        action = request.POST.get("action")
        booking = self.booking
        extra = {}
        try:
            if action == "approve":
                services.booking_approve(booking=booking, by=request.user)
                messages.success(request, _("The booking is approved."))
            elif action == "reject":
                form = RejectForm(request.POST)
                if not form.is_valid():
                    extra["reject_form"] = form
                    raise ExhibitorsError(_("Please give a reason."))
                services.booking_reject(
                    booking=booking, by=request.user, reason=form.cleaned_data["reason"]
                )
                messages.success(request, _("The booking is rejected."))
            elif action == "cancel":
                services.booking_cancel(
                    booking=booking, by=request.user, reason=request.POST.get("reason", "")
                )
                messages.success(request, _("The booking is cancelled."))
            elif action == "move":
                form = MoveForm(request.POST, booths=self.free_booths())
                if not form.is_valid():
                    extra["move_form"] = form
                    raise ExhibitorsError(_("Please choose a free booth."))
                services.booking_move(
                    booking=booking,
                    to_booth=form.cleaned_data["to_booth"],
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                )
                messages.success(
                    request,
                    _("The booking is moved to booth %(code)s.")
                    % {"code": form.cleaned_data["to_booth"].code},
                )
            elif action == "issue_proforma":
                invoice = services.proforma_reissue(booking=booking, by=request.user)
                messages.success(
                    request,
                    _("Pro-forma invoice %(number)s is issued.")
                    % {"number": invoice.display_number},
                )
            elif action == "record_payment":
                form = PaymentForm(request.POST)
                if not form.is_valid():
                    extra["payment_form"] = form
                    raise ExhibitorsError(_("Please correct the errors below."))
                services.payment_record(
                    booking=booking,
                    amount_vnd=form.cleaned_data["amount_vnd"],
                    received_on=form.cleaned_data["received_on"],
                    reference=form.cleaned_data["reference"],
                    by=request.user,
                )
                messages.success(request, _("The payment is recorded."))
            elif action == "refund":
                form = RefundForm(request.POST)
                if not form.is_valid():
                    extra["refund_form"] = form
                    raise ExhibitorsError(_("Please correct the errors below."))
                services.payment_refund(
                    booking=booking,
                    amount_vnd=form.cleaned_data["amount_vnd"],
                    reason=form.cleaned_data["reason"],
                    by=request.user,
                )
                messages.success(request, _("The refund is recorded."))
            elif action == "mark_paid":
                services.booking_mark_paid(
                    booking=booking, by=request.user, reason=request.POST.get("reason", "")
                )
                messages.success(request, _("The booking is marked paid."))
            else:
                raise ExhibitorsError()
        except ExhibitorsError as exc:
            messages.error(request, exc.message)
            if extra:
                return self.render_to_response(self.get_context_data(**extra), status=400)
        return redirect("exhibition_bookings:decide", pk=booking.pk)


def _booking_document(request, pk, latest):
    require_perm(request.user, "view_boothbooking")
    booking = get_object_or_404(BoothBooking.objects.select_related("event"), pk=pk)
    document = latest(booking)
    if document is None:
        raise Http404
    return document_pdf_response(document=document, language=translation.get_language() or "vi")


def booking_proforma(request, pk):
    """The booking's latest pro-forma invoice (PDF) for organizers who may view bookings;
    downloading never issues one (the decide page's "Issue" action does)."""
    return _booking_document(request, pk, proforma_latest)


def booking_receipt(request, pk):
    """The booking's receipt (PDF) for organizers who may view bookings: 404 before it is
    paid."""
    return _booking_document(request, pk, receipt_latest)


class BoothBlockView(ExhibitionAdminMixin, TemplateView):
    """Reserve a booth (for a sponsor) or release it."""

    template_name = "exhibitors/admin/block.html"
    page_title = gettext_lazy("Reserve a booth")
    header_icon = "lock"

    def dispatch(self, request, *args, **kwargs):
        require_perm(request.user, "change_booth")
        self.booth = get_object_or_404(Booth.objects.select_related("event"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.booth.code

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "booth": self.booth,
                "form": kwargs.get("form") or BlockForm(),
                "index_url": reverse("exhibition_booths:index"),
            }
        )
        return context

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "unblock":
            services.booth_unblock(booth=self.booth, by=request.user)
            messages.success(request, _("Booth %(code)s is free again.") % {"code": self.booth})
            return redirect("exhibition_booths:index")
        form = BlockForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            services.booth_block(
                booth=self.booth, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ExhibitorsError as exc:
            messages.error(request, exc.message)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(request, _("Booth %(code)s is reserved.") % {"code": self.booth})
        return redirect("exhibition_booths:index")


class BoothEditView(EditView):
    """The booth's edit page: the form saves through ``booth_update``; its refusal (a booked
    booth keeps its event, code, tier and price) becomes an error on the form, nothing saved."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ExhibitorsError as exc:
            form.add_error(None, exc.message)
            self.object.refresh_from_db()  # the form changed it in memory only
            self.produced_error_code = "validation_error"
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)


def events_with_booths(request) -> tuple[list[Event], Event | None]:
    """The events that have booths, newest first, and the one asked for (``?event=``) or the
    newest."""
    events = list(Event.objects.filter(booths__isnull=False).distinct().order_by("-starts_at"))
    wanted = parse_id(request.GET.get("event", ""))
    event = next((e for e in events if e.pk == wanted), None) if wanted else None
    return events, event or (events[0] if events else None)


class PlanEditorView(ExhibitionAdminMixin, TemplateView):
    """The floor plan editor of one event: the hall's size and drawing, each booth's place and
    size, the labelled shapes. The forms are the editor (they work without JavaScript);
    ``js/plan-editor.js`` lets the organizer drag booths and shapes on the drawing, which fills
    the same fields. Saved whole by ``plan_save`` or not at all."""

    template_name = "exhibitors/admin/plan.html"
    page_title = gettext_lazy("Floor plan")
    header_icon = "grip"

    def dispatch(self, request, *args, **kwargs):
        require_perm(request.user, "change_booth")
        self.events, self.event = events_with_booths(request)
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.event.name if self.event else ""

    def forms(self, data=None, files=None):
        event = self.event
        settings_ = selectors.settings_for(event)
        booths = list(Booth.objects.filter(event=event).order_by("code"))
        shapes = list(PlanShape.objects.filter(event=event))
        kinds = dict(PlanShape.Kind.choices)
        hall = HallForm(
            data,
            files,
            prefix="hall",
            initial={
                "hall_width_m": settings_.hall_width_m,
                "hall_depth_m": settings_.hall_depth_m,
            },
        )
        booth_forms = BoothPlaceFormSet(
            data,
            prefix="booths",
            initial=[{"booth": b.pk, **{f: getattr(b, f) for f in PLACE_FIELDS}} for b in booths],
        )
        shape_forms = PlanShapeFormSet(
            data,
            prefix="shapes",
            initial=[{"id": s.pk, **{f: getattr(s, f) for f in SHAPE_FIELDS}} for s in shapes],
        )
        return {
            "settings": settings_,
            "hall_form": hall,
            "booth_rows": list(zip(booth_forms.forms, booths, strict=True)),
            "booth_forms": booth_forms,
            "shape_forms": shape_forms,
            # each drawn shape with its label (its kind's name when it has none)
            "shape_rows": [
                (form, form["label"].value() or kinds.get(form["kind"].value(), ""))
                for form in shape_forms.forms
                if form["width_m"].value()
            ],
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update({"events": self.events, "event": self.event, "problems": []})
        if self.event:
            context.update(kwargs.get("forms") or self.forms())
            hall = context["hall_form"]
            width = hall["hall_width_m"].value() or max(
                (b.x_m + b.width_m for _f, b in context["booth_rows"]), default=10
            )
            depth = hall["hall_depth_m"].value() or max(
                (b.y_m + b.depth_m for _f, b in context["booth_rows"]), default=6
            )
            context.update(
                {
                    "view_width": width,
                    "view_depth": depth,
                    "public_url": reverse("exhibitors:floor_plan", args=[self.event.slug]),
                    "problems": kwargs.get("problems", []),
                }
            )
        return context

    def post(self, request, *args, **kwargs):
        if self.event is None:
            raise Http404
        forms = self.forms(request.POST, request.FILES)
        hall, booth_forms, shape_forms = (
            forms["hall_form"],
            forms["booth_forms"],
            forms["shape_forms"],
        )
        if not (hall.is_valid() and booth_forms.is_valid() and shape_forms.is_valid()):
            messages.error(request, _("The floor plan was not saved: correct the errors below."))
            return self.render_to_response(self.get_context_data(forms=forms), status=400)
        shapes = [
            {**f.cleaned_data, "delete": f.cleaned_data.get("DELETE", False)}
            for f in shape_forms.forms
            if f.has_changed() or f.cleaned_data.get("id")
        ]
        try:
            services.plan_save(
                event=self.event,
                hall_width_m=hall.cleaned_data["hall_width_m"],
                hall_depth_m=hall.cleaned_data["hall_depth_m"],
                hall_image=hall.cleaned_data["hall_image"] or None,
                hall_image_clear=hall.cleaned_data["hall_image_clear"],
                booths={
                    f.cleaned_data["booth"]: {p: f.cleaned_data[p] for p in PLACE_FIELDS}
                    for f in booth_forms.forms
                },
                shapes=shapes,
                by=request.user,
            )
        except PlanInvalid as exc:
            messages.error(request, _("The floor plan was not saved."))
            context = self.get_context_data(forms=forms, problems=exc.problems)
            return self.render_to_response(context, status=400)
        messages.success(request, _("The floor plan is saved."))
        return redirect(f"{reverse('exhibition_plan:edit')}?event={self.event.pk}")
