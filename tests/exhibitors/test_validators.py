import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from exhibitors.exceptions import InvalidTaxCode, TaxCodeCheckDigit
from exhibitors.models import Booth
from exhibitors.validators import (
    normalize_tax_code,
    tax_code_is_valid,
    tax_code_problem,
    validate_tax_code,
)


@pytest.mark.parametrize(
    "code",
    [
        "0100109106",  # Viettel
        "0101360697",  # BKAV
        "0101248141",  # FPT
        "0100686209",  # MobiFone
        "0100109106-001",  # a branch
    ],
)
def test_tax_code_valid(code):
    assert tax_code_is_valid(code) is True


@pytest.mark.parametrize(
    "code",
    [
        "",
        "010010910",  # 9 digits
        "01001091066",  # 11 digits
        "0100109107",  # wrong check digit
        "0100109106-01",  # branch of 2 digits
        "0100109106_001",
        "0100109106-0011",
        "01001O9106",  # letter O
        "٠١٠٠١٠٩١٠٦",  # Arabic-Indic digits are not ASCII digits
        "0100109106\n",
    ],
)
def test_tax_code_invalid(code):
    assert tax_code_is_valid(code) is False


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("0100109107", TaxCodeCheckDigit),
        ("0100109107-001", TaxCodeCheckDigit),
        ("010010910", InvalidTaxCode),
        ("01001O9106", InvalidTaxCode),
        ("0100109106", None),
    ],
)
def test_a_wrong_check_digit_is_told_apart_from_a_wrong_shape(code, problem):
    assert tax_code_problem(code) is problem


def test_the_check_digit_error_says_so_in_vietnamese():
    with translation.override("vi"), pytest.raises(ValidationError) as caught:
        validate_tax_code("0100109107")
    assert caught.value.messages == [
        "Chữ số kiểm tra (chữ số thứ 10) của mã số thuế này không đúng: vui lòng kiểm tra lại "
        "xem có gõ nhầm không."
    ]
    assert caught.value.error_list[0].code == "tax_code_check_digit"


def test_tax_code_spaces_are_removed():
    assert normalize_tax_code(" 0100109106 - 001 ") == "0100109106-001"


def test_booth_size_label_uses_the_decimal_comma_in_vietnamese():
    booth = Booth(width_m="2.5", depth_m="3.0")
    with translation.override("vi"):
        assert booth.size_label == "2,5 × 3 m"
    with translation.override("en"):
        assert booth.size_label == "2.5 × 3 m"
