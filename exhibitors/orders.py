"""What an approved booking owes: its order lines, VAT and total."""


def booking_amount_due(booking) -> int:
    """The amount, in đồng, the exhibitor owes for ``booking``."""
    return int(booking.price_vnd)
