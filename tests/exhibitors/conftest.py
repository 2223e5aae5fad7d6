"""Fixtures of the exhibition tests (their factories are in tests/factories/exhibitors.py)."""

import pytest
from django.contrib.auth import get_user_model

from exhibitors.models import Booth
from exhibitors.services import exhibition_settings_update, extra_price_set
from tests.factories.exhibitors import BANK, make_booths, make_event, make_exhibitor


@pytest.fixture
def event(db):
    event = make_event()
    exhibition_settings_update(
        event=event, booking_open=True, max_booths_per_exhibitor=2, hold_minutes=30
    )
    return event


@pytest.fixture
def booths(event) -> list[Booth]:
    return make_booths(event)


@pytest.fixture
def exhibitor(db):
    return make_exhibitor("Công ty Cổ phần Dữ liệu Hải Phòng")


@pytest.fixture
def other_exhibitor(db):
    return make_exhibitor("Công ty TNHH Đối Thủ", language="en")


@pytest.fixture
def organizer(db):
    return get_user_model().objects.create_superuser(
        username="organizer", email="organizer@example.com", password="organizer-pass-123"
    )


@pytest.fixture
def priced(event):
    """The event with the organizer's bank account, booths at 8% VAT, power (1 500 000 ₫, 8%)
    and a screen (3 500 000 ₫, 10%) priced; internet left without a price."""
    exhibition_settings_update(event=event, booth_vat_rate=8, **BANK)
    extra_price_set(event=event, code="power", price_vnd=1_500_000, vat_rate=8)
    extra_price_set(event=event, code="screen", price_vnd=3_500_000, vat_rate=10)
    return event
