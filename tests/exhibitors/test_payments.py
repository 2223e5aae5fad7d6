"""The VietQR payload of a booking (exhibitors/payments.py), read back field by field."""

import io

import pytest
import segno
import zxingcpp
from django.utils import translation
from PIL import Image

from exhibitors.payments import (
    BankDetailsMissing,
    InvalidPaymentData,
    booking_vietqr_payload,
    crc16_ccitt_false,
    vietqr_payload,
    vietqr_svg,
)
from exhibitors.services import exhibition_settings_update
from tests.factories.exhibitors import BANK, make_approved_booking
from tests.factories.vietqr import check_vietqr


def test_crc_is_ccitt_false_on_the_check_string_and_a_published_vietqr():
    assert crc16_ccitt_false(b"123456789") == 0x29B1
    # A payload published with its CRC (vietqr-parser's README: Vietcombank, no amount).
    published = (
        "00020001021238570010A00000072701270006970436011308810004580860208QRIBFTTA"
        "53037045802VN6304CD60"
    )
    assert f"{crc16_ccitt_false(published[:-4].encode()):04X}" == "CD60"


def test_payload_fields_one_by_one():
    payload = vietqr_payload(
        bank_bin="970436", account_number="0011004455667", amount=12_960_000, reference="FH000042"
    )
    assert payload == (
        "000201010212"
        "38570010A000000727012700069704360113001100445566702"
        "08QRIBFTTA"
        "5303704"
        "540812960000"
        "5802VN"
        "62120808FH000042"
        "6304" + payload[-4:]
    )
    fields = check_vietqr(payload)
    assert list(fields) == ["00", "01", "38", "53", "54", "58", "62", "63"]
    assert fields["00"] == "01"
    assert fields["01"] == "12"
    assert fields["38"] == {
        "00": "A000000727",
        "01": {"00": "970436", "01": "0011004455667"},
        "02": "QRIBFTTA",
    }
    assert (fields["53"], fields["54"], fields["58"]) == ("704", "12960000", "VN")
    assert fields["62"] == {"08": "FH000042"}


@pytest.mark.parametrize(
    "change",
    [
        {"bank_bin": "97043"},
        {"bank_bin": "97043a"},
        {"account_number": "0011 0044"},
        {"account_number": "1" * 20},
        {"amount": 0},
        {"amount": -5},
        {"amount": 1.5},
        {"reference": "FH-42"},
        {"reference": "Đ42"},
    ],
)
def test_what_a_bank_app_would_not_read_is_refused(change):
    values = {"bank_bin": "970436", "account_number": "001100", "amount": 1, "reference": "FH1"}
    with pytest.raises(InvalidPaymentData):
        vietqr_payload(**{**values, **change})


def test_booking_payload_uses_the_event_account_amount_due_and_reference(
    event, booths, exhibitor, organizer
):
    exhibition_settings_update(event=event, **BANK)
    booking = make_approved_booking(event, booths[1], exhibitor, by=organizer)
    fields = check_vietqr(booking_vietqr_payload(booking=booking))
    assert fields["38"]["01"] == {"00": "970436", "01": "0011004455667"}
    assert fields["62"] == {"08": f"FH{booking.pk:06d}"}
    assert fields["53"] == "704"
    assert int(fields["54"]) > 0


@pytest.mark.parametrize("missing", ["bank_bin", "bank_account_number"])
def test_booking_payload_is_refused_without_the_bank_details(
    event, booths, exhibitor, organizer, missing
):
    exhibition_settings_update(event=event, **{**BANK, missing: ""})
    booking = make_approved_booking(event, booths[1], exhibitor, by=organizer)
    with pytest.raises(BankDetailsMissing) as caught:
        booking_vietqr_payload(booking=booking)
    assert caught.value.code == "bank_details_missing"
    with translation.override("en"):
        assert "bank BIN and account number" in str(caught.value.message)


def test_the_qr_drawn_by_segno_reads_back_with_zxing():
    payload = vietqr_payload(
        bank_bin="970436", account_number="0011004455667", amount=500_000, reference="FH000007"
    )
    png = io.BytesIO()
    segno.make(payload, error="m", micro=False).save(png, kind="png", scale=4, border=4)
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.getvalue())))
    assert [r.text for r in results] == [payload]
    assert vietqr_svg(payload).startswith("<svg")
