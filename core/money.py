"""Money in đồng: figures ("12.500.000 ₫") and Vietnamese words ("Mười hai triệu năm trăm nghìn
đồng"), as invoices and payment pages write them.

Words follow the usual reading of numbers:

- groups of three digits named nghìn, triệu, tỷ, then nghìn tỷ, triệu tỷ… (a tỷ's count is read
  as a number of its own: 10¹² is "một nghìn tỷ"); a group of zeros is not read;
- a group after the first is read in full: 1 005 000 000 is "một tỷ không trăm linh năm triệu";
- a zero ten before a unit is "linh" ("một trăm linh năm"; "lẻ" in the South, ``zero_ten``);
- ten is "mười", twenty and up "hai mươi"…; after "mươi", one is "mốt" and four "tư"
  ("hai mươi mốt", "hai mươi tư"); five after a ten is "lăm" ("mười lăm", "hai mươi lăm").
"""

from django.utils.translation import get_language

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
GROUPS = ((10**6, "triệu"), (10**3, "nghìn"), (1, ""))
BILLION = 10**9


def format_vnd(amount, language: str | None = None) -> str:
    """Whole đồng, thousands grouped: "12.000.000 ₫" in Vietnamese, "12,000,000 ₫" in English.
    An empty or unreadable amount is ""."""
    if amount is None or amount == "":
        return ""
    try:
        value = int(amount)
    except (TypeError, ValueError):
        return ""
    language = language or get_language() or "vi"
    separator = "," if language.startswith("en") else "."
    sign = "-" if value < 0 else ""
    return f"{sign}{abs(value):,}".replace(",", separator) + " ₫"


def _hundreds(n: int, *, full: bool, zero_ten: str) -> list[str]:
    """Words of 1 ≤ n ≤ 999; ``full``: read "không trăm" and "linh" as in a later group."""
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    words = []
    if hundreds or full:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and words:
            words.append(zero_ten)
    elif tens == 1:
        words.append("mười")
    else:
        words += [DIGITS[tens], "mươi"]
    if units == 1 and tens >= 2:
        words.append("mốt")
    elif units == 4 and tens >= 2:
        words.append("tư")
    elif units == 5 and tens >= 1:
        words.append("lăm")
    elif units:
        words.append(DIGITS[units])
    return words


def _below_billion(n: int, *, full: bool, zero_ten: str) -> list[str]:
    words = []
    for size, name in GROUPS:
        group = n // size % 1000
        if group:
            words += _hundreds(group, full=full or bool(words), zero_ten=zero_ten)
            if name:
                words.append(name)
    return words


def _number(n: int, *, full: bool, zero_ten: str) -> list[str]:
    if n >= BILLION:
        high, low = divmod(n, BILLION)
        words = [*_number(high, full=full, zero_ten=zero_ten), "tỷ"]
        if low:
            words += _below_billion(low, full=True, zero_ten=zero_ten)
        return words
    return _below_billion(n, full=full, zero_ten=zero_ten)


def number_in_words(n: int, *, zero_ten: str = "linh") -> str:
    """A whole number ≥ 0 in Vietnamese words, lower case: 21 → "hai mươi mốt"."""
    if not isinstance(n, int) or n < 0:
        raise ValueError(f"not a whole number ≥ 0: {n!r}")
    if n == 0:
        return DIGITS[0]
    return " ".join(_number(n, full=False, zero_ten=zero_ten))


def amount_in_words(amount: int, *, zero_ten: str = "linh") -> str:
    """An amount of đồng in words as an invoice writes it, capitalised:
    12 500 000 → "Mười hai triệu năm trăm nghìn đồng"."""
    words = number_in_words(int(amount), zero_ten=zero_ten)
    return f"{words[0].upper()}{words[1:]} đồng"
