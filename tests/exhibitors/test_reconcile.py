"""Reconciliation (exhibitors/services/reconcile.py, exhibitors/admin/payments.py): a bank
statement CSV read with its bank's saved format, lines matched by payment reference and amount
(exact, partial, over, unknown), decisions, re-import without double counting, bad files
refused whole with translated messages."""

import unicodedata

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from core.activity import ActivityEntry
from exhibitors.enums import PaymentStatus, StatementLineState, StatementMatch
from exhibitors.models import BankStatementFormat, BankStatementImport, BankStatementLine, Payment
from exhibitors.services import (
    statement_confirm_proposed,
    statement_import,
    statement_line_confirm,
    statement_line_ignore,
)
from exhibitors.services.reconcile import (
    LineDecided,
    StatementInvalid,
    UnknownReference,
    booking_by_reference,
    reference_numbers,
)
from tests.factories.exhibitors import make_approved_booking, make_exhibitor

TOTAL = 12_960_000  # a standard booth, 8% VAT


@pytest.fixture
def vcb(db):
    """Vietcombank's export: a title row and a header, day/month/year, dots for thousands."""
    return BankStatementFormat.objects.create(
        name="Vietcombank",
        encoding="utf-8-sig",
        delimiter=",",
        skip_rows=2,
        date_column=1,
        amount_column=3,
        description_column=2,
        date_format="%d/%m/%Y",
        decimal_separator=",",
        thousands_separator=".",
    )


@pytest.fixture
def orders(priced, booths, organizer):
    return [
        make_approved_booking(priced, booth, make_exhibitor(), by=organizer)
        for booth in booths[1:5]
    ]


def csv_bytes(rows, encoding="utf-8-sig") -> bytes:
    lines = ["SAO KÊ TÀI KHOẢN 0011004455667", "Ngày,Diễn giải,Số tiền"]
    lines += [",".join(f'"{cell}"' for cell in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def statement_rows(orders):
    a, b, c, d = orders
    return [
        ("01/12/2026", f"CT DEN:123 {a.payment_reference} THANH TOAN GIAN HANG", "12.960.000"),
        ("02/12/2026", f"cong ty so {b.pk} fh {b.pk:06d} dat coc", "5.000.000"),
        ("02/12/2026", f"Thanh toán FH-{c.pk:06d} Công ty Đối Thủ", "13.000.000"),
        ("03/12/2026", "CHUYEN TIEN KHONG RO NOI DUNG", "2.000.000"),
        ("03/12/2026", "PHI QUAN LY TAI KHOAN", "-11.000"),
        ("04/12/2026", f"FH{d.pk:06d}0912345678 NGUYEN VAN KHOA", "12.960.000"),
    ]


def test_references_are_found_accent_space_and_case_blind():
    assert reference_numbers("Thanh toán fh 000042 – cảm ơn") == {"000042"}
    assert reference_numbers("FH-000042.FH000043") == {"000042", "000043"}
    assert reference_numbers("FH42 không đủ chữ số") == set()


def test_lines_are_matched_exact_partial_over_and_unknown(vcb, orders, organizer):
    statement = statement_import(
        bank=vcb, data=csv_bytes(statement_rows(orders)), filename="vcb.csv", by=organizer
    )
    assert (statement.lines_read, statement.lines_new) == (5, 5)  # the debit is skipped
    lines = list(statement.lines.order_by("row"))
    assert [(x.row, x.match, x.state, x.booking_id, x.due_vnd) for x in lines] == [
        (3, StatementMatch.EXACT, StatementLineState.PROPOSED, orders[0].pk, TOTAL),
        (4, StatementMatch.PARTIAL, StatementLineState.PENDING, orders[1].pk, TOTAL),
        (5, StatementMatch.OVER, StatementLineState.PENDING, orders[2].pk, TOTAL),
        (6, StatementMatch.UNKNOWN, StatementLineState.PENDING, None, None),
        (8, StatementMatch.EXACT, StatementLineState.PROPOSED, orders[3].pk, TOTAL),
    ]
    assert lines[2].description == f"Thanh toán FH-{orders[2].pk:06d} Công ty Đối Thủ"
    assert not Payment.objects.exists()  # nothing recorded before a decision
    assert ActivityEntry.objects.get(action="bank_statement.imported").changes == {
        "lines_read": [None, 5],
        "lines_new": [None, 5],
    }


def test_decisions_record_payments_and_set_the_statuses(vcb, orders, organizer):
    statement = statement_import(
        bank=vcb, data=csv_bytes(statement_rows(orders)), filename="vcb.csv", by=organizer
    )
    lines = {x.row: x for x in statement.lines.all()}
    assert statement_confirm_proposed(statement=statement, by=organizer) == (2, [])
    statement_line_confirm(line=lines[4], by=organizer)  # the deposit
    statement_line_confirm(line=lines[5], by=organizer)  # the over-payment
    unknown_owner = booking_by_reference(f"fh {orders[1].pk}")
    statement_line_confirm(line=lines[6], by=organizer, booking=unknown_owner)
    statuses = []
    for booking in orders:
        booking.refresh_from_db()
        statuses.append(booking.payment_status)
    assert statuses == [
        PaymentStatus.PAID,
        PaymentStatus.DEPOSIT_PAID,
        PaymentStatus.PAID,
        PaymentStatus.PAID,
    ]
    assert Payment.objects.get(statement_line=lines[6]).amount_vnd == 2_000_000
    assert sum(Payment.objects.filter(booking=orders[1]).values_list("amount_vnd", flat=True)) == (
        7_000_000
    )
    with pytest.raises(LineDecided):
        statement_line_ignore(line=lines[3], by=organizer)
    with pytest.raises(UnknownReference):
        booking_by_reference("FH999999")


def test_importing_the_same_statement_twice_counts_nothing_twice(vcb, orders, organizer):
    data = csv_bytes(statement_rows(orders))
    first = statement_import(bank=vcb, data=data, filename="vcb.csv", by=organizer)
    statement_confirm_proposed(statement=first, by=organizer)
    longer = csv_bytes(
        [*statement_rows(orders), ("05/12/2026", "CHUYEN TIEN KHONG RO NOI DUNG", "2.000.000")]
    )
    second = statement_import(bank=vcb, data=longer, filename="vcb-2.csv", by=organizer)
    # One new line: the same text, date and amount as row 6 but another day; the rest known.
    assert (second.lines_read, second.lines_new) == (6, 1)
    third = statement_import(bank=vcb, data=data, filename="vcb.csv", by=organizer)
    assert (third.lines_read, third.lines_new) == (5, 0)
    assert BankStatementLine.objects.count() == 6
    assert Payment.objects.count() == 2


def test_two_identical_transfers_in_one_statement_stay_two_lines(vcb, orders, organizer):
    row = ("01/12/2026", f"{orders[0].payment_reference} dat coc", "5.000.000")
    statement = statement_import(bank=vcb, data=csv_bytes([row, row]), filename="a.csv", by=None)
    lines = list(statement.lines.order_by("row"))
    assert [(x.match, x.due_vnd) for x in lines] == [
        (StatementMatch.PARTIAL, TOTAL),
        (StatementMatch.PARTIAL, TOTAL - 5_000_000),
    ]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            "Ngày,Diễn giải\r\nx\r\n01/12/2026,FH000001\r\n".encode(),
            ["Dòng 3: 2 cột; định dạng “Vietcombank” đọc đến cột 3."],
        ),
        (
            "t\r\nh\r\n31/02/2026,FH000001,1.000\r\n01/12/2026,FH000001,một triệu\r\n".encode(),
            [
                "Dòng 3: “31/02/2026” không phải ngày theo dạng 31/12/2026.",
                "Dòng 4: “một triệu” không phải số tiền nguyên đồng.",
            ],
        ),
        (
            't\r\nh\r\n01/12/2026,Thanh toán,"1.000,50"\r\n'.encode(),
            ["Dòng 3: “1.000,50” không phải số tiền nguyên đồng."],
        ),
        (
            "t\r\nh\r\n01/12/2026,Thanh toán,1.000\r\n".encode("utf-16"),
            [
                "Tệp không theo bảng mã của định dạng “Vietcombank” (UTF-8 (có hoặc không có "
                "BOM)). Hãy chọn bảng mã khác trong định dạng, hoặc lưu tệp dưới dạng UTF-8."
            ],
        ),
    ],
)
def test_a_bad_file_is_refused_whole_with_translated_messages(vcb, organizer, data, expected):
    with translation.override("vi"), pytest.raises(StatementInvalid) as caught:
        statement_import(bank=vcb, data=data, filename="bad.csv", by=organizer)
    assert caught.value.messages == expected
    assert not BankStatementImport.objects.exists()
    assert not BankStatementLine.objects.exists()


def cp1258(text: str) -> bytes:
    """``text`` as Windows-1258 writes Vietnamese: a letter (â, ê, ơ… precomposed) and its tone
    as a combining mark (Python's codec does not decompose by itself)."""
    out = b""
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            base, *marks = unicodedata.normalize("NFD", char)
            head = unicodedata.normalize("NFC", base + "".join(marks[:-1]))
            out += (head + marks[-1]).encode("cp1258")
    return out


def test_cp1258_and_another_layout_are_read(orders, organizer):
    bank = BankStatementFormat.objects.create(
        name="Agribank",
        encoding="cp1258",
        delimiter=";",
        skip_rows=1,
        date_column=2,
        amount_column=1,
        description_column=3,
        date_format="%Y-%m-%d",
        decimal_separator=".",
        thousands_separator=",",
    )
    text = (
        "So tien;Ngay;Noi dung\r\n"
        f'"12,960,000.00";2026-12-01;Trả tiền gian hàng {orders[0].payment_reference}\r\n'
    )
    statement = statement_import(bank=bank, data=cp1258(text), filename="a.csv", by=None)
    line = statement.lines.get()
    assert (line.amount_vnd, line.match, line.description) == (
        TOTAL,
        StatementMatch.EXACT,
        f"Trả tiền gian hàng {orders[0].payment_reference}",
    )


def test_the_admin_imports_shows_and_decides(client, vcb, orders, organizer):
    client.force_login(organizer)
    url = "/admin/exhibition/payments/"
    upload = SimpleUploadedFile("vcb.csv", csv_bytes(statement_rows(orders)), "text/csv")
    response = client.post(url, {"bank": vcb.pk, "file": upload})
    statement = BankStatementImport.objects.get()
    assert response["Location"] == f"/admin/exhibition/payments/statements/{statement.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert page.count('data-state="proposed"') == 2
    assert page.count('data-state="pending"') == 3
    unknown = statement.lines.get(match=StatementMatch.UNKNOWN)
    client.post(
        response["Location"], {"action": "assign", "line": unknown.pk, "reference": "FH999999"}
    )
    unknown.refresh_from_db()
    assert unknown.state == StatementLineState.PENDING
    client.post(response["Location"], {"action": "ignore", "line": unknown.pk})
    client.post(response["Location"], {"action": "confirm_all"})
    assert Payment.objects.count() == 2
    unknown.refresh_from_db()
    assert unknown.state == StatementLineState.IGNORED
    bad = client.post(
        url, {"bank": vcb.pk, "file": SimpleUploadedFile("x.csv", b"a\r\nb\r\n1,2\r\n")}
    )
    assert bad.status_code == 400
    assert "data-file-errors" in bad.content.decode()
    assert BankStatementImport.objects.count() == 1


def test_a_bank_format_is_saved_in_the_admin_and_bad_separators_are_refused(client, organizer):
    client.force_login(organizer)
    url = "/admin/exhibition/bank-formats/new/"
    form = {
        "name": "Techcombank",
        "encoding": "utf-8-sig",
        "delimiter": ";",
        "skip_rows": "1",
        "date_column": "1",
        "amount_column": "4",
        "description_column": "3",
        "date_format": "%d/%m/%Y",
        "decimal_separator": ",",
        "thousands_separator": ",",
    }
    with translation.override("vi"):
        refused = client.post(url, form)
    assert refused.status_code == 200
    assert "Dấu phân cách hàng nghìn phải khác dấu thập phân." in refused.content.decode()
    assert not BankStatementFormat.objects.exists()
    assert not ActivityEntry.objects.filter(action__startswith="bank_format.").exists()
    client.post(url, {**form, "thousands_separator": "."})
    saved = BankStatementFormat.objects.get()
    assert (saved.name, saved.amount_column, saved.delimiter) == ("Techcombank", 4, ";")
    # The admin's own forms save a format: each change is in the activity log all the same.
    created = ActivityEntry.objects.get(action="bank_format.created")
    assert (created.object_id, created.actor_user_id) == (str(saved.pk), organizer.pk)
    assert created.changes["name"] == [None, "Techcombank"]
    edit = f"/admin/exhibition/bank-formats/edit/{saved.pk}/"
    client.post(edit, {**form, "thousands_separator": ".", "amount_column": "5"})
    updated = ActivityEntry.objects.get(action="bank_format.updated")
    assert updated.changes == {"amount_column": [4, 5]}
    client.post(edit, {**form, "thousands_separator": ".", "amount_column": "5"})
    assert ActivityEntry.objects.filter(action="bank_format.updated").count() == 1  # no change
    client.post(f"/admin/exhibition/bank-formats/delete/{saved.pk}/")
    assert not BankStatementFormat.objects.exists()
    deleted = ActivityEntry.objects.get(action="bank_format.deleted")
    assert (deleted.object_id, deleted.object_repr) == (str(saved.pk), "Techcombank")
    assert client.get("/admin/exhibition/payments/").status_code == 200
    assert client.get("/admin/exhibition/payments/einvoices/").status_code == 200


def test_bad_decisions_are_refused_without_a_500(client, vcb, orders, organizer):
    statement = statement_import(
        bank=vcb, data=csv_bytes(statement_rows(orders)), filename="vcb.csv", by=organizer
    )
    url = f"/admin/exhibition/payments/statements/{statement.pk}/"
    client.force_login(organizer)
    assert client.post(url, {"action": "confirm", "line": "abc"}).status_code == 404
    assert client.post(url, {"action": "confirm", "line": "9" * 30}).status_code == 404
    line = statement.lines.get(match=StatementMatch.UNKNOWN)
    assert client.post(url, {"action": "dance", "line": line.pk}).status_code == 404
    response = client.post(url, {"action": "confirm", "line": line.pk}, follow=True)
    assert "Hãy chọn trước đơn đặt gian hàng của khoản thanh toán này." in (
        response.content.decode()
    )
    assert client.get("/admin/exhibition/payments/statements/999999/").status_code == 404
    assert not Payment.objects.exists()
