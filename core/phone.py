"""Phone numbers: Vietnamese numbers normalised to +84, other countries kept in E.164."""

import re

from events.exceptions import InvalidPhone

_SEPARATORS = re.compile(r"[\s.\-()/]")


def normalize_phone(value: str) -> str:
    """Return ``value`` as ``+84…`` (Vietnamese) or ``+<country>…`` (E.164), "" when empty.

    Accepts "0912 345 678", "0912.345.678", "+84 912 345 678", "(+84) 912-345-678",
    "84912345678", "0084912345678" and landlines such as "0225 3842 000".
    Raises ``InvalidPhone`` for anything else.
    """
    raw = _SEPARATORS.sub("", value or "")
    if not raw:
        return ""
    if raw.startswith("00"):
        raw = "+" + raw[2:]
    if raw.startswith("+"):
        digits = raw[1:]
        if not digits.isdigit():
            raise InvalidPhone()
        if digits.startswith("84"):
            return _vietnamese(digits[2:])
        if 8 <= len(digits) <= 15 and digits[0] != "0":
            return "+" + digits
        raise InvalidPhone()
    if not raw.isdigit():
        raise InvalidPhone()
    if raw.startswith("0"):
        return _vietnamese(raw[1:])
    if raw.startswith("84") and len(raw) in (11, 12):
        return _vietnamese(raw[2:])
    raise InvalidPhone()


def _vietnamese(national: str) -> str:
    national = national.removeprefix("0")
    mobile = len(national) == 9 and national[0] in "35789"
    landline = len(national) == 10 and national[0] == "2"
    if not (mobile or landline):
        raise InvalidPhone()
    return "+84" + national


def format_phone(value: str) -> str:
    """A stored number for people to read: "+84912345678" → "+84 912 345 678", a landline
    "+842253842000" → "+84 225 3842 000"; other countries stay as stored (E.164)."""
    if not value or not value.startswith("+84"):
        return value or ""
    national = value[3:]
    if len(national) == 9:
        return f"+84 {national[:3]} {national[3:6]} {national[6:]}"
    if len(national) == 10:
        return f"+84 {national[:3]} {national[3:7]} {national[7:]}"
    return value
