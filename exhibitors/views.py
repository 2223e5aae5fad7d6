"""Public pages of the exhibition and the exhibitor's own pages.

Every exhibitor page finds its objects through the logged-in user's company
(``request.exhibitor``): another company's booking, staff member or colleague is a 404.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.views import LoginView, PasswordResetConfirmView, redirect_to_login
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import json_error
from core.ratelimit import email_rate_limited
from events.models import Event
from events.pdf.badges import badge_pdf_response
from exhibitors import selectors, services
from exhibitors.enums import (
    OWING_STATUSES,
    PAYMENT_DUE_STATUSES,
    BookingStatus,
    MemberRole,
    StaffStatus,
)
from exhibitors.exceptions import EmailTaken, ExhibitorsError
from exhibitors.forms import (
    BookingRequestForm,
    CancelForm,
    ExhibitorLoginForm,
    ExhibitorProfileForm,
    ExhibitorSetPasswordForm,
    InviteMemberForm,
    PasswordResetRequestForm,
    SignupForm,
    StaffForm,
    VerifyEmailForm,
)
from exhibitors.invoices import document_pdf_response
from exhibitors.models import Booth, BoothBooking, BoothStaff, ExhibitorInvitation
from exhibitors.orders import booking_order
from exhibitors.payments import booking_payment_instructions
from exhibitors.services.invoices import (
    proforma_available,
    proforma_latest,
    proforma_outdated,
    receipt_latest,
)
from exhibitors.services.payments import booking_paid_vnd
from exhibitors.services.staff import staff_quota_for

#: Over the per-client limit of emails (sign-ups, password resets).
TOO_MANY_EMAILS = gettext_lazy("Too many attempts from your network. Try again later.")


def wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "") or request.path.startswith(
        reverse("exhibitors:api_root")
    )


def exhibitor_required(view):
    """Logged-in user of a company; sets ``request.exhibitor`` and ``request.member``."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            if wants_json(request):
                return json_error("login_required", _("Please log in."), 401)
            return redirect_to_login(request.get_full_path(), reverse("exhibitors:login"))
        member = selectors.membership_for_user(request.user)
        if member is None:
            if wants_json(request):
                return json_error("no_company", _("Create your company profile first."), 403)
            messages.info(request, _("Create your company profile first."))
            return redirect("exhibitors:company")
        request.member = member
        request.exhibitor = member.exhibitor
        return view(request, *args, **kwargs)

    return wrapper


def run_action(request, action, success_message) -> bool:
    """Call a service; show its domain error, or ``success_message``. Returns whether it ran."""
    try:
        action()
    except ExhibitorsError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, success_message)
    return True


def _event(event_slug: str) -> Event:
    return get_object_or_404(Event, slug=event_slug)


# --- Public pages -----------------------------------------------------------------------------


@require_GET
def exhibition_current(request):
    event = selectors.current_event()
    if event is None:
        raise Http404(_("There is no exhibition yet."))
    return redirect("exhibitors:floor_plan", event_slug=event.slug)


@require_GET
def floor_plan(request, event_slug):
    event = _event(event_slug)
    context = selectors.floor_plan_context(event=event, user=request.user)
    return render(request, "exhibitors/floor_plan.html", {"event": event, "floor_plan": context})


@require_GET
def floor_plan_api(request, event_slug):
    """The plan as JSON, for scripts and phones: code, state, tier, price, place in metres."""
    event = _event(event_slug)
    context = selectors.floor_plan_context(event=event, user=request.user)
    booths = [
        {
            "code": item.booth.code,
            "state": item.state,
            "zone": item.booth.zone,
            "zone_en": item.booth.zone_en,
            "tier": item.booth.tier,
            "price_vnd": item.booth.price_vnd,
            "width_m": float(item.booth.width_m),
            "depth_m": float(item.booth.depth_m),
            "x_m": float(item.booth.x_m),
            "y_m": float(item.booth.y_m),
            "exhibitor": item.exhibitor.name if item.exhibitor else None,
            "mine": item.is_mine,
        }
        for item in context["booths"]
    ]
    return JsonResponse(
        {"event": event.slug, "booking_open": context["booking_open"], "booths": booths}
    )


@require_GET
def booth_detail(request, event_slug, code):
    event = _event(event_slug)
    item = selectors.booth_on_plan(event=event, code=code, user=request.user)
    if item is None:
        raise Http404()
    exhibitor = selectors.exhibitor_for_user(request.user)
    event_settings = selectors.settings_for(event)
    return render(
        request,
        "exhibitors/booth_detail.html",
        {
            "event": event,
            "item": item,
            "exhibitor": exhibitor,
            "booking_open": event_settings.is_open(),
            "hold_minutes": event_settings.hold_minutes,
        },
    )


@require_POST
@exhibitor_required
def booth_hold(request, event_slug, code):
    """Hold a booth. Answers JSON (201 or 409 with a code) to ``Accept: application/json``."""
    event = _event(event_slug)
    booth = Booth.objects.filter(event__slug=event_slug, code=code).first()
    if booth is None:
        if wants_json(request):
            return json_error("not_found", _("This booth does not exist."), 404)
        raise Http404()
    try:
        booking = services.booth_hold(
            event=event, booth=booth, exhibitor=request.exhibitor, by=request.user
        )
    except ExhibitorsError as exc:
        if wants_json(request):
            return json_error(exc.code, exc.message, 409)
        messages.error(request, exc.message)
        return redirect("exhibitors:floor_plan", event_slug=event.slug)
    if wants_json(request):
        return JsonResponse(
            {
                "status": "ok",
                "booking": booking.pk,
                "booth": booth.code,
                "held_until": booking.held_until.isoformat(),
                "url": reverse("exhibitors:booking_detail", args=[booking.pk]),
            },
            status=201,
        )
    messages.success(
        request,
        _("Booth %(code)s is held for you for %(minutes)s minutes: confirm the details below.")
        % {"code": booth.code, "minutes": selectors.settings_for(event).hold_minutes},
    )
    return redirect("exhibitors:booking_detail", pk=booking.pk)


@require_GET
def directory(request, event_slug):
    event = _event(event_slug)
    return render(
        request,
        "exhibitors/directory.html",
        {"event": event, "directory": selectors.directory_context(event=event)},
    )


# --- Accounts --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def signup(request):
    """The same answer whether or not the address has an account (its owner is told by email
    instead), and at most a few emails per address and per client an hour."""
    if request.user.is_authenticated:
        return redirect("exhibitors:dashboard")
    form = SignupForm(request.POST or None, initial={"language": request.LANGUAGE_CODE})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        limited = email_rate_limited(request, scope="exhibitor-signup", email=data["email"])
        if limited == "ip":
            form.add_error(None, TOO_MANY_EMAILS)
            return render(request, "exhibitors/signup.html", {"form": form})
        if not limited:  # over the address's limit: the same answer, nothing sent
            try:
                services.exhibitor_signup(
                    email=data["email"],
                    password=data["password"],
                    full_name=data["full_name"],
                    language=data["language"],
                )
            except EmailTaken:
                services.exhibitor_signup_notify_owner(
                    email=data["email"], language=data["language"]
                )
        return render(request, "exhibitors/signup_done.html", {"email": data["email"]})
    return render(request, "exhibitors/signup.html", {"form": form})


@require_http_methods(["GET", "POST"])
def verify_email(request, uidb64, token):
    """GET changes nothing: it asks for the sign-up password; POST with it switches the account
    on (so the address owner cannot switch on an account a stranger opened with it)."""
    try:
        services.verification_link_user(uidb64=uidb64, token=token)
    except ExhibitorsError as exc:
        return render(request, "exhibitors/message.html", {"message": exc.message}, status=400)
    form = VerifyEmailForm(request.POST or None)
    user = None
    if request.method == "POST" and form.is_valid():
        try:
            user = services.exhibitor_verify_email(
                uidb64=uidb64, token=token, password=form.cleaned_data["password"]
            )
        except ExhibitorsError as exc:
            form.add_error("password", exc.message)
    if user is None:
        return render(request, "exhibitors/verify_email.html", {"form": form})
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(request, _("Your email address is confirmed. Now describe your company."))
    return redirect("exhibitors:company")


@require_http_methods(["GET", "POST"])
def password_reset(request):
    """Ask for a link to choose a new password: the same answer whether or not the address has
    an account, at most a few emails per address and per client an hour."""
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        limited = email_rate_limited(request, scope="exhibitor-password-reset", email=email)
        if limited == "ip":
            form.add_error(None, TOO_MANY_EMAILS)
        else:
            if not limited:  # over the address's limit: the same answer, nothing sent
                services.exhibitor_password_reset_request(
                    email=email, language=request.LANGUAGE_CODE
                )
            return render(request, "exhibitors/password_reset_sent.html", {"email": email})
    return render(request, "exhibitors/password_reset.html", {"form": form})


class ExhibitorPasswordResetConfirmView(PasswordResetConfirmView):
    """The emailed link: choose the new password (Django's view: the token leaves the URL for
    the session before the page shows), then log in with it."""

    template_name = "exhibitors/password_reset_confirm.html"
    form_class = ExhibitorSetPasswordForm
    success_url = reverse_lazy("exhibitors:login")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your new password is saved. Log in with it."))
        return response


class ExhibitorLoginView(LoginView):
    template_name = "exhibitors/login.html"
    authentication_form = ExhibitorLoginForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return reverse("exhibitors:dashboard")


@require_POST
def logout_view(request):
    logout(request)
    return redirect("exhibitors:login")


@require_GET
@exhibitor_required
def dashboard(request):
    bookings = list(selectors.bookings_of_exhibitor(exhibitor=request.exhibitor))
    return render(
        request,
        "exhibitors/dashboard.html",
        {
            "exhibitor": request.exhibitor,
            "bookings": bookings,
            "event": selectors.current_event(),
        },
    )


@require_http_methods(["GET", "POST"])
def company(request):
    """Create the company profile (first time) or change it (owners)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("exhibitors:login"))
    member = selectors.membership_for_user(request.user)
    exhibitor = member.exhibitor if member else None
    if member is not None and member.role != MemberRole.OWNER:
        messages.error(request, _("Only the company's owners can change its profile."))
        return redirect("exhibitors:dashboard")
    if exhibitor is not None:
        initial = {name: getattr(exhibitor, name) for name in services.accounts.PROFILE_FIELDS}
    else:
        initial = {
            "contact_email": request.user.email,
            "contact_name": request.user.get_full_name(),
            "language": request.LANGUAGE_CODE,
        }
    form = ExhibitorProfileForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if exhibitor is None:
                services.exhibitor_create(
                    user=request.user, logo=form.cleaned_data.get("logo"), **form.profile_fields()
                )
                messages.success(request, _("Your company is registered. Pick a booth."))
            else:
                services.exhibitor_update(
                    exhibitor=exhibitor,
                    by=request.user,
                    logo=form.cleaned_data.get("logo"),
                    **form.profile_fields(),
                )
                messages.success(request, _("Your company profile is saved."))
        except ExhibitorsError as exc:
            field = {"invalid_logo": "logo", "invalid_tax_code": "tax_code"}.get(exc.code)
            field = field or ("tax_code" if exc.code == "tax_code_taken" else None)
            form.add_error(field, exc.message)
        else:
            return redirect("exhibitors:dashboard")
    return render(request, "exhibitors/company_form.html", {"form": form, "exhibitor": exhibitor})


@require_http_methods(["GET", "POST"])
@exhibitor_required
def members(request):
    is_owner = request.member.role == MemberRole.OWNER
    form = InviteMemberForm(request.POST or None)
    if request.method == "POST":
        if not is_owner:
            return HttpResponse(status=403)
        if form.is_valid():
            try:
                services.exhibitor_invite(
                    exhibitor=request.exhibitor, email=form.cleaned_data["email"], by=request.user
                )
            except ExhibitorsError as exc:
                form.add_error("email", exc.message)
            else:
                messages.success(request, _("The invitation is sent."))
                return redirect("exhibitors:members")
    return render(
        request,
        "exhibitors/members.html",
        {
            "exhibitor": request.exhibitor,
            "is_owner": is_owner,
            "form": form,
            "members": request.exhibitor.members.select_related("user").order_by("joined_at"),
            "invitations": request.exhibitor.invitations.filter(accepted_at__isnull=True),
        },
    )


@require_POST
@exhibitor_required
def member_remove(request, pk):
    member = get_object_or_404(request.exhibitor.members, pk=pk)
    if request.member.role != MemberRole.OWNER:
        return HttpResponse(status=403)
    run_action(
        request,
        lambda: services.exhibitor_remove_member(member=member, by=request.user),
        _("The member is removed."),
    )
    return redirect("exhibitors:members")


@require_http_methods(["GET", "POST"])
def accept_invitation(request, token):
    invitation = ExhibitorInvitation.objects.select_related("exhibitor").filter(token=token).first()
    if invitation is None or not invitation.is_usable():
        return render(
            request,
            "exhibitors/message.html",
            {"message": _("This link is invalid or has expired.")},
            status=404,
        )
    if not request.user.is_authenticated:
        return render(request, "exhibitors/accept_invitation.html", {"invitation": invitation})
    if request.method == "POST":
        try:
            services.exhibitor_accept_invitation(token=token, user=request.user)
        except ExhibitorsError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, _("You are now a member of %(name)s.") % {"name": invitation.exhibitor}
            )
            return redirect("exhibitors:dashboard")
    return render(request, "exhibitors/accept_invitation.html", {"invitation": invitation})


# --- Bookings and staff ----------------------------------------------------------------------


def _my_booking(request, pk) -> BoothBooking:
    return get_object_or_404(
        BoothBooking.objects.select_related("booth", "event", "exhibitor"),
        pk=pk,
        exhibitor=request.exhibitor,
    )


@require_http_methods(["GET", "POST"])
@exhibitor_required
def booking_detail(request, pk):
    booking = _my_booking(request, pk)
    status = booking.effective_status()
    request_form = None
    if status == BookingStatus.HELD:
        request_form = BookingRequestForm(
            request.POST or None,
            initial={
                "invoice_company": booking.invoice_company,
                "invoice_tax_code": booking.invoice_tax_code,
                "invoice_address": booking.invoice_address,
                "invoice_email": booking.invoice_email,
            },
        )
    if request.method == "POST":
        if request_form is None:
            messages.error(
                request, _("This booking cannot be changed that way in its current state.")
            )
            return redirect("exhibitors:booking_detail", pk=booking.pk)
        if request_form.is_valid():
            data = request_form.cleaned_data
            try:
                services.booking_request(
                    booking=booking,
                    by=request.user,
                    extras=data["extras"],
                    invoice_company=data["invoice_company"],
                    invoice_tax_code=data["invoice_tax_code"],
                    invoice_address=data["invoice_address"],
                    invoice_email=data["invoice_email"],
                    notes=data["notes"],
                )
            except ExhibitorsError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(
                    request, _("Your request is sent. The organizer will confirm it by email.")
                )
            return redirect("exhibitors:booking_detail", pk=booking.pk)
    staff = list(selectors.staff_of_booking(booking=booking))
    quota = staff_quota_for(booking=booking)
    order = booking_order(booking) if booking.payment_status else None
    payment = payment_error = None
    paid = booking_paid_vnd(booking) if order is not None else 0
    if order is not None and booking.payment_status in OWING_STATUSES:
        try:
            payment = booking_payment_instructions(booking=booking, amount=order.total - paid)
        except ExhibitorsError as exc:
            payment_error = exc.message
    active_staff = [s for s in staff if s.status == StaffStatus.ACTIVE]
    rules = getattr(booking.event, "exhibition_settings", None)
    return render(
        request,
        "exhibitors/booking_detail.html",
        {
            "event": booking.event,
            "booking": booking,
            "status": status,
            "status_label": BookingStatus(status).label,
            "request_form": request_form,
            "cancel_form": CancelForm(),
            "staff": staff,
            "staff_form": StaffForm() if len(active_staff) < quota else None,
            "quota": quota,
            "active_count": len(active_staff),
            "transitions": booking.transitions.select_related("from_booth", "to_booth", "by"),
            "order": order,
            "invoice_url": reverse("exhibitors:booking_proforma", args=[booking.pk])
            if proforma_available(booking)
            else "",
            "proforma_issue_url": reverse("exhibitors:booking_proforma_issue", args=[booking.pk])
            if proforma_outdated(booking)
            else "",
            "receipt_url": reverse("exhibitors:booking_receipt", args=[booking.pk])
            if receipt_latest(booking)
            else "",
            "payment": payment,
            "payment_error": payment_error,
            "paid_vnd": paid,
            "payment_due_shown": bool(
                booking.payment_due and booking.payment_status in PAYMENT_DUE_STATUSES
            ),
            "releases_unpaid": getattr(rules, "release_unpaid", False),
            "can_cancel": status
            in (BookingStatus.HELD, BookingStatus.REQUESTED, BookingStatus.APPROVED),
        },
    )


def _document_download(request, pk, latest):
    document = latest(_my_booking(request, pk))
    if document is None:
        raise Http404
    return document_pdf_response(document=document, language=request.LANGUAGE_CODE)


@require_GET
@exhibitor_required
def booking_proforma(request, pk):
    """The booking's latest issued pro-forma invoice (PDF), for the company's members, in the
    page's language. Downloading never issues one (``booking_proforma_issue`` does): 404 when
    there is none."""
    return _document_download(request, pk, proforma_latest)


@require_POST
@exhibitor_required
def booking_proforma_issue(request, pk):
    """The exhibitor asks for a pro-forma invoice of what the booking owes now (its order
    changed since the latest, or it has none)."""
    booking = _my_booking(request, pk)
    run_action(
        request,
        lambda: services.proforma_reissue(booking=booking, by=request.user),
        _("A new pro-forma invoice is issued."),
    )
    return redirect("exhibitors:booking_detail", pk=booking.pk)


@require_GET
@exhibitor_required
def booking_receipt(request, pk):
    """The booking's receipt (PDF), once it is paid: 404 before."""
    return _document_download(request, pk, receipt_latest)


@require_POST
@exhibitor_required
def booking_cancel(request, pk):
    booking = _my_booking(request, pk)
    form = CancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    run_action(
        request,
        lambda: services.booking_cancel(booking=booking, by=request.user, reason=reason),
        _("The booking is cancelled."),
    )
    return redirect("exhibitors:booking_detail", pk=booking.pk)


@require_POST
@exhibitor_required
def staff_add(request, pk):
    booking = _my_booking(request, pk)
    form = StaffForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("exhibitors:booking_detail", pk=booking.pk)
    run_action(
        request,
        lambda: services.staff_add(booking=booking, by=request.user, **form.cleaned_data),
        _("%(name)s has a staff pass; the badge is sent by email.")
        % {"name": form.cleaned_data["full_name"]},
    )
    return redirect("exhibitors:booking_detail", pk=booking.pk)


def _my_staff(request, pk) -> BoothStaff:
    return get_object_or_404(
        BoothStaff.objects.select_related("booking", "registration"),
        pk=pk,
        booking__exhibitor=request.exhibitor,
    )


@require_POST
@exhibitor_required
def staff_remove(request, pk):
    staff = _my_staff(request, pk)
    run_action(
        request,
        lambda: services.staff_remove(staff=staff, by=request.user),
        _("The staff pass is cancelled."),
    )
    return redirect("exhibitors:booking_detail", pk=staff.booking_id)


@require_GET
@exhibitor_required
def staff_badge(request, pk):

    staff = _my_staff(request, pk)
    if staff.status != StaffStatus.ACTIVE or staff.registration is None:
        raise Http404()
    return badge_pdf_response(staff.registration)


# --- JSON API of the exhibitor ---------------------------------------------------------------


def booking_json(booking: BoothBooking) -> dict:
    status = booking.effective_status()
    return {
        "id": booking.pk,
        "event": booking.event.slug,
        "booth": booking.booth.code,
        "status": status,
        "held_until": booking.held_until.isoformat() if booking.held_until else None,
        "price_vnd": booking.price_vnd,
        "extras": booking.extras,
        "payment_status": booking.payment_status,
        "payment_due": booking.payment_due.isoformat() if booking.payment_due else None,
    }


@require_GET
def api_root(request):
    return JsonResponse({"bookings": reverse("exhibitors:api_bookings")})


@require_GET
@exhibitor_required
def api_bookings(request):
    bookings = selectors.bookings_of_exhibitor(exhibitor=request.exhibitor)
    return JsonResponse({"bookings": [booking_json(b) for b in bookings]})


@require_GET
@exhibitor_required
def api_booking(request, pk):
    booking = (
        BoothBooking.objects.select_related("booth", "event")
        .filter(pk=pk, exhibitor=request.exhibitor)
        .first()
    )
    if booking is None:
        return json_error("not_found", _("No such booking."), 404)
    return JsonResponse(booking_json(booking))
