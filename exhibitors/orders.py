"""What an approved booking owes: its order lines (the booth, then each extra), the VAT of each
line at its own rate, and the total.

Prices are before VAT: the booth's is the booking's (fixed when it was held or moved), an
extra's is the event's ``ExtraOption`` (Exhibition → Extras; an extra without one costs 0 at the
booth's rate). VAT is rounded per line to the whole đồng, half up.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from exhibitors.enums import BookingExtra
from exhibitors.models import ExhibitionSettings, ExtraOption


@dataclass(frozen=True)
class OrderLine:
    label: str
    quantity: int
    unit_price: int
    vat_rate: int

    @property
    def net(self) -> int:
        return self.quantity * self.unit_price

    @property
    def vat(self) -> int:
        return (self.net * self.vat_rate + 50) // 100

    @property
    def gross(self) -> int:
        return self.net + self.vat


@dataclass(frozen=True)
class Order:
    lines: tuple[OrderLine, ...]

    @property
    def net(self) -> int:
        return sum(line.net for line in self.lines)

    @property
    def vat(self) -> int:
        return sum(line.vat for line in self.lines)

    @property
    def total(self) -> int:
        return self.net + self.vat

    @property
    def vat_by_rate(self) -> list[tuple[int, int, int]]:
        """``(rate, net, vat)`` per VAT rate, lowest rate first (the invoice's summary)."""
        rates: dict[int, list[int]] = {}
        for line in self.lines:
            pair = rates.setdefault(line.vat_rate, [0, 0])
            pair[0] += line.net
            pair[1] += line.vat
        return [(rate, net, vat) for rate, (net, vat) in sorted(rates.items())]


def _order_of(booking, *, booth_rate: int, prices: dict) -> Order:
    booth = booking.booth
    lines = [
        OrderLine(
            label=str(
                _("Booth %(code)s (%(tier)s, %(size)s)")
                % {"code": booth.code, "tier": booth.get_tier_display(), "size": booth.size_label}
            ),
            quantity=1,
            unit_price=int(booking.price_vnd),
            vat_rate=booth_rate,
        )
    ]
    for code in booking.extras:
        if code not in BookingExtra.values:
            continue
        option = prices.get(code)
        lines.append(
            OrderLine(
                label=str(BookingExtra(code).label),
                quantity=1,
                unit_price=option.price_vnd if option else 0,
                vat_rate=option.vat_rate if option else booth_rate,
            )
        )
    return Order(lines=tuple(lines))


def _booth_rate(rules) -> int:
    if rules is not None:
        return rules.booth_vat_rate
    return ExhibitionSettings._meta.get_field("booth_vat_rate").default


def booking_order(booking) -> Order:
    """The order of ``booking`` (two queries: the event's rules and its extras' prices)."""
    rules = ExhibitionSettings.objects.filter(event_id=booking.event_id).first()
    codes = [code for code in booking.extras if code in BookingExtra.values]
    prices = (
        {
            option.code: option
            for option in ExtraOption.objects.filter(event_id=booking.event_id, code__in=codes)
        }
        if codes
        else {}
    )
    return _order_of(booking, booth_rate=_booth_rate(rules), prices=prices)


def bookings_orders(bookings) -> dict[int, Order]:
    """The orders of many bookings (``select_related("booth")``), by booking id, in two queries
    whatever their number (the reconciliation of a statement against every order)."""
    bookings = list(bookings)
    event_ids = {b.event_id for b in bookings}
    rates = {
        rules.event_id: rules.booth_vat_rate
        for rules in ExhibitionSettings.objects.filter(event_id__in=event_ids)
    }
    prices: dict[int, dict] = {}
    for option in ExtraOption.objects.filter(event_id__in=event_ids):
        prices.setdefault(option.event_id, {})[option.code] = option
    return {
        b.pk: _order_of(
            b,
            booth_rate=rates.get(b.event_id, _booth_rate(None)),
            prices=prices.get(b.event_id, {}),
        )
        for b in bookings
    }
