"""The outbox's kinds of the exhibition (discovered by mail's AppConfig): one per booking step
("booking.hold", "booking.approve"...), what an approved booking owes ("booking.payment_due",
"booking.payment_reminder", "booking.payment_overdue"), the address confirmation, the colleague
invitation, the notice of a sign-up with a known address and the password reset.
Booth staff passes are registrations: their badge goes out as "registration.confirmed"."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from exhibitors.emails import (
    INVITATION,
    PASSWORD_RESET,
    PAYMENT_DUE,
    PAYMENT_OVERDUE,
    PAYMENT_REMINDER,
    SIGNUP_AGAIN,
    VERIFY_EMAIL,
    booking_kind,
    booking_texts_register,
    build_booking_email,
    build_invitation_email,
    build_password_reset_email,
    build_payment_email,
    build_signup_again_email,
    build_verification_email,
    payment_texts_register,
)
from exhibitors.enums import BookingAction
from mail.registry import register

for action in BookingAction:
    label = format_lazy("{}: {}", _("Booking"), action.label)
    register(booking_kind(action.value), build_booking_email, label=label)
booking_texts_register()  # their words, which organizers may change per event (mail/texts.py)
register(VERIFY_EMAIL, build_verification_email, label=_("Exhibitor: confirm the email address"))
register(INVITATION, build_invitation_email, label=_("Exhibitor: invitation to a company"))
register(SIGNUP_AGAIN, build_signup_again_email, label=_("Exhibitor: someone signed up again"))
register(PASSWORD_RESET, build_password_reset_email, label=_("Exhibitor: password reset"))
register(PAYMENT_DUE, build_payment_email, label=_("Booking: payment due"))
register(PAYMENT_REMINDER, build_payment_email, label=_("Booking: payment reminder"))
register(PAYMENT_OVERDUE, build_payment_email, label=_("Booking: payment overdue"))
payment_texts_register()  # their words too (the bank details and the QR code always follow)
