"""The e-invoice export: the data of the VAT invoices the organizer issues through their
accredited provider (Decree 123/2020/NĐ-CP, Circular 78/2021/TT-BTC), one row per invoice line,
with the column names of the providers' Excel/CSV import templates (VNPT, Viettel, MISA
meInvoice: see docs/einvoice-export.md).

One invoice per paid booking (its latest receipt: the order as paid); the rows of one invoice
share its "Mã chứng từ" (the receipt's number), which the import wizards group by. The headings
are the providers' Vietnamese names whatever the admin's language: they are a file format.
"""

from django.db.models import Max

from core.time import HCM
from exhibitors.enums import PaymentStatus
from exhibitors.models import Receipt

PAYMENT_METHOD = "TM/CK"
CURRENCY = "VND"

#: (key, heading) in the order of the file.
COLUMNS = [
    ("document_no", "Mã chứng từ"),
    ("document_date", "Ngày chứng từ"),
    ("buyer_name", "Tên đơn vị mua hàng"),
    ("buyer_contact", "Họ tên người mua hàng"),
    ("buyer_tax_code", "Mã số thuế"),
    ("buyer_address", "Địa chỉ"),
    ("buyer_email", "Email nhận hóa đơn"),
    ("payment_method", "Hình thức thanh toán"),
    ("currency", "Loại tiền"),
    ("exchange_rate", "Tỷ giá"),
    ("line_no", "STT dòng"),
    ("item_name", "Tên hàng hóa, dịch vụ"),
    ("unit", "Đơn vị tính"),
    ("quantity", "Số lượng"),
    ("unit_price", "Đơn giá"),
    ("amount", "Thành tiền"),
    ("vat_rate", "Thuế suất GTGT"),
    ("vat_amount", "Tiền thuế GTGT"),
    ("line_total", "Tổng tiền thanh toán dòng"),
    ("total_net", "Tổng tiền hàng"),
    ("total_vat", "Tổng tiền thuế GTGT"),
    ("total", "Tổng tiền thanh toán"),
    ("seller_tax_code", "Mã số thuế người bán"),
    ("seller_name", "Tên người bán"),
    ("payment_reference", "Ghi chú"),
]

#: The unit of a booth and of an extra (the providers' "ĐVT").
UNIT_BOOTH, UNIT_EXTRA = "Gian", "Gói"


def einvoice_receipts(event_id: int):
    """The latest receipt of each booking of the event that is paid now (a refunded booking has
    none to invoice), by number."""
    latest = (
        Receipt.objects.filter(event_id=event_id, booking__payment_status=PaymentStatus.PAID)
        .values("booking_id")
        .annotate(last=Max("number"))
        .values("last")
    )
    return (
        Receipt.objects.filter(event_id=event_id, number__in=latest)
        .select_related("booking__exhibitor")
        .order_by("number")
    )


def einvoice_rows(event_id: int) -> list[dict]:
    """One dict per invoice line (keys of ``COLUMNS``); amounts are whole đồng (numbers), the
    VAT rate "8%", the date dd/mm/yyyy in Hanoi time."""
    rows = []
    for receipt in einvoice_receipts(event_id):
        head = {
            "document_no": receipt.display_number,
            "document_date": receipt.issued_at.astimezone(HCM).strftime("%d/%m/%Y"),
            "buyer_name": receipt.buyer_name,
            "buyer_contact": receipt.booking.exhibitor.contact_name,
            "buyer_tax_code": receipt.buyer_tax_code,
            "buyer_address": receipt.buyer_address,
            "buyer_email": receipt.buyer_email or receipt.booking.exhibitor.contact_email,
            "payment_method": PAYMENT_METHOD,
            "currency": CURRENCY,
            "exchange_rate": 1,
            "total_net": receipt.net_vnd,
            "total_vat": receipt.vat_vnd,
            "total": receipt.total_vnd,
            "seller_tax_code": receipt.seller_tax_code,
            "seller_name": receipt.seller_name,
            "payment_reference": receipt.payment_reference,
        }
        for number, line in enumerate(receipt.lines, start=1):
            rows.append(
                {
                    **head,
                    "line_no": number,
                    "item_name": line["label_vi"],
                    "unit": UNIT_BOOTH if number == 1 else UNIT_EXTRA,
                    "quantity": 1,
                    "unit_price": line["net"],
                    "amount": line["net"],
                    "vat_rate": f"{line['vat_rate']}%",
                    "vat_amount": line["vat"],
                    "line_total": line["net"] + line["vat"],
                }
            )
    return rows
