"""Fixtures of the exhibition tests (their factories are in tests/factories/exhibitors.py)."""

import pytest
from django.contrib.auth import get_user_model

from exhibitors.models import Booth
from exhibitors.services import exhibition_settings_update
from tests.factories.exhibitors import make_booths, make_event, make_exhibitor


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
