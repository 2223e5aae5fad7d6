"""The pro-forma invoice and the receipt as PDFs (WeasyPrint through core/pdf.py): seller and
buyer, lines, VAT, total in figures and in Vietnamese words; the pro-forma adds the VietQR of
the transfer with the same data in words beside it, the receipt the payments received."""

import datetime as dt
import functools
from pathlib import Path

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation

from core.localized import localized
from core.money import amount_in_words
from core.pdf import cached_stylesheet, render_html_to_pdf, shared_font_config
from exhibitors.enums import PaymentSource
from exhibitors.exceptions import ExhibitorsError
from exhibitors.models import IssuedDocument, ProformaInvoice, Receipt
from exhibitors.orders import Order, OrderLine
from exhibitors.payments import PaymentInstructions, payment_instructions


def invoice_order(invoice: IssuedDocument, language: str) -> Order:
    """The invoice's lines as an ``Order`` (labels in ``language``), for the shared table."""
    key = "label_en" if language == "en" else "label_vi"
    return Order(
        lines=tuple(
            OrderLine(
                label=line[key], quantity=1, unit_price=line["net"], vat_rate=line["vat_rate"]
            )
            for line in invoice.lines
        )
    )


def invoice_payment(invoice: ProformaInvoice) -> PaymentInstructions | None:
    """The transfer the invoice asks for, to the event's account as set now; None while the
    organizer has set no bank account (the PDF then says so)."""
    try:
        return payment_instructions(
            rules=getattr(invoice.booking.event, "exhibition_settings", None),
            amount=invoice.total_vnd,
            reference=invoice.payment_reference,
        )
    except ExhibitorsError:
        return None


@functools.cache
def _invoice_css() -> str:
    return Path(finders.find("css/invoice.css")).read_text()


def _render(template: str, document: IssuedDocument, language: str, **context) -> bytes:
    event = document.booking.event
    with translation.override(language):
        html = render_to_string(
            template,
            {
                "invoice": document,
                "order": invoice_order(document, language),
                "amount_words": amount_in_words(document.total_vnd),
                "event_name": localized(event, "name", language).value,
                "author": document.seller_name or localized(event, "name", language).value,
                "LANGUAGE_CODE": language,
                **context,
            },
        )
    font_config = shared_font_config()
    return render_html_to_pdf(
        html,
        font_config=font_config,
        stylesheets=[cached_stylesheet(_invoice_css(), font_config)],
        lean=True,
    )


def proforma_render_pdf(*, invoice: ProformaInvoice, language: str = "vi") -> bytes:
    """The invoice as PDF bytes in ``language`` (the amount in words stays Vietnamese, as the
    law writes it). Side effects: none."""
    return _render("pdf/proforma.html", invoice, language, payment=invoice_payment(invoice))


def receipt_render_pdf(*, receipt: Receipt, language: str = "vi") -> bytes:
    """The receipt as PDF bytes in ``language``: the order, and each payment (date, source,
    amount) with what was received in figures and in words. Side effects: none."""
    return _render(
        "pdf/receipt.html",
        receipt,
        language,
        paid_words=amount_in_words(max(receipt.paid_vnd, 0)),
        payments=[
            {
                "date": dt.date.fromisoformat(p["date"]),
                "source": PaymentSource(p["source"]).label,
                "reference": p["reference"],
                "amount": p["amount"],
            }
            for p in receipt.payments
        ],
    )


def document_pdf_response(*, document: IssuedDocument, language: str) -> HttpResponse:
    """The PDF as a download: ``proforma-PF-00001.pdf``, ``receipt-RC-00001.pdf``."""
    if isinstance(document, Receipt):
        pdf, name = receipt_render_pdf(receipt=document, language=language), "receipt"
    else:
        pdf, name = proforma_render_pdf(invoice=document, language=language), "proforma"
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"{name}-{document.display_number}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
