"""Bank transfers in the NAPAS VietQR format: the QR Vietnamese banking apps scan to pay a
booking.

The payload is an EMVCo merchant-presented QR (EMV QRCPS) as NAPAS profiles it for transfers to
an account ("VietQR"): a string of TLV fields, each an ID of 2 digits, a length of 2 digits and
the value::

    00 "01"                       payload format indicator
    01 "12"                       point of initiation: dynamic (one amount, one payment)
    38 merchant account information
        00 "A000000727"           NAPAS's GUID
        01 beneficiary organization
            00 bank BIN (6 digits)
            01 account number
        02 "QRIBFTTA"             service: inter-bank fast transfer to an account
    53 "704"                      currency (VND, ISO 4217)
    54 amount                     whole đồng
    58 "VN"                       country
    62 additional data
        08 purpose                the booking's payment reference
    63 CRC                        CRC-16/CCITT-FALSE over everything before it, "6304" included

The QR is drawn by segno (error correction M).
"""

import io
from dataclasses import dataclass

import segno
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from core.money import amount_in_words
from exhibitors.exceptions import ExhibitorsError
from exhibitors.orders import Order, booking_order

NAPAS_GUID = "A000000727"
SERVICE_TO_ACCOUNT = "QRIBFTTA"
CURRENCY_VND = "704"
COUNTRY = "VN"
QR_MASK = 2

#: The short names of the banks most organizers use, by NAPAS BIN (others show the BIN only).
BANK_NAMES = {
    "970403": "Sacombank",
    "970405": "Agribank",
    "970407": "Techcombank",
    "970415": "VietinBank",
    "970416": "ACB",
    "970418": "BIDV",
    "970422": "MB",
    "970423": "TPBank",
    "970432": "VPBank",
    "970436": "Vietcombank",
}


class BankDetailsMissing(ExhibitorsError):
    code = "bank_details_missing"
    message = _(
        "The organizer has not set the bank account for payments yet "
        "(Exhibition → Rules: bank BIN and account number)."
    )


class InvalidPaymentData(ExhibitorsError):
    code = "invalid_payment_data"
    message = _("The payment data cannot be put in a VietQR code.")


def crc16_ccitt_false(data: bytes) -> int:
    """CRC-16/CCITT-FALSE: polynomial 0x1021, initial value 0xFFFF, no reflection, no final XOR
    (EMVCo's CRC; "123456789" gives 0x29B1)."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _bit in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return crc


def tlv(tag: str, value: str) -> str:
    """One field: the 2-digit ID, the 2-digit length of the value (at most 99), the value."""
    if len(tag) != 2 or not tag.isdigit() or not 0 < len(value) <= 99:
        raise InvalidPaymentData()
    return f"{tag}{len(value):02d}{value}"


def vietqr_payload(*, bank_bin: str, account_number: str, amount: int, reference: str) -> str:
    """The VietQR string of a transfer of ``amount`` đồng to ``account_number`` at the bank
    ``bank_bin``, with ``reference`` as its purpose. Refuses what a bank app would not read
    (``InvalidPaymentData``): a BIN other than 6 digits, an account or reference that is not
    letters and digits, an amount that is not a positive whole number of đồng."""
    bank_bin, account_number = (bank_bin or "").strip(), (account_number or "").strip()
    if not (bank_bin and account_number):
        raise BankDetailsMissing()
    ok = (
        len(bank_bin) == 6
        and bank_bin.isascii()
        and bank_bin.isdigit()
        and account_number.isascii()
        and account_number.isalnum()
        and len(account_number) <= 19
        and reference.isascii()
        and reference.isalnum()
        and len(reference) <= 25
        and isinstance(amount, int)
        and 0 < amount < 10**13
    )
    if not ok:
        raise InvalidPaymentData()
    beneficiary = tlv("00", bank_bin) + tlv("01", account_number)
    merchant = tlv("00", NAPAS_GUID) + tlv("01", beneficiary) + tlv("02", SERVICE_TO_ACCOUNT)
    body = (
        tlv("00", "01")
        + tlv("01", "12")
        + tlv("38", merchant)
        + tlv("53", CURRENCY_VND)
        + tlv("54", str(amount))
        + tlv("58", COUNTRY)
        + tlv("62", tlv("08", reference))
        + "6304"
    )
    return body + f"{crc16_ccitt_false(body.encode('ascii')):04X}"


def booking_vietqr_payload(*, booking, amount: int | None = None) -> str:
    """The VietQR string of what ``booking`` owes (``amount``, else its order's total) to the
    organizer's account of its event (Exhibition → Rules), with the booking's payment reference.
    Refuses with ``BankDetailsMissing`` while the event has no bank BIN or account number."""
    settings_ = getattr(booking.event, "exhibition_settings", None)
    if settings_ is None or not (settings_.bank_bin and settings_.bank_account_number):
        raise BankDetailsMissing()
    return vietqr_payload(
        bank_bin=settings_.bank_bin,
        account_number=settings_.bank_account_number,
        amount=booking_order(booking).total if amount is None else amount,
        reference=booking.payment_reference,
    )


def vietqr_svg(payload: str, *, scale: int = 4) -> str:
    """The QR of ``payload`` as inline SVG (segno, error correction M, a 4-module quiet zone)."""
    # A fixed mask skips segno's search for the best of eight; every mask decodes the same.
    code = segno.make(payload, error="m", micro=False, mask=QR_MASK)
    return code.svg_inline(scale=scale, border=4)


def vietqr_png(payload: str, *, scale: int = 6) -> bytes:
    """The QR of ``payload`` as a PNG (as ``vietqr_svg`` draws it), for emails."""
    buffer = io.BytesIO()
    segno.make(payload, error="m", micro=False, mask=QR_MASK).save(
        buffer, kind="png", scale=scale, border=4
    )
    return buffer.getvalue()


@dataclass(frozen=True)
class PaymentInstructions:
    """What the booking page and the pro-forma invoice show: the QR and the same in words."""

    payload: str
    bank_bin: str
    bank_name: str
    account_number: str
    account_name: str
    amount: int
    amount_words: str
    reference: str

    @property
    def qr_svg(self) -> str:
        return mark_safe(vietqr_svg(self.payload))  # noqa: S308 - segno's own SVG


def payment_instructions(*, rules, amount: int, reference: str) -> PaymentInstructions:
    """A transfer of ``amount`` with ``reference`` to the account of the exhibition ``rules``
    (``ExhibitionSettings``). Refuses as ``vietqr_payload`` does."""
    if rules is None:
        raise BankDetailsMissing()
    return PaymentInstructions(
        payload=vietqr_payload(
            bank_bin=rules.bank_bin,
            account_number=rules.bank_account_number,
            amount=amount,
            reference=reference,
        ),
        bank_bin=rules.bank_bin,
        bank_name=BANK_NAMES.get(rules.bank_bin, ""),
        account_number=rules.bank_account_number,
        account_name=rules.bank_account_name,
        amount=amount,
        amount_words=amount_in_words(amount),
        reference=reference,
    )


def booking_payment_instructions(
    *, booking, order: Order | None = None, amount: int | None = None
) -> PaymentInstructions:
    """The transfer ``booking`` asks for: ``amount`` (what is still due after a deposit), else
    its order's total, to the event's account, with the payment reference. Refuses as
    ``booking_vietqr_payload`` does (``BankDetailsMissing``)."""
    if amount is None:
        amount = (order or booking_order(booking)).total
    return payment_instructions(
        rules=getattr(booking.event, "exhibition_settings", None),
        amount=amount,
        reference=booking.payment_reference,
    )
