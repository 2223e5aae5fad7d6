"""Factories of the exhibition: an event with a hall, exhibitors and users made through the
services."""

import datetime as dt
import itertools
from decimal import Decimal

from django.contrib.auth import get_user_model

from core.time import HCM
from events.services import event_upsert
from exhibitors.enums import BoothTier, Sector
from exhibitors.services import (
    booth_upsert,
    exhibitor_create,
)

WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)
_serial = itertools.count(1)


def valid_tax_code(n: int) -> str:
    """The n-th valid tax code of a made-up series (skipping prefixes without a check digit)."""
    for prefix in itertools.count(310000000 + n * 11):
        digits = [int(ch) for ch in f"{prefix:09d}"]
        check = 10 - sum(d * w for d, w in zip(digits, WEIGHTS, strict=True)) % 11
        if check < 10:
            return f"{prefix:09d}{check}"
    raise AssertionError("unreachable")


def make_event(slug="expo-2024", name="Expo 2024"):
    event, _created = event_upsert(
        slug=slug,
        name=name,
        starts_at=dt.datetime(2030, 12, 27, 8, 0, tzinfo=HCM),
        ends_at=dt.datetime(2030, 12, 27, 17, 0, tzinfo=HCM),
        capacity=600,
    )
    return event


def make_booths(event, count=5, price=12_000_000):
    booths = []
    for i in range(count):
        booth, _created = booth_upsert(
            event=event,
            code=f"A{i + 1:02d}",
            zone="Khu A",
            tier=BoothTier.CORNER if i == 0 else BoothTier.STANDARD,
            price_vnd=price + (3_000_000 if i == 0 else 0),
            x_m=1 + Decimal("3.2") * (i % 10),
            y_m=1 + Decimal("7.2") * (i // 10),
        )
        booths.append(booth)
    return booths


def make_user(email=None, *, password="correct horse battery", **extra):
    n = next(_serial)
    email = email or f"user{n}@example.com"
    return get_user_model().objects.create_user(
        username=email, email=email, password=password, **extra
    )


def make_exhibitor(name=None, *, user=None, language="vi", **fields):
    n = next(_serial)
    user = user or make_user()
    values = {
        "name": name or f"Công ty Số {n}",
        "tax_code": valid_tax_code(n),
        "sector": Sector.SOFTWARE,
        "contact_name": "Nguyễn Văn Khoa",
        "contact_phone": "0912345678",
        "contact_email": user.email,
        "language": language,
        "description_vi": "Giải pháp dữ liệu số.",
        "description_en": "Digital data solutions.",
        "website": "https://example.com",
    }
    values.update(fields)
    return exhibitor_create(user=user, **values)


def user_of(exhibitor):
    return exhibitor.members.select_related("user").first().user


INVOICE = {
    "invoice_company": "Công ty Cổ phần Dữ liệu Hải Phòng",
    "invoice_tax_code": "0100109106",
    "invoice_address": "18 Hoàng Diệu, Hải Phòng",
    "invoice_email": "ketoan@example.com",
}

#: The organizer's bank account and invoicing identity (Exhibition → Rules).
BANK = {
    "bank_bin": "970436",
    "bank_account_number": "0011004455667",
    "bank_account_name": "CONG TY TO CHUC DIEN DAN",
    "seller_name": "Công ty TNHH Tổ chức Diễn đàn Việt",
    "seller_address": "35 Nguyễn Huệ, Quận 1, TP. Hồ Chí Minh",
    "seller_tax_code": "0100109106",
}


def make_approved_booking(event, booth, exhibitor, *, by=None, extras=(), **invoice):
    """A booking held, requested (with ``INVOICE`` details) and approved, through the services."""
    from exhibitors.services import booking_approve, booking_request, booth_hold  # noqa: PLC0415

    booking = booth_hold(event=event, booth=booth, exhibitor=exhibitor)
    booking = booking_request(booking=booking, extras=list(extras), **{**INVOICE, **invoice})
    return booking_approve(booking=booking, by=by)
