"""Path converters and readers for what strangers send: ids the database can hold.

``<id:pk>`` matches like ``<int:pk>`` but only up to the largest 64-bit integer; a longer number
is no match (404), never an overflow in the database (SQLite raises on a 30-digit id).
``parse_id`` reads an id from a query or form value the same way (ASCII digits only: Python's
``str.isdigit`` is also true for "²", which ``int`` refuses).
"""

MAX_ID = 2**63 - 1


def parse_id(value) -> int | None:
    """``value`` as a positive database id, or None (missing, not ASCII digits, too large)."""
    if not isinstance(value, str) or not (value.isascii() and value.isdigit()) or len(value) > 19:
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


class IdConverter:
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValueError("too large for an id")  # no match: 404
        return number

    def to_url(self, value) -> str:
        return str(value)
