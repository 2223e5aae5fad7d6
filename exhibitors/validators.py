"""Validation of Vietnamese tax codes (mã số thuế)."""

import re

from django.core.exceptions import ValidationError

from exhibitors.exceptions import InvalidTaxCode, TaxCodeCheckDigit

TAX_CODE_RE = re.compile(r"([0-9]{10})(-[0-9]{3})?")
_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


def normalize_tax_code(value: str) -> str:
    """Strip spaces (``"0100109106 - 001"`` → ``"0100109106-001"``)."""
    return "".join((value or "").split())


def tax_code_problem(value: str) -> type[InvalidTaxCode] | None:
    """What is wrong with a tax code, or None: 10 digits whose last is the check digit,
    optionally "-" and 3 digits for a branch. Else ``InvalidTaxCode`` (not that shape) or
    ``TaxCodeCheckDigit`` (the shape, but the last digit does not check).

    The check digit is ``10 - (Σ dᵢ·wᵢ mod 11)`` over the first nine digits with the weights
    31, 29, 23, 19, 17, 13, 7, 5, 3 (the General Department of Taxation's rule).
    """
    match = TAX_CODE_RE.fullmatch(value or "")
    if not match:
        return InvalidTaxCode
    digits = [int(ch) for ch in match.group(1)]
    check = 10 - sum(d * w for d, w in zip(digits[:9], _WEIGHTS, strict=True)) % 11
    return None if check < 10 and digits[9] == check else TaxCodeCheckDigit


def tax_code_is_valid(value: str) -> bool:
    return tax_code_problem(value) is None


def validate_tax_code(value: str) -> None:
    """Model/form validator: raises ``ValidationError`` with the domain error's message."""
    if problem := tax_code_problem(value):
        raise ValidationError(problem.message, code=problem.code)
