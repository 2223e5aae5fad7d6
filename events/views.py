"""Public registration pages: the form, the confirmation link, and the private manage page."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from core.activity import Actor
from core.ratelimit import email_rate_limited, rate_limited
from events import selectors
from events.enums import LIVE_STATUSES, RegistrationStatus
from events.exceptions import (
    AlreadyRegistered,
    EventsError,
    InvalidPhone,
)
from events.forms import ManageDetailsForm, RegistrationForm, ResendLinkForm
from events.ics import event_ics
from events.models import Certificate, Event, Registration
from events.pdf.badges import badge_pdf_response, qr_svg
from events.pdf.certificates import certificate_pdf_response
from events.services import (
    registration_cancel,
    registration_confirm_email,
    registration_create,
    registration_notify_registered_again,
    registration_send_manage_link,
    registration_update,
)
from events.services.announcements import registration_resubscribe
from events.services.questions import answers_display, event_questions
from events.services.registration import registration_from_confirmation_key

Status = RegistrationStatus


def register_current(request):
    """/register/: the form of the next event whose registration is open."""
    event = selectors.event_open_for_registration()
    if event is None:
        raise Http404(_("No registration is open at the moment."))
    return redirect("events:register", event_slug=event.slug)


@never_cache
@require_http_methods(["GET", "POST"])
def register(request, event_slug: str):
    event = get_object_or_404(Event, slug=event_slug)
    is_open = event.registration_is_open()
    if request.method == "POST" and is_open:
        form = RegistrationForm(request.POST, event=event)
        if rate_limited(request, "register"):
            form.is_valid()
            form.add_error(None, _("Too many attempts from your network. Try again later."))
        elif form.is_bot:
            return redirect("events:register_sent", event_slug=event.slug)
        elif form.is_valid():
            data = form.cleaned_data
            try:
                registration_create(
                    event=event,
                    category=form.selected_category(),
                    full_name=data["full_name"],
                    email=data["email"],
                    phone=data["phone"],
                    organization=data["organization"],
                    title=data["title"],
                    language=get_language() or "vi",
                    needs=data["needs"],
                    consent=data["consent"],
                    share_with_exhibitors=data["share_with_exhibitors"],
                    invitation_code=data["invitation_code"] or None,
                    by=Actor.attendee(),
                    idempotency_key=data["form_key"],
                    answers=form.answers,
                    questions=form.questions,
                )
            except AlreadyRegistered:
                # The same answer as for a new address; the owner hears of it by email, at
                # most a few times an hour (then nothing is sent: the answer stays the same).
                if not email_rate_limited(request, scope="register-again", email=data["email"]):
                    registration_notify_registered_again(event=event, email=data["email"])
                request.session["registered_email"] = data["email"]
                return redirect("events:register_sent", event_slug=event.slug)
            except InvalidPhone as error:
                form.add_error("phone", error.message)
            except EventsError as error:
                form.add_error(None, error.message)
            else:
                request.session["registered_email"] = data["email"]
                return redirect("events:register_sent", event_slug=event.slug)
    else:
        initial = {"invitation_code": request.GET.get("code", "")[:32]}
        form = RegistrationForm(initial=initial, event=event)
    context = {"event": event, "form": form, "is_open": is_open}
    return render(request, "events/register.html", context)


@never_cache
def register_sent(request, event_slug: str):
    event = get_object_or_404(Event, slug=event_slug)
    email = request.session.get("registered_email", "")
    return render(request, "events/register_sent.html", {"event": event, "email": email})


@require_POST
def resend_link(request, event_slug: str):
    """Email the link to manage an existing registration. Says the same whether one exists."""
    event = get_object_or_404(Event, slug=event_slug)
    form = ResendLinkForm(request.POST)
    if rate_limited(request, "resend"):
        messages.error(request, _("Too many attempts from your network. Try again later."))
        return redirect("events:register", event_slug=event.slug)
    if form.is_valid() and not email_rate_limited(
        request, scope="manage-link", email=form.cleaned_data["email"]
    ):
        registration_send_manage_link(event=event, email=form.cleaned_data["email"])
    messages.success(
        request,
        _("If this address is registered, we have emailed it the link to manage the registration."),
    )
    return redirect("events:register", event_slug=event.slug)


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request, key: str):
    """The link of the confirmation email. GET shows a button (mail scanners follow links);
    POST confirms, once."""
    try:
        registration = registration_from_confirmation_key(key=key)
        if request.method == "POST":
            registration = registration_confirm_email(key=key)
            return redirect("events:manage", secret=registration.manage_secret)
    except EventsError as error:
        return _link_error(request, error)
    return render(request, "events/confirm.html", {"registration": registration})


def _link_error(request, error: EventsError):
    context = {"error": error, "registration": getattr(error, "registration", None)}
    return render(request, "events/link_error.html", context, status=400)


def _by_secret(secret: str) -> Registration:
    registration = selectors.registration_by_manage_secret(secret)
    if registration is None:
        raise Http404(_("This link is not valid."))
    return registration


@never_cache
def manage(request, secret: str):
    registration = _by_secret(secret)
    context = {
        "registration": registration,
        "event": registration.event,
        "is_live": registration.status in LIVE_STATUSES,
        "has_badge": registration.status == Status.CONFIRMED,
        "qr": qr_svg(registration.token) if registration.status == Status.CONFIRMED else "",
        "certificate": Certificate.objects.filter(registration=registration).first(),
        "answers": answers_display(event_questions(registration.event_id), registration.answers),
    }
    return render(request, "events/manage.html", context)


@never_cache
def manage_certificate_pdf(request, secret: str):
    """The guest's certificate of attendance (PDF), once issued."""
    registration = _by_secret(secret)
    certificate = Certificate.objects.select_related("event", "registration").filter(
        registration=registration
    )
    if not certificate:
        raise Http404(_("No certificate of attendance has been issued for this registration."))
    return certificate_pdf_response(certificate[0])


def certificate_verify(request, code: str):
    """The public check of a certificate: the name, the event and the day it states, nothing
    more; an unknown code is a 404."""
    certificate = Certificate.objects.select_related("event").filter(code=code[:40]).first()
    if certificate is None:
        raise Http404(_("No certificate has this code."))
    return render(request, "events/certificate_verify.html", {"certificate": certificate})


@never_cache
def manage_badge_pdf(request, secret: str):
    registration = _by_secret(secret)
    if registration.status != Status.CONFIRMED:
        raise Http404(_("The badge is available once the registration is confirmed."))
    return badge_pdf_response(registration)


def manage_ics(request, secret: str):
    registration = _by_secret(secret)
    response = HttpResponse(
        event_ics(event=registration.event), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition_header(
        True, f"{registration.event.slug}.ics"
    )
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def manage_edit(request, secret: str):
    registration = _by_secret(secret)
    if registration.status not in LIVE_STATUSES:
        return redirect("events:manage", secret=secret)
    if request.method == "POST":
        form = ManageDetailsForm(request.POST, registration=registration)
        if form.is_valid():
            old_token = registration.token
            try:
                updated = registration_update(
                    registration=registration,
                    by=Actor.attendee(),
                    answers=form.answers,
                    **form.details,
                )
            except EventsError as error:
                form.add_error(None, error.message)
            else:
                if updated.token != old_token:
                    messages.success(
                        request,
                        _(
                            "Saved. Your name changed, so you have a new badge: the old one no "
                            "longer works."
                        ),
                    )
                else:
                    messages.success(request, _("Your details are saved."))
                return redirect("events:manage", secret=secret)
    else:
        form = ManageDetailsForm(registration=registration)
    context = {"registration": registration, "event": registration.event, "form": form}
    return render(request, "events/manage_edit.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def manage_cancel(request, secret: str):
    registration = _by_secret(secret)
    if registration.status not in LIVE_STATUSES:
        return redirect("events:manage", secret=secret)
    if request.method == "POST":
        registration_cancel(registration=registration, by=Actor.attendee(), reason="by registrant")
        messages.success(request, _("Your registration is cancelled."))
        return redirect("events:manage", secret=secret)
    context = {"registration": registration, "event": registration.event, "now": timezone.now()}
    return render(request, "events/manage_cancel.html", context)


@never_cache
@require_POST
def manage_resubscribe(request, secret: str):
    """The guest who unsubscribed from announcements asks for them again (a button on their
    manage page)."""
    registration = _by_secret(secret)
    if registration_resubscribe(registration=registration):
        messages.success(request, _("You will receive the organizers' announcements again."))
    return redirect("events:manage", secret=secret)
