"""What the PDF benches share (not a bench: ``make bench`` skips files starting with ``_``):
Django set up from a bench script, and the forum's event with guests' names, in memory (no
database needed)."""

import datetime as dt
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django  # noqa: E402

django.setup()

from events.models import Event  # noqa: E402

#: Names with every kind of Vietnamese diacritic, and one long enough to wrap.
NAMES = [
    "Nguyễn Thị Ánh Tuyết",
    "Đặng Quốc Bảo",
    "Hoàng Minh Cường",
    "Trần Thị Bích Ngọc",
    "Lê Hoàng Phương Thảo Linh Nguyệt Ánh Hồng",
]


def bench_event() -> Event:
    """The seed's forum as an unsaved Event."""
    return Event(
        pk=1,
        slug="bench",
        name="Diễn đàn Chuyển đổi số TP Hải Phòng năm 2023",
        organizer="Ủy ban nhân dân thành phố Hải Phòng",
        starts_at=dt.datetime(2023, 12, 27, 1, tzinfo=dt.UTC),
        ends_at=dt.datetime(2023, 12, 27, 10, tzinfo=dt.UTC),
        venue="Trung tâm Hội nghị thành phố Hải Phòng",
    )
