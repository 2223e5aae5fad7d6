"""The exhibition's emails, rendered when the outbox sends them (in the row's language, which
the outbox activates): the builders of the "booking.*" and "exhibitor.*" kinds, registered in
mail_kinds.py. Each returns ``None`` when the email is no longer needed."""

import datetime as dt
from email.mime.image import MIMEImage

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.links import absolute_url
from core.localized import localized_text
from core.money import format_vnd
from core.time import HCM
from exhibitors.enums import BookingAction, BookingStatus
from exhibitors.exceptions import ExhibitorsError
from exhibitors.models import BookingTransition, Booth, BoothBooking, Exhibitor, ExhibitorInvitation
from exhibitors.orders import booking_order
from exhibitors.payments import booking_payment_instructions, vietqr_png
from mail.texts import GREETING, email_words, text_register

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


#: What each placeholder of the booking emails stands for (the admin's help, docs/emails.md).
BOOKING_PLACEHOLDERS = {
    "name": _("the exhibitor's company name"),
    "event": _("the event's name, in the email's language"),
    "booth": _("the booth's code (after a move: the new booth)"),
    "old_booth": _("the booth before a move"),
    "held_until": _("until when the booth is held (a hold)"),
    "price": _("the booth's price at this step"),
    "status": _("the booking's status after this step"),
    "reason": _("the reason the organizer gave, if any"),
    "booking_link": _("the link to the booking's page"),
}
_BOOKING_COMMON = ("name", "event", "booth", "price", "status", "reason", "booking_link")

#: (subject, opening paragraph, extra placeholders) of each booking step; the body is the
#: greeting and the paragraph, followed by the step's booth, price, status and link.
BOOKING_TEXTS = {
    BookingAction.HOLD: (
        _("Booth {{ booth }} is held for you"),
        _(
            "Booth {{ booth }} of {{ event }} is held for you until {{ held_until }}. Confirm "
            "the details before then, or the booth becomes free again."
        ),
        ("held_until",),
    ),
    BookingAction.REQUEST: (
        _("Your request for booth {{ booth }} was sent"),
        _(
            "We have received your request for booth {{ booth }} of {{ event }}. The organizer "
            "will review it and let you know."
        ),
        (),
    ),
    BookingAction.APPROVE: (
        _("Booth {{ booth }} is confirmed"),
        _(
            "Your booking of booth {{ booth }} of {{ event }} is approved. You can now add your "
            "booth staff: each gets a pass with a QR badge."
        ),
        (),
    ),
    BookingAction.REJECT: (
        _("Your request for booth {{ booth }} was declined"),
        _("Your request for booth {{ booth }} of {{ event }} was declined."),
        (),
    ),
    BookingAction.CANCEL: (
        _("Your booking of booth {{ booth }} is cancelled"),
        _("Your booking of booth {{ booth }} of {{ event }} is cancelled."),
        (),
    ),
    BookingAction.EXPIRE: (
        _("Your hold on booth {{ booth }} has expired"),
        _("Your hold on booth {{ booth }} of {{ event }} has expired and the booth is free again."),
        (),
    ),
    BookingAction.MOVE: (
        _("Your booking moved from booth {{ old_booth }} to {{ booth }}"),
        _(
            "The organizer moved your booking of {{ event }} from booth {{ old_booth }} to "
            "booth {{ booth }}."
        ),
        ("old_booth",),
    ),
}
SAMPLE_COMPANY = "Công ty TNHH Sen Vàng"


def _held_until(value) -> str:
    return date_format(timezone.localtime(value, HCM), "H:i d/m/Y") if value else ""


def booking_values(transition: BookingTransition, *, event=None) -> dict:
    """The placeholders' values of the email of one booking step, in the active language."""
    booking = transition.booking
    event = event or booking.event
    return {
        "name": booking.exhibitor.name,
        "event": localized_text(event, "name"),
        "booth": transition.to_booth.code if transition.to_booth else "",
        "old_booth": transition.from_booth.code if transition.from_booth else "",
        "held_until": _held_until(booking.held_until),
        "price": format_vnd(
            transition.price_vnd if transition.price_vnd is not None else booking.price_vnd
        ),
        "status": transition.get_to_status_display(),
        "reason": transition.reason,
        "booking_link": absolute_url(reverse("exhibitors:booking_detail", args=[booking.pk])),
    }


def booking_sample(event, kind: str) -> dict:
    """The values of a sample email of the booking step ``kind`` for ``event`` (the admin's
    preview and test): its first booking's company and booth, else made-up ones."""
    action = BookingAction(kind.removeprefix("booking."))
    booking = (
        BoothBooking.objects.select_related("exhibitor", "booth")
        .filter(event=event)
        .order_by("pk")
        .first()
    )
    booth = booking.booth if booking else Booth(code="A12")
    exhibitor = booking.exhibitor if booking else Exhibitor(name=SAMPLE_COMPANY)
    booking = booking or BoothBooking(pk=1, event=event, price_vnd=12_000_000)
    booking.exhibitor = exhibitor
    booking.held_until = booking.held_until or timezone.now() + dt.timedelta(hours=48)
    to_status = {
        BookingAction.HOLD: BookingStatus.HELD,
        BookingAction.REQUEST: BookingStatus.REQUESTED,
        BookingAction.APPROVE: BookingStatus.APPROVED,
        BookingAction.REJECT: BookingStatus.REJECTED,
        BookingAction.CANCEL: BookingStatus.CANCELLED,
        BookingAction.EXPIRE: BookingStatus.EXPIRED,
        BookingAction.MOVE: BookingStatus.APPROVED,
    }[action]
    transition = BookingTransition(
        booking=booking,
        action=action,
        to_status=to_status,
        to_booth=booth,
        from_booth=Booth(code="B07") if action == BookingAction.MOVE else None,
        price_vnd=booking.price_vnd,
    )
    return booking_values(transition, event=event)


def booking_texts_register() -> None:
    """Register the words of every booking step's email (from mail_kinds.py)."""
    for action, (subject, lead, extra) in BOOKING_TEXTS.items():
        placeholders = {name: BOOKING_PLACEHOLDERS[name] for name in (*_BOOKING_COMMON, *extra)}
        text_register(
            booking_kind(action.value),
            subject=subject,
            body=format_lazy("{}\n\n{}", GREETING, lead),
            placeholders=placeholders,
            sample=booking_sample,
        )


def build_booking_email(email) -> EmailMultiAlternatives | None:
    """One step of a booking (``context["transition_id"]``), told to the exhibitor.

    The email may go out long after the step (a task worker behind, a mail server down), when
    the booking has moved on: it states the step's own booth, price and status (the
    transition's), not the booking's of the moment. The words are the organizer's for the
    event and language when they wrote some (mail/texts.py), else the default.
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
    values = booking_values(transition)
    words = email_words(email.kind, event=booking.event, values=values)
    context = {
        "transition": transition,
        "booking": booking,
        "exhibitor": booking.exhibitor,
        "url": values["booking_link"],
        "body": words.text,
    }
    body = render_to_string("exhibitors/email/booking_body.txt", context)
    return EmailMultiAlternatives(
        words.subject, body, settings.DEFAULT_FROM_EMAIL, email.recipients
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


#: What each placeholder of the payment emails stands for (the admin's help, docs/emails.md).
PAYMENT_PLACEHOLDERS = {
    "name": BOOKING_PLACEHOLDERS["name"],
    "event": BOOKING_PLACEHOLDERS["event"],
    "booth": _("the booth's code"),
    "amount": _("the amount to pay, VAT and extras included"),
    "due_date": _("the payment's deadline (dd/mm/yyyy)"),
    "reference": _("what to write in the transfer's description"),
    "release_note": _(
        "the warning that an unpaid booking is cancelled at the deadline (empty when the "
        "event does not cancel unpaid bookings, and in the overdue notice)"
    ),
    "proforma_link": _("the link to the pro-forma invoice (PDF)"),
    "booking_link": BOOKING_PLACEHOLDERS["booking_link"],
}
#: The release warning (``{{ release_note }}``) when the event cancels unpaid bookings.
RELEASE_NOTE = _(
    "If it is not paid by then, the booking is cancelled and the booth becomes free for others."
)
#: (subject, opening paragraph) of each payment email; the body is the greeting and the
#: paragraph, followed by the bank details (and the VietQR code) and the links.
PAYMENT_TEXTS = {
    PAYMENT_DUE: (
        _("Booth {{ booth }}: please pay {{ amount }} by {{ due_date }}"),
        _(
            "Your booking of booth {{ booth }} of {{ event }} is approved. Please pay "
            "{{ amount }} by {{ due_date }}. {{ release_note }}"
        ),
    ),
    PAYMENT_REMINDER: (
        _("Reminder: the payment for booth {{ booth }} is due by {{ due_date }}"),
        _(
            "A reminder: the payment of {{ amount }} for booth {{ booth }} of {{ event }} is "
            "due by {{ due_date }}. {{ release_note }}"
        ),
    ),
    PAYMENT_OVERDUE: (
        _("Booth {{ booth }}: the payment is overdue"),
        _(
            "The payment of {{ amount }} for booth {{ booth }} of {{ event }} was due by "
            "{{ due_date }} and has not reached us. Please pay as soon as possible."
        ),
    ),
}


def payment_values(booking: BoothBooking, kind: str, *, total: int, event=None) -> dict:
    """The placeholders' values of the payment email ``kind`` of ``booking`` (which owes
    ``total`` đồng), in the active language."""
    event = event or booking.event
    rules = getattr(event, "exhibition_settings", None)
    releases = bool(rules and rules.release_unpaid) and kind != PAYMENT_OVERDUE
    url = absolute_url(reverse("exhibitors:booking_detail", args=[booking.pk]))
    return {
        "name": booking.exhibitor.name,
        "event": localized_text(event, "name"),
        "booth": booking.booth.code,
        "amount": format_vnd(total),
        "due_date": date_format(booking.payment_due, "d/m/Y") if booking.payment_due else "",
        "reference": booking.payment_reference,
        "release_note": str(RELEASE_NOTE) if releases else "",
        "proforma_link": absolute_url(reverse("exhibitors:booking_proforma", args=[booking.pk])),
        "booking_link": url,
    }


def payment_sample(event, kind: str) -> dict:
    """The values of a sample payment email ``kind`` for ``event`` (the admin's preview and
    test): its first booking's company, booth and order, else made-up ones."""
    booking = (
        BoothBooking.objects.select_related("exhibitor", "booth", "event")
        .filter(event=event)
        .order_by("pk")
        .first()
    )
    if booking is None:
        booking = BoothBooking(
            pk=1,
            event=event,
            booth=Booth(code="A12"),
            exhibitor=Exhibitor(name=SAMPLE_COMPANY),
            price_vnd=12_000_000,
        )
        total = booking.price_vnd
    else:
        total = booking_order(booking).total
    booking.payment_due = booking.payment_due or timezone.localdate() + dt.timedelta(days=7)
    return payment_values(booking, kind, total=total, event=event)


def payment_texts_register() -> None:
    """Register the words of the payment emails (from mail_kinds.py)."""
    for kind, (subject, lead) in PAYMENT_TEXTS.items():
        placeholders = dict(PAYMENT_PLACEHOLDERS)
        if kind == PAYMENT_OVERDUE:  # nothing is released after the deadline
            del placeholders["release_note"]
        text_register(
            kind,
            subject=subject,
            body=format_lazy("{}\n\n{}", GREETING, lead),
            placeholders=placeholders,
            sample=payment_sample,
        )


def build_payment_email(email) -> EmailMultiAlternatives | None:
    """What an approved booking owes, by when and how (``PAYMENT_KINDS``): the amount, the due
    date, the transfer in words and as a VietQR code (an inline PNG, also an attachment), the
    pro-forma invoice's link. Read when sent: none once the booking is paid or cancelled. The
    words are the organizer's for the event and language when they wrote some (mail/texts.py),
    else the default; the bank details, the QR code and the links always follow them."""
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
    values = payment_values(booking, email.kind, total=order.total)
    words = email_words(email.kind, event=booking.event, values=values)
    context = {
        "booking": booking,
        "payment": payment,
        "payment_error": payment_error,
        "url": values["booking_link"],
        "invoice_url": values["proforma_link"],
        "body": words.text,
        "body_html": words.html,
    }
    body = render_to_string("exhibitors/email/payment_body.txt", context)
    message = EmailMultiAlternatives(
        words.subject, body, settings.DEFAULT_FROM_EMAIL, email.recipients
    )
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
