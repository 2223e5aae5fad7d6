"""Demo data of the events app, from the seed article (Hai Phong, 27-12-2023)."""

import datetime as dt
from zoneinfo import ZoneInfo

from events.models import Event
from events.services import event_upsert

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
DEMO_EVENT_SLUG = "dien-dan-chuyen-doi-so-hai-phong-2023"


def load_event() -> Event:
    """The forum of the seed article. Idempotent."""
    event, _created = event_upsert(
        slug=DEMO_EVENT_SLUG,
        name="Diễn đàn Chuyển đổi số TP Hải Phòng năm 2023",
        theme="Kiến tạo dữ liệu số - Nền tảng phát triển kinh tế - xã hội",
        starts_at=dt.datetime(2023, 12, 27, 8, 0, tzinfo=HCM),
        ends_at=dt.datetime(2023, 12, 27, 17, 0, tzinfo=HCM),
        venue="Trung tâm Hội nghị thành phố Hải Phòng",
        venue_address="Số 18 Hoàng Diệu, Hồng Bàng, Hải Phòng",
        map_url="https://www.openstreetmap.org/search?query=18%20Ho%C3%A0ng%20Di%E1%BB%87u%20H%E1%BA%A3i%20Ph%C3%B2ng",
        organizer=(
            "UBND TP Hải Phòng và Hiệp hội Phần mềm và Dịch vụ Công nghệ Thông tin Việt Nam"
            " (VINASA)"
        ),
        contact_email="chuyendoiso@haiphong.example",
        capacity=600,
    )
    return event
