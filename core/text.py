"""Text helpers for Vietnamese: accent-blind folding for search keys and queries."""

import unicodedata

_EXTRA = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "ı": "i", "ł": "l", "ø": "o", "ß": "ss"})


def nfc(value: str) -> str:
    """Return ``value`` in Unicode NFC, the form names are stored in."""
    return unicodedata.normalize("NFC", value or "")


def fold(value: str) -> str:
    """Fold text for accent-blind search: lower case, no diacritics, đ→d, single spaces.

    "Nguyễn Văn Khoa", its NFD spelling and "NGUYEN VAN KHOA" all fold to "nguyen van khoa".
    """
    decomposed = unicodedata.normalize("NFKD", (value or "").translate(_EXTRA))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.translate(_EXTRA).casefold().split())
