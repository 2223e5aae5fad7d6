"""The outbox's kinds of the exhibition (discovered by mail's AppConfig): one per booking step
("booking.hold", "booking.approve"...), the address confirmation and the colleague invitation.
Booth staff passes are registrations: their badge goes out as "registration.confirmed"."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from exhibitors.emails import (
    INVITATION,
    VERIFY_EMAIL,
    booking_kind,
    build_booking_email,
    build_invitation_email,
    build_verification_email,
)
from exhibitors.enums import BookingAction
from mail.registry import register

for action in BookingAction:
    label = format_lazy("{}: {}", _("Booking"), action.label)
    register(booking_kind(action.value), build_booking_email, label=label)
register(VERIFY_EMAIL, build_verification_email, label=_("Exhibitor: confirm the email address"))
register(INVITATION, build_invitation_email, label=_("Exhibitor: invitation to a company"))
