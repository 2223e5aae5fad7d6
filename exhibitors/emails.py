"""The exhibition's emails, rendered when the outbox sends them (in the row's language, which
the outbox activates): the builders of the "booking.*" and "exhibitor.*" kinds, registered in
mail_kinds.py. Each returns ``None`` when the email is no longer needed."""

from email.mime.image import MIMEImage

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from core.links import absolute_url
from exhibitors.exceptions import ExhibitorsError
from exhibitors.models import BookingTransition, BoothBooking, ExhibitorInvitation
from exhibitors.orders import booking_order
from exhibitors.payments import booking_payment_instructions, vietqr_png

#: The outbox kinds of the exhibition (registered in mail_kinds.py).
VERIFY_EMAIL = "exhibitor.verify_email"
INVITATION = "exhibitor.invitation"
SIGNUP_AGAIN = "exhibitor.signup_again"
PASSWORD_RESET = "exhibitor.password_reset"  # noqa: S105 (an email kind)
#: What an approved booking owes: at approval, before the deadline, after it.
PAYMENT_DUE = "booking.payment_due"
PAYMENT_REMINDER = "booking.payment_reminder"
PAYMENT_OVERDUE = "booking.payment_overdue"
#: The Content-ID of the VietQR image in a payment email's HTML.
QR_CID = "vietqr@forumhall"
#: The payment statuses in which each payment email is still worth sending.
PAYMENT_KINDS = {
    PAYMENT_DUE: ("awaiting",),
    PAYMENT_REMINDER: ("awaiting",),
    PAYMENT_OVERDUE: ("overdue",),
}


def booking_kind(action: str) -> str:
    """The kind of the email of one booking step: "booking.hold", "booking.approve"..."""
    return f"booking.{action}"


def _render(template: str, context: dict, to: list[str]) -> EmailMultiAlternatives:
    """A plain-text message from ``<template>_subject.txt`` and ``<template>_body.txt``."""
    context = {**context, "base_url": settings.BASE_URL.rstrip("/")}
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    body = render_to_string(f"{template}_body.txt", context)
    return EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, to)


def build_booking_email(email) -> EmailMultiAlternatives | None:
    """One step of a booking (``context["transition_id"]``), told to the exhibitor.

    The email may go out long after the step (a task worker behind, a mail server down), when
    the booking has moved on: it states the step's own booth, price and status (the
    transition's), not the booking's of the moment.
    """
    transition = (
        BookingTransition.objects.select_related(
            "booking__exhibitor", "booking__event", "from_booth", "to_booth", "by"
        )
        .filter(pk=email.context.get("transition_id"))
        .first()
    )
    if transition is None:
        return None
    booking = transition.booking
    url = absolute_url(reverse("exhibitors:booking_detail", args=[booking.pk]))
    return _render(
        "exhibitors/email/booking",
        {"transition": transition, "booking": booking, "exhibitor": booking.exhibitor, "url": url},
        email.recipients,
    )


def build_verification_email(email) -> EmailMultiAlternatives | None:
    """The link that confirms an exhibitor's address; none once the account is on."""
    # The token is made now: a newer sign-up (a new password) has made older links void.
    from exhibitors.services.accounts import verification_link_parts  # noqa: PLC0415

    user = get_user_model().objects.filter(pk=email.object_id, is_active=False).first()
    if user is None:
        return None
    uidb64, token = verification_link_parts(user)
    url = absolute_url(reverse("exhibitors:verify_email", args=[uidb64, token]))
    return _render("exhibitors/email/verify", {"user": user, "url": url}, email.recipients)


def build_signup_again_email(email) -> EmailMultiAlternatives | None:
    """Someone signed up again with the address of an account: its login and reset links."""
    user = get_user_model().objects.filter(pk=email.object_id).first()
    if user is None:
        return None
    context = {
        "user": user,
        "login_url": absolute_url(reverse("exhibitors:login")),
        "reset_url": absolute_url(reverse("exhibitors:password_reset")),
    }
    return _render("exhibitors/email/signup_again", context, email.recipients)


def build_password_reset_email(email) -> EmailMultiAlternatives | None:
    """The link to choose a new password, made now (so it is one use: it covers the password
    and the last login); none when the account was switched off meanwhile."""
    from exhibitors.services.accounts import password_reset_link_parts  # noqa: PLC0415

    user = get_user_model().objects.filter(pk=email.object_id, is_active=True).first()
    if user is None:
        return None
    uidb64, token = password_reset_link_parts(user)
    url = absolute_url(reverse("exhibitors:password_reset_confirm", args=[uidb64, token]))
    return _render("exhibitors/email/password_reset", {"user": user, "url": url}, email.recipients)


def build_invitation_email(email) -> EmailMultiAlternatives | None:
    """The link that makes a colleague a member of the company; none once it is accepted."""
    invitation = (
        ExhibitorInvitation.objects.select_related("exhibitor", "invited_by")
        .filter(pk=email.object_id, accepted_at__isnull=True)
        .first()
    )
    if invitation is None:
        return None
    url = absolute_url(reverse("exhibitors:accept_invitation", args=[invitation.token]))
    return _render(
        "exhibitors/email/invitation",
        {"invitation": invitation, "exhibitor": invitation.exhibitor, "url": url},
        email.recipients,
    )


def build_payment_email(email) -> EmailMultiAlternatives | None:
    """What an approved booking owes, by when and how (``PAYMENT_KINDS``): the amount, the due
    date, the transfer in words and as a VietQR code (an inline PNG, also an attachment), the
    pro-forma invoice's link. Read when sent: none once the booking is paid or cancelled."""
    booking = (
        BoothBooking.objects.select_related("exhibitor", "event", "booth")
        .filter(
            pk=email.object_id,
            status="approved",
            payment_status__in=PAYMENT_KINDS.get(email.kind, ()),
        )
        .first()
    )
    if booking is None:
        return None
    order = booking_order(booking)
    try:
        payment = booking_payment_instructions(booking=booking, order=order)
    except ExhibitorsError as exc:
        payment, payment_error = None, exc.message
    else:
        payment_error = ""
    rules = getattr(booking.event, "exhibition_settings", None)
    context = {
        "kind": email.kind.removeprefix("booking."),
        "booking": booking,
        "exhibitor": booking.exhibitor,
        "order": order,
        "payment": payment,
        "payment_error": payment_error,
        "releases": bool(rules and rules.release_unpaid),
        "url": absolute_url(reverse("exhibitors:booking_detail", args=[booking.pk])),
        "invoice_url": absolute_url(reverse("exhibitors:booking_proforma", args=[booking.pk])),
    }
    message = _render("exhibitors/email/payment", context, email.recipients)
    html = render_to_string(
        "exhibitors/email/payment_body.html",
        {**context, "qr_cid": QR_CID, "LANGUAGE_CODE": translation.get_language()},
    )
    message.attach_alternative(html, "text/html")
    if payment is not None:
        message.mixed_subtype = "related"  # the HTML shows the QR by its Content-ID
        image = MIMEImage(vietqr_png(payment.payload), "png")
        image.add_header("Content-ID", f"<{QR_CID}>")
        filename = f"VietQR-{payment.reference}.png"
        image.add_header("Content-Disposition", "inline", filename=filename)
        message.attach(image)
    return message
