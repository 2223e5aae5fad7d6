import pytest

from core.phone import format_phone, normalize_phone
from events.exceptions import InvalidPhone


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("0912 345 678", "+84912345678"),
        ("0912.345.678", "+84912345678"),
        ("+84 912 345 678", "+84912345678"),
        ("(+84) 912-345-678", "+84912345678"),
        ("84912345678", "+84912345678"),
        ("0084912345678", "+84912345678"),
        ("+840912345678", "+84912345678"),
        ("0225 3842 000", "+842253842000"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("", ""),
    ],
)
def test_phone_numbers_are_normalised(raw, normalised):
    assert normalize_phone(raw) == normalised


@pytest.mark.parametrize(
    "raw", ["12345", "0112345678", "091234567", "09123456789", "phone", "+84 12", "0912-abc-678"]
)
def test_invalid_phone_numbers_are_refused(raw):
    with pytest.raises(InvalidPhone):
        normalize_phone(raw)


@pytest.mark.parametrize(
    "stored, shown",
    [
        ("+84912345678", "+84 912 345 678"),
        ("+842253842000", "+84 225 3842 000"),
        ("+33612345678", "+33612345678"),
        ("", ""),
    ],
)
def test_stored_numbers_are_shown_in_groups(stored, shown):
    assert format_phone(stored) == shown
