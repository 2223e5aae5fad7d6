"""Money in figures and in Vietnamese words (core/money.py)."""

import pytest
from django.utils import translation

from core.money import amount_in_words, format_vnd, number_in_words


def test_vnd_in_vietnamese_and_english():
    assert format_vnd(12_000_000, "vi") == "12.000.000 ₫"
    assert format_vnd(12_000_000, "en") == "12,000,000 ₫"
    assert format_vnd(0, "vi") == "0 ₫"
    assert format_vnd(-1500, "vi") == "-1.500 ₫"
    assert format_vnd(None) == ""
    assert format_vnd("abc") == ""
    with translation.override("vi"):
        assert format_vnd(950_000) == "950.000 ₫"


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (0, "Không đồng"),
        (1_000_000, "Một triệu đồng"),
        (12_500_000, "Mười hai triệu năm trăm nghìn đồng"),
        (1_005_000_000, "Một tỷ không trăm linh năm triệu đồng"),
        (12_960_000, "Mười hai triệu chín trăm sáu mươi nghìn đồng"),
    ],
)
def test_amounts_in_words(amount, words):
    assert amount_in_words(amount) == words


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (1, "một"),
        (5, "năm"),
        (10, "mười"),
        (11, "mười một"),
        (14, "mười bốn"),
        (15, "mười lăm"),
        (20, "hai mươi"),
        (21, "hai mươi mốt"),
        (24, "hai mươi tư"),
        (25, "hai mươi lăm"),
        (100, "một trăm"),
        (101, "một trăm linh một"),
        (105, "một trăm linh năm"),
        (110, "một trăm mười"),
        (111, "một trăm mười một"),
        (115, "một trăm mười lăm"),
        (121, "một trăm hai mươi mốt"),
        (1_001, "một nghìn không trăm linh một"),
        (1_010, "một nghìn không trăm mười"),
        (1_100, "một nghìn một trăm"),
        (10_000, "mười nghìn"),
        (15_000, "mười lăm nghìn"),
        (21_000, "hai mươi mốt nghìn"),
        (100_000, "một trăm nghìn"),
        (1_000_005, "một triệu không trăm linh năm"),
        (2_000_050_000, "hai tỷ không trăm năm mươi nghìn"),
        (1_000_000_000, "một tỷ"),
        (1_000_000_000_000, "một nghìn tỷ"),
        (3_500_000_000_000, "ba nghìn năm trăm tỷ"),
        (1_000_000_000_001, "một nghìn tỷ không trăm linh một"),
    ],
)
def test_numbers_in_words(n, words):
    assert number_in_words(n) == words


def test_zero_ten_may_be_read_le_as_in_the_south():
    assert number_in_words(105, zero_ten="lẻ") == "một trăm lẻ năm"
    assert amount_in_words(1_005_000_000, zero_ten="lẻ") == "Một tỷ không trăm lẻ năm triệu đồng"


@pytest.mark.parametrize("bad", [-1, 1.5, "12"])
def test_what_is_not_a_whole_number_is_refused(bad):
    with pytest.raises(ValueError, match="not a whole number"):
        number_in_words(bad)
