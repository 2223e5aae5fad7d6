"""Demo exhibition of the seed article: a hall of 40 × 25 m with 20 stands (A01..A20), a stage,
aisles, the registration desk and the entrance, booked by Viettel, BKAV,
FPT and MobiFone, others held, requested, reserved or free. Payments as an organizer finds
them: the payment rules (due 14 days after approval, reminders 3 and 1 days before), the saved
Vietcombank statement format and one imported statement, from which Viettel's booking is paid
(with its receipt) and BKAV's has a deposit, FPT and MobiFone still awaiting payment (their
pro-forma invoices issued at approval); one line of the statement is left for the organizer to
decide. Viettel's staff scanned six visitors' badges at its booth: three of them agreed to share
their contact with exhibitors, three did not. Built through the services; running it again
changes nothing that is already there."""

import csv
import datetime as dt
import io
import secrets
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from core.text import fold
from core.time import HCM
from events.enums import RegistrationStatus
from events.models import Event
from events.services import registration_update
from exhibitors.enums import BookingStatus, BoothTier, PaymentStatus, Sector, StatementMatch
from exhibitors.models import (
    BankStatementFormat,
    BankStatementImport,
    Booth,
    BoothBooking,
    Exhibitor,
    ExhibitorMember,
    Lead,
    PlanShape,
)
from exhibitors.orders import booking_order
from exhibitors.services import (
    booking_approve,
    booking_request,
    booth_block,
    booth_hold,
    booth_upsert,
    exhibition_settings_update,
    exhibitor_create,
    exhibitor_signup,
    exhibitor_verify_email,
    extra_price_set,
    plan_save,
    staff_add,
    statement_import,
    statement_line_confirm,
)
from exhibitors.services.accounts import verification_link_parts
from exhibitors.services.leads import lead_scan, lead_update
from exhibitors.services.plan import SHAPE_FIELDS
from mail.services import emails_skipped

ROW_1_ZONE = "Khu A · Doanh nghiệp công nghệ"
ROW_2_ZONE = "Khu B · Sở, ngành và địa phương"
ROW_1_ZONE_EN = "Zone A · Technology companies"
ROW_2_ZONE_EN = "Zone B · City departments and districts"
PRICES = {
    BoothTier.STANDARD: 12_000_000,
    BoothTier.CORNER: 15_000_000,
    BoothTier.PREMIUM: 20_000_000,
}

COMPANIES = [
    # name, tax code, sector, colour, website, vi, en, booth, status
    (
        "Tập đoàn Công nghiệp - Viễn thông Quân đội (Viettel)",
        "0100109106",
        Sector.TELECOM,
        "#e4002b",
        "https://viettel.com.vn",
        "Nền tảng chính quyền số, đô thị thông minh và hạ tầng dữ liệu cho Hải Phòng.",
        "Digital government platforms, smart city and data infrastructure for Hai Phong.",
        "A05",
        BookingStatus.APPROVED,
    ),
    (
        "Công ty Cổ phần BKAV",
        "0101360697",
        Sector.SECURITY,
        "#0f766e",
        "https://www.bkav.com.vn",
        "An ninh mạng, camera AI và thiết bị thông minh sản xuất tại Việt Nam.",
        "Cyber security, AI cameras and smart devices made in Vietnam.",
        "A06",
        BookingStatus.APPROVED,
    ),
    (
        "Công ty Cổ phần FPT",
        "0101248141",
        Sector.SOFTWARE,
        "#f37021",
        "https://fpt.com",
        "Giải pháp chuyển đổi số cho doanh nghiệp, giáo dục và y tế.",
        "Digital transformation solutions for businesses, education and health.",
        "A01",
        BookingStatus.APPROVED,
    ),
    (
        "Tổng Công ty Viễn thông MobiFone",
        "0100686209",
        Sector.TELECOM,
        "#0055a5",
        "https://www.mobifone.vn",
        "Hạ tầng 5G, dữ liệu lớn và dịch vụ số cho người dân, doanh nghiệp.",
        "5G infrastructure, big data and digital services for citizens and businesses.",
        "A10",
        BookingStatus.APPROVED,
    ),
    (
        "Tập đoàn Bưu chính Viễn thông Việt Nam (VNPT)",
        "0100684378",
        Sector.TELECOM,
        "#0077c8",
        "https://vnpt.com.vn",
        "Hệ thống thông tin giải quyết thủ tục hành chính và trung tâm điều hành thông minh.",
        "Administrative procedure systems and intelligent operations centres.",
        "A15",
        BookingStatus.REQUESTED,
    ),
    (
        "Công ty Cổ phần Giải pháp Cảng số Hải Phòng",
        "0201600014",
        Sector.LOGISTICS,
        "#1e3a8a",
        "",
        "Liên thông dữ liệu giữa cảng vụ, hải quan và doanh nghiệp logistics.",
        "Data exchange between the port authority, customs and logistics companies.",
        "A12",
        BookingStatus.HELD,
    ),
]
SPONSOR_BOOTH = "A20"
VIETTEL_STAFF = [
    ("Nguyễn Minh Anh", "minhanh.nguyen@viettel.example", "Trưởng gian hàng"),
    ("Lê Quang Huy", "quanghuy.le@viettel.example", "Kỹ sư giải pháp"),
]


#: The hall of the demo forum: 40 × 25 m, the stage at the back, the entrance and the
#: registration desk at the front, a central aisle between two blocks of two rows of stands.
HALL_M = (Decimal(40), Decimal(25))
SHAPES = [
    # kind, label, label_en, x, y, width, depth (metres)
    ("stage", "Sân khấu chính", "Main stage", 13, "0.5", 14, 4),
    ("aisle", "Lối đi trung tâm", "Central aisle", 18, 5, 4, 15),
    ("aisle", "Lối đi khu A–B", "Aisle of zones A–B", 3, 10, 15, 4),
    ("aisle", "Lối đi khu A–B", "Aisle of zones A–B", 22, 10, 15, 4),
    ("desk", "Bàn đăng ký", "Registration desk", 15, "20.5", 10, "1.5"),
    ("entrance", "Lối vào chính", "Main entrance", 16, 24, 8, 1),
]


def _booth_place(index: int) -> tuple[Decimal, Decimal]:
    """Row 1 (A01–A10) and row 2 (A11–A20) face the 4 m aisle; each row is cut in two by the
    central aisle (five stands of 3 m on each side)."""
    row, col = divmod(index, 10)
    x = 3 + 3 * col if col < 5 else 22 + 3 * (col - 5)
    return Decimal(x), Decimal(7 if row == 0 else 14)


def _booth_plan(index: int) -> dict:
    """A stand of 3 × 3 m: corners at the rows' ends, premium beside the central aisle."""
    row, col = divmod(index, 10)
    code_number = index + 1
    if col in (0, 9):
        tier = BoothTier.CORNER
    elif col in (4, 5):
        tier = BoothTier.PREMIUM
    else:
        tier = BoothTier.STANDARD
    return {
        "zone": ROW_1_ZONE if row == 0 else ROW_2_ZONE,
        "zone_en": ROW_1_ZONE_EN if row == 0 else ROW_2_ZONE_EN,
        "tier": tier,
        "price_vnd": PRICES[tier],
        "width_m": 3,
        "depth_m": 3,
        "has_power": True,
        "has_internet": tier != BoothTier.STANDARD,
        "has_furniture": True,
        "x_m": _booth_place(index)[0],
        "y_m": _booth_place(index)[1],
        "code": f"A{code_number:02d}",
    }


def _logo(initials: str, colour: str) -> SimpleUploadedFile:
    image = Image.new("RGB", (240, 240), colour)
    draw = ImageDraw.Draw(image)
    draw.text((120, 120), initials, fill="white", anchor="mm", font_size=72)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return SimpleUploadedFile(f"{initials}.png", out.getvalue(), content_type="image/png")


def _exhibitor(name, tax_code, sector, colour, website, vi, en) -> Exhibitor:
    existing = Exhibitor.objects.filter(tax_code=tax_code).first()
    if existing:
        return existing
    slug = "".join(ch for ch in tax_code if ch.isdigit())
    email = f"trien-lam+{slug}@haiphong.example"
    User = get_user_model()
    user = User.objects.filter(username=email).first()
    if user is None:
        password = secrets.token_urlsafe(16)
        user = exhibitor_signup(email=email, password=password, full_name=name)
        uidb64, token = verification_link_parts(user)
        user = exhibitor_verify_email(uidb64=uidb64, token=token, password=password)
    member = ExhibitorMember.objects.filter(user=user).select_related("exhibitor").first()
    if member:
        return member.exhibitor
    short = name.rsplit("(", 1)[-1].rstrip(")") if "(" in name else name.split()[-1]
    return exhibitor_create(
        user=user,
        logo=_logo(short[:4].upper(), colour),
        name=name,
        tax_code=tax_code,
        sector=sector,
        description_vi=vi,
        description_en=en,
        website=website,
        contact_name="Phòng Truyền thông",
        contact_phone="0225 3842 000",
        contact_email=email,
        language="vi",
    )


#: The demo organizer's bank account (made up: scanning its QR pays nobody) and identity.
DEMO_PAYEE = {
    "bank_bin": "970436",
    "bank_account_number": "0071000123456",
    "bank_account_name": "BAN TO CHUC DIEN DAN",
    "seller_name": "Công ty TNHH Tổ chức Sự kiện Diễn đàn Việt",
    "seller_address": "35 Nguyễn Huệ, phường Sài Gòn, TP. Hồ Chí Minh",
    "seller_tax_code": "0312345673",
}

#: The extras' prices before VAT and VAT rates at the demo forum.
DEMO_EXTRA_PRICES = (
    ("power", 1_500_000, 8),
    ("internet", 2_000_000, 10),
    ("furniture", 800_000, 8),
    ("screen", 3_500_000, 10),
)


def _book(event: Event, exhibitor: Exhibitor, code: str, status: str) -> None:
    booth = Booth.objects.get(event=event, code=code)
    if BoothBooking.objects.live().filter(booth=booth).exists():
        return
    booking = booth_hold(event=event, booth=booth, exhibitor=exhibitor)
    if status == BookingStatus.HELD:
        return
    booking = booking_request(
        booking=booking,
        invoice_company=exhibitor.name,
        invoice_tax_code=exhibitor.tax_code,
        invoice_address="Số 18 Hoàng Diệu, Hồng Bàng, Hải Phòng",
        invoice_email=exhibitor.contact_email,
        extras=["power"],
    )
    if status == BookingStatus.APPROVED:
        booking_approve(booking=booking, by=None)


def _lay_out_hall(event: Event) -> None:
    """The hall's size and shapes, and every demo booth at its place (through the editor's
    service, as an organizer would)."""
    booths = {b.code: b.pk for b in Booth.objects.filter(event=event)}
    places = {}
    for index in range(20):
        code = f"A{index + 1:02d}"
        if code in booths:
            x, y = _booth_place(index)
            places[booths[code]] = {"x_m": x, "y_m": y, "width_m": 3, "depth_m": 3}
    shapes = [
        dict(zip(SHAPE_FIELDS, (kind, vi, en, *map(Decimal, map(str, rect))), strict=True))
        for kind, vi, en, *rect in SHAPES
    ]
    plan_save(
        event=event,
        hall_width_m=HALL_M[0],
        hall_depth_m=HALL_M[1],
        booths=places,
        shapes=shapes,
    )


#: The payment rules of the demo forum: due 14 days after approval, reminders 3 and 1 days
#: before the due date; unpaid booths are not released (the organizer decides).
DEMO_PAYMENT_RULES = {"payment_days": 14, "payment_reminder_days": "3,1", "release_unpaid": False}

#: Vietcombank's account statement ("Sao kê tài khoản") saved as CSV, as documented from its
#: statements: a few title rows (the bank, the statement's title, the account, the period), then
#: one header row (STT, Ngày giao dịch, Số tham chiếu, Số tiền ghi nợ, Số tiền ghi có, Số dư,
#: Mô tả); dates day/month/year, amounts with commas between thousands, debit and credit in
#: separate columns (the credit is what was received). The number of title rows varies with the
#: export: an organizer checks it against their own file (Exhibition → Bank statement formats).
VIETCOMBANK = {
    "name": "Vietcombank",
    "encoding": "utf-8-sig",
    "delimiter": ",",
    "skip_rows": 5,
    "date_column": 2,
    "amount_column": 5,
    "description_column": 7,
    "date_format": "%d/%m/%Y",
    "decimal_separator": ".",
    "thousands_separator": ",",
}
VIETCOMBANK_TITLE_ROWS = [
    ["NGÂN HÀNG TMCP NGOẠI THƯƠNG VIỆT NAM - VIETCOMBANK"],
    ["SAO KÊ TÀI KHOẢN / ACCOUNT STATEMENT"],
    ["Số tài khoản / Account number:", "0071000123456", "BAN TO CHUC DIEN DAN"],
    ["Từ ngày / From:", "{start}", "Đến ngày / To:", "{end}"],
    [
        "STT",
        "Ngày giao dịch",
        "Số tham chiếu",
        "Số tiền ghi nợ",
        "Số tiền ghi có",
        "Số dư",
        "Mô tả",
    ],
]
DEMO_STATEMENT_FILE = "sao-ke-vietcombank-demo.csv"
#: Viettel pays its booth in full, BKAV a deposit (half, rounded down to a thousand đồng).
DEMO_PAYERS = {"0100109106": 1, "0101360697": 2}

#: The visitors Viettel's staff scanned at its booth (the first six confirmed delegates): the
#: first three agree to share their contact with exhibitors; the staff's notes of two of them.
DEMO_LEADS = 6
DEMO_LEADS_SHARING = 3
DEMO_LEAD_NOTES = {
    0: ("Quan tâm nền tảng chính quyền số cho quận; hẹn demo sau diễn đàn.", 5, ["chính quyền số"]),
    1: ("Muốn nhận báo giá camera AI cho khu công nghiệp.", 4, ["camera AI", "báo giá"]),
}


def _vnd(amount: int) -> str:
    return f"{amount:,}"


def _demo_statement(bank: BankStatementFormat, bookings: list[BoothBooking], day: dt.date) -> bytes:
    """A Vietcombank statement of ``day``: the demo payers' transfers (their payment reference
    in the description), a transfer nobody can match and the bank's fee (a debit)."""
    date = day.strftime(bank.date_format)
    rows = [[cell.format(start=date, end=date) for cell in row] for row in VIETCOMBANK_TITLE_ROWS]
    balance = 250_000_000
    lines = []
    for booking in bookings:
        total = booking_order(booking).total
        amount = total if DEMO_PAYERS[booking.exhibitor.tax_code] == 1 else total // 2000 * 1000
        lines.append(
            (
                "",
                amount,
                f"MBVCB.{5243650000 + booking.pk}.{fold(booking.exhibitor.name).upper()[:40]} "
                f"chuyen tien gian hang {booking.payment_reference}",
            )
        )
    lines.append(("", 500_000, "CT tu 0011004567890 NGUYEN VAN AN chuyen tien ung ho"))
    lines.append((11_000, "", "Phi quan ly tai khoan thang"))
    for number, (debit, credit, description) in enumerate(lines, start=1):
        balance += (credit or 0) - (debit or 0)
        reference = f"{5243 + number}.{60000 + number}"
        rows.append(
            [
                str(number),
                date,
                reference,
                _vnd(debit) if debit else "",
                _vnd(credit) if credit else "",
                _vnd(balance),
                description,
            ]
        )
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def _load_payments(event: Event) -> None:
    """The Vietcombank format, and once, its demo statement imported with the payers' lines
    recorded (Viettel paid, its receipt issued; BKAV a deposit); the unknown line stays for the
    organizer to decide."""
    bank = BankStatementFormat.objects.filter(name=VIETCOMBANK["name"]).first()
    if bank is None:
        bank = BankStatementFormat(**VIETCOMBANK)
        bank.full_clean()
        bank.save()
    if BankStatementImport.objects.filter(filename=DEMO_STATEMENT_FILE).exists():
        return
    payers = list(
        BoothBooking.objects.filter(
            event=event,
            exhibitor__tax_code__in=DEMO_PAYERS,
            status=BookingStatus.APPROVED,
            payment_status=PaymentStatus.AWAITING,
        )
        .select_related("booth", "exhibitor", "event")
        .order_by("pk")
    )
    if not payers:
        return
    today = dt.datetime.now(HCM).date()
    statement = statement_import(
        bank=bank,
        data=_demo_statement(bank, payers, today),
        filename=DEMO_STATEMENT_FILE,
        by=None,
    )
    for line in statement.lines.exclude(booking=None).exclude(match=StatementMatch.UNKNOWN):
        statement_line_confirm(line=line, by=None)


def _load_leads(event: Event) -> None:
    """Viettel's staff scan six delegates at its booth (once)."""
    booking = (
        BoothBooking.objects.filter(
            event=event, exhibitor__tax_code=COMPANIES[0][1], status=BookingStatus.APPROVED
        )
        .select_related("exhibitor")
        .first()
    )
    if booking is None or Lead.objects.filter(exhibitor=booking.exhibitor, event=event).exists():
        return
    member = booking.exhibitor.members.select_related("user", "exhibitor").order_by("pk").first()
    guests = list(
        event.registrations.filter(
            status=RegistrationStatus.CONFIRMED, category__slug="dai-bieu", purged_at=None
        ).order_by("pk")[:DEMO_LEADS]
    )
    for n, guest in enumerate(guests):
        if guest.share_with_exhibitors != (n < DEMO_LEADS_SHARING):
            guest = registration_update(
                registration=guest,
                share_with_exhibitors=n < DEMO_LEADS_SHARING,
                reason="Demo: the guest's choice on the manage page",
            )
        # On the forum's morning, or in the last hour while the forum is ahead (like the
        # check-in demo, nothing is dated in the future).
        at = min(
            event.starts_at + dt.timedelta(hours=2, minutes=12 * n),
            timezone.now() - dt.timedelta(minutes=10 * (DEMO_LEADS - n)),
        )
        lead, _created = lead_scan(member=member, event=event, code=guest.token, now=at)
        if n in DEMO_LEAD_NOTES:
            note, rating, tags = DEMO_LEAD_NOTES[n]
            lead_update(lead=lead, member=member, note=note, rating=rating, tags=tags)


@transaction.atomic
@emails_skipped()  # demo people: their emails are recorded as skipped, never sent
def load_exhibition(event: Event) -> dict:
    """The demo hall and its bookings. Idempotent. Returns counts for the command's output."""
    exhibition_settings_update(
        event=event,
        booking_open=True,
        max_booths_per_exhibitor=2,
        hold_minutes=30,
        **DEMO_PAYEE,
        **DEMO_PAYMENT_RULES,
    )
    for code, price_vnd, vat_rate in DEMO_EXTRA_PRICES:
        extra_price_set(event=event, code=code, price_vnd=price_vnd, vat_rate=vat_rate)
    for index in range(20):
        plan = _booth_plan(index)
        booth_upsert(event=event, **plan)
    if not PlanShape.objects.filter(event=event).exists():
        _lay_out_hall(event)
    for name, tax_code, sector, colour, website, vi, en, code, status in COMPANIES:
        exhibitor = _exhibitor(name, tax_code, sector, colour, website, vi, en)
        _book(event, exhibitor, code, status)
    viettel = BoothBooking.objects.filter(
        event=event, exhibitor__tax_code=COMPANIES[0][1], status=BookingStatus.APPROVED
    ).first()
    if viettel is not None:
        present = {e.lower() for e in viettel.staff.values_list("email", flat=True)}
        for full_name, email, position in VIETTEL_STAFF:
            if email not in present:
                staff_add(booking=viettel, full_name=full_name, email=email, position=position)
    sponsor = Booth.objects.get(event=event, code=SPONSOR_BOOTH)
    if not sponsor.blocked and not BoothBooking.objects.live().filter(booth=sponsor).exists():
        booth_block(booth=sponsor, by=None, reason="Nhà tài trợ Kim cương")
    _load_payments(event)
    _load_leads(event)
    return {
        "booths": Booth.objects.filter(event=event).count(),
        "approved": BoothBooking.objects.filter(event=event, status=BookingStatus.APPROVED).count(),
    }
