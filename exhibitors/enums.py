"""Choices of the exhibition."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sector(models.TextChoices):
    TELECOM = "telecom", _("Telecommunications")
    SOFTWARE = "software", _("Software and IT services")
    HARDWARE = "hardware", _("Hardware and electronics")
    SECURITY = "security", _("Cyber security")
    FINANCE = "finance", _("Banking and payments")
    LOGISTICS = "logistics", _("Ports and logistics")
    EDUCATION = "education", _("Education")
    HEALTH = "health", _("Health")
    GOVERNMENT = "government", _("Public administration")
    OTHER = "other", _("Other")


class BoothTier(models.TextChoices):
    STANDARD = "standard", _("Standard")
    CORNER = "corner", _("Corner")
    PREMIUM = "premium", _("Premium")


class BookingStatus(models.TextChoices):
    HELD = "held", _("Held")
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")


#: A booking in one of these statuses keeps its booth (a held one only until ``held_until``).
LIVE_BOOKING_STATUSES = (BookingStatus.HELD, BookingStatus.REQUESTED, BookingStatus.APPROVED)


class BookingAction(models.TextChoices):
    HOLD = "hold", _("Held")
    REQUEST = "request", _("Requested")
    APPROVE = "approve", _("Approved")
    REJECT = "reject", _("Rejected")
    CANCEL = "cancel", _("Cancelled")
    EXPIRE = "expire", _("Hold expired")
    MOVE = "move", _("Moved to another booth")


class BoothState(models.TextChoices):
    """What the floor plan shows for a booth (derived, never stored)."""

    AVAILABLE = "available", _("Available")
    HELD = "held", _("Held")
    REQUESTED = "requested", _("Awaiting approval")
    BOOKED = "booked", _("Booked")
    BLOCKED = "blocked", _("Reserved")


#: The state a booth shows while a live booking in this status holds it.
BOOTH_STATE_OF_STATUS = {
    BookingStatus.HELD: BoothState.HELD,
    BookingStatus.REQUESTED: BoothState.REQUESTED,
    BookingStatus.APPROVED: BoothState.BOOKED,
}


def booth_state_for(*, blocked: bool, live_status: str | None) -> BoothState:
    """What the floor plan, the booth page, its JSON and the admin show for a booth: reserved
    by the organizer, else the state of its live booking's status (``None``: no live booking,
    available). The one place that maps a booking status to a booth state."""
    if blocked:
        return BoothState.BLOCKED
    return BOOTH_STATE_OF_STATUS.get(live_status, BoothState.AVAILABLE)


class BookingExtra(models.TextChoices):
    POWER = "power", _("Extra power (3 kW)")
    INTERNET = "internet", _("Dedicated internet line")
    FURNITURE = "furniture", _("Extra table and four chairs")
    SCREEN = "screen", _("55-inch screen")


class PaymentStatus(models.TextChoices):
    """Where an approved booking's payment stands ("": not an order yet)."""

    NONE = "", _("Not due")
    AWAITING = "awaiting", _("Awaiting payment")
    DEPOSIT_PAID = "deposit", _("Deposit paid")
    OVERDUE = "overdue", _("Overdue")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")
    REFUNDED = "refunded", _("Refunded")


#: Payment statuses in which money can be received for a booking (a payment recorded).
PAYABLE_STATUSES = (
    PaymentStatus.AWAITING,
    PaymentStatus.DEPOSIT_PAID,
    PaymentStatus.OVERDUE,
    PaymentStatus.PAID,
)


class PaymentSource(models.TextChoices):
    BANK = "bank", _("Bank statement line")
    MANUAL = "manual", _("Recorded by hand")
    REFUND = "refund", _("Refund")


class StatementMatch(models.TextChoices):
    """How a bank statement line compares with what its booking owes."""

    EXACT = "exact", _("Exact amount")
    PARTIAL = "partial", _("Less than due")
    OVER = "over", _("More than due")
    UNKNOWN = "unknown", _("No booking found")


class StatementLineState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed match")
    PENDING = "pending", _("Needs a decision")
    RECORDED = "recorded", _("Recorded as a payment")
    IGNORED = "ignored", _("Ignored")


#: An order in one of these payment statuses still owes its total (overdue: past its deadline).
PAYMENT_DUE_STATUSES = (PaymentStatus.AWAITING, PaymentStatus.OVERDUE)

#: An order in one of these payment statuses still owes money (all of it, or the rest after a
#: deposit): it may be paid, marked paid, and given a new pro-forma invoice.
OWING_STATUSES = (PaymentStatus.AWAITING, PaymentStatus.DEPOSIT_PAID, PaymentStatus.OVERDUE)


class MemberRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    MEMBER = "member", _("Member")


class StaffStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    REMOVED = "removed", _("Removed")
