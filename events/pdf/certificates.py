"""Certificates of attendance: one A4 landscape PDF per certificate (WeasyPrint, core/pdf.py),
the guest's name exactly as registered, the event, the day, and a QR code of the public page
that checks it (``/verify/<code>/``)."""

import functools
from pathlib import Path

import segno
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.utils.text import slugify

from core.links import absolute_url
from core.pdf import cached_stylesheet, render_html_to_pdf, shared_font_config
from core.text import fold
from events.models import Certificate
from events.pdf.badges import QR_MASK, badge_author

A4_LANDSCAPE = "@page { size: A4 landscape; margin: 0 }"


def certificate_verify_url(certificate: Certificate) -> str:
    """The public address that checks ``certificate`` (Vietnamese, the site's root language)."""
    with translation.override("vi"):
        return absolute_url(reverse("events:certificate_verify", args=[certificate.code]))


@functools.cache
def _css() -> str:
    return Path(finders.find("css/certificate.css")).read_text()


def certificate_render_pdf(*, certificate: Certificate) -> bytes:
    """The certificate as PDF bytes, in the guest's language. Side effects: none."""
    registration = certificate.registration
    event = certificate.event
    language = registration.language or "vi"
    qr = segno.make(certificate_verify_url(certificate), error="m", mask=QR_MASK)
    context = {
        "certificate": certificate,
        "event": event,
        "qr": mark_safe(qr.svg_inline(border=4, omitsize=True, dark="#000000", light=None)),  # noqa: S308 - segno's own SVG
        "verify_url": certificate_verify_url(certificate),
        "author": badge_author(event, language),
        "LANGUAGE_CODE": language,
    }
    with translation.override(language):
        html = render_to_string("pdf/certificate.html", context)
    font_config = shared_font_config()
    stylesheets = [
        cached_stylesheet(_css(), font_config),
        cached_stylesheet(A4_LANDSCAPE, font_config),
    ]
    return render_html_to_pdf(html, font_config=font_config, stylesheets=stylesheets, lean=True)


def certificate_filename(certificate: Certificate) -> str:
    """``certificate-nguyen-van-an.pdf``: ASCII, safe in a header and an attachment."""
    return f"certificate-{slugify(fold(certificate.full_name)) or certificate.pk}.pdf"


def certificate_pdf_response(certificate: Certificate) -> HttpResponse:
    response = HttpResponse(certificate_render_pdf(certificate=certificate), "application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        False, certificate_filename(certificate)
    )
    return response
