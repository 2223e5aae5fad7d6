"""Plain factories for registration tests: explicit arguments, no surprises."""

import datetime as dt
import itertools
import subprocess

from django.utils import timezone

from events.models import AttendeeCategory, Event

_counter = itertools.count(1)


def make_event(*, capacity=None, opens=None, closes=None, **fields) -> Event:
    """An event a month from now, registration open unless ``opens``/``closes`` say otherwise."""
    n = next(_counter)
    starts = timezone.now() + dt.timedelta(days=30)
    defaults = {
        "slug": f"forum-{n}",
        "name": "Diễn đàn Chuyển đổi số TP Hải Phòng",
        "starts_at": starts,
        "ends_at": starts + dt.timedelta(hours=9),
        "venue": "Trung tâm Hội nghị thành phố Hải Phòng",
        "contact_email": "chuyendoiso@haiphong.example",
        "capacity": capacity,
        "registration_opens_at": opens,
        "registration_closes_at": closes,
    }
    defaults.update(fields)
    return Event.objects.create(**defaults)


def make_category(event, *, name="Đại biểu", capacity=None, **fields) -> AttendeeCategory:
    n = next(_counter)
    return AttendeeCategory.objects.create(
        event=event, name=name, slug=fields.pop("slug", f"cat-{n}"), capacity=capacity, **fields
    )


def person(n: int) -> dict:
    return {"full_name": f"Người Tham Dự {n}", "email": f"nguoi{n}@example.com"}


def pdf_text(pdf: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return result.stdout.decode()


def pdf_page_png(pdf: bytes, tmp_path, *, page: int = 1, dpi: int = 200):
    """Render one page with pdftoppm; return it as a PIL image."""
    from PIL import Image

    source = tmp_path / "doc.pdf"
    source.write_bytes(pdf)
    target = tmp_path / f"page-{page}"
    command = ["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page), "-png"]
    subprocess.run([*command, "-singlefile", str(source), str(target)], check=True)
    return Image.open(f"{target}.png").convert("RGB")


def pdf_qr_codes(pdf: bytes, tmp_path, *, page: int = 1) -> list:
    """Every QR code zxing-cpp finds on a page rendered at 200 dpi."""
    import zxingcpp

    return list(zxingcpp.read_barcodes(pdf_page_png(pdf, tmp_path, page=page)))


def pdf_qr_tokens(pdf: bytes, tmp_path, *, page: int = 1) -> list[str]:
    return sorted(code.text for code in pdf_qr_codes(pdf, tmp_path, page=page))


class BrokenEmailBackend:
    """A mail server that is down: every send raises, like smtplib on a refused connection."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server down")

    def open(self):
        return None

    def close(self):
        return None
