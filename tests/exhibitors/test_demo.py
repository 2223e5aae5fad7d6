from django.core.management import call_command
from django.utils import timezone

from core.models import ActivityEntry
from events.enums import RegistrationStatus
from exhibitors import selectors
from exhibitors.demo import VIETCOMBANK, load_exhibition
from exhibitors.enums import BoothState, PaymentSource, PaymentStatus, StatementLineState
from exhibitors.models import (
    BankStatementFormat,
    BankStatementImport,
    BoothBooking,
    BoothStaff,
    Exhibitor,
    ExtraOption,
    Lead,
    Payment,
)
from exhibitors.orders import booking_order
from exhibitors.services.reconcile import statement_parse


def test_demo_hall_has_20_booths_booked_by_the_seed_companies(demo_forum):
    call_command("load_demo", verbosity=0)
    event = demo_forum.event
    plan = selectors.floor_plan_context(event=event)
    assert [item.booth.code for item in plan["booths"]] == [f"A{n:02d}" for n in range(1, 21)]
    states = {item.booth.code: item.state for item in plan["booths"]}
    assert {code for code, state in states.items() if state == BoothState.BOOKED} == {
        "A01",
        "A05",
        "A06",
        "A10",
    }
    assert (states["A12"], states["A15"], states["A20"]) == (
        BoothState.HELD,
        BoothState.REQUESTED,
        BoothState.BLOCKED,
    )
    assert list(states.values()).count(BoothState.AVAILABLE) == 13
    directory = selectors.directory_context(event=event)
    names = [entry.exhibitor.name for entry in directory["entries"]]
    for company in ["Viettel", "BKAV", "FPT", "MobiFone"]:
        assert sum(company in name for name in names) == 1
    assert all(entry.exhibitor.logo for entry in directory["entries"])
    staff = BoothStaff.objects.filter(booking__exhibitor__tax_code="0100109106")
    assert [s.registration.status for s in staff] == [RegistrationStatus.CONFIRMED] * 2


def test_demo_is_idempotent(demo_forum):
    load_exhibition(demo_forum.event)
    counts = (Exhibitor.objects.count(), BoothBooking.objects.count(), BoothStaff.objects.count())
    load_exhibition(demo_forum.event)
    assert (
        (
            Exhibitor.objects.count(),
            BoothBooking.objects.count(),
            BoothStaff.objects.count(),
        )
        == counts
        == (6, 6, 2)
    )


def test_demo_shows_payments_in_every_state_and_leads_with_and_without_contact(demo_forum, client):
    call_command("load_demo", verbosity=0)
    event = demo_forum.event
    rules = event.exhibition_settings
    assert (rules.payment_days, rules.payment_reminder_days, rules.reminder_days) == (
        14,
        "3,1",
        [3, 1],
    )
    assert (rules.bank_bin, rules.bank_account_number) == ("970436", "0071000123456")
    assert ExtraOption.objects.filter(event=event, vat_rate__gt=0).count() == 4
    bookings = {
        b.booth.code: b
        for b in BoothBooking.objects.filter(event=event, status="approved").select_related(
            "booth", "exhibitor", "event"
        )
    }
    viettel, bkav, fpt = bookings["A05"], bookings["A06"], bookings["A01"]
    assert (viettel.payment_status, bkav.payment_status, fpt.payment_status) == (
        PaymentStatus.PAID,
        PaymentStatus.DEPOSIT_PAID,
        PaymentStatus.AWAITING,
    )
    # Paid from the imported Vietcombank statement, with the receipt; a deposit of half.
    assert [(p.amount_vnd, p.source) for p in viettel.payments.all()] == [
        (booking_order(viettel).total, PaymentSource.BANK)
    ]
    assert viettel.receipts.count() == 1 and bkav.receipts.count() == 0
    assert bkav.payments.get().amount_vnd == booking_order(bkav).total // 2000 * 1000
    assert fpt.proforma_invoices.count() == 1 and not fpt.payments.exists()
    statement = BankStatementImport.objects.get()
    assert statement.bank.name == "Vietcombank"
    assert sorted(statement.lines.values_list("state", flat=True)) == [
        StatementLineState.PENDING,
        StatementLineState.RECORDED,
        StatementLineState.RECORDED,
    ]
    # The demo's statement is read by the saved format like an organizer's upload.
    assert statement.lines_read == 3
    actions = set(ActivityEntry.objects.values_list("action", flat=True))
    assert {"payment.recorded", "receipt.issued", "bank_statement.imported"} <= actions
    assert {"lead.captured", "lead.updated"} <= actions
    leads = list(Lead.objects.filter(event=event).select_related("registration", "exhibitor"))
    assert len(leads) == 6 and {lead.exhibitor for lead in leads} == {viettel.exhibitor}
    shared = [lead for lead in leads if lead.shares_contact]
    assert len(shared) == 3 and all(lead.email and lead.full_name for lead in shared)
    private = [lead for lead in leads if not lead.shares_contact]
    assert len(private) == 3 and all(lead.email == "" and lead.organization for lead in private)
    assert sum(bool(lead.note) for lead in leads) == 2
    assert all(lead.last_scanned_at <= timezone.now() for lead in leads)
    client.force_login(viettel.exhibitor.members.first().user)
    page = client.get("/exhibitor/leads/").content.decode()
    assert page.count("data-lead=") == 6 and page.count("Không chia sẻ") == 3
    # Run again: nothing new.
    counts = (Payment.objects.count(), Lead.objects.count(), BankStatementImport.objects.count())
    call_command("load_demo", verbosity=0)
    assert (
        Payment.objects.count(),
        Lead.objects.count(),
        BankStatementImport.objects.count(),
    ) == counts
    assert BankStatementFormat.objects.filter(name=VIETCOMBANK["name"]).count() == 1


def test_the_vietcombank_format_reads_a_statement_with_its_title_rows(demo_forum):
    load_exhibition(demo_forum.event)
    bank = BankStatementFormat.objects.get(name="Vietcombank")
    data = (
        "NGÂN HÀNG TMCP NGOẠI THƯƠNG VIỆT NAM - VIETCOMBANK\r\n"
        "SAO KÊ TÀI KHOẢN / ACCOUNT STATEMENT\r\n"
        "Số tài khoản / Account number:,0071000123456\r\n"
        "Từ ngày / From:,01/12/2026,Đến ngày / To:,02/12/2026\r\n"
        "STT,Ngày giao dịch,Số tham chiếu,Số tiền ghi nợ,Số tiền ghi có,Số dư,Mô tả\r\n"
        '1,01/12/2026,5244.60001,,"12,960,000","262,960,000",CT FH000042 gian hang\r\n'
        '2,02/12/2026,5245.60002,"11,000",,"262,949,000",Phi quan ly\r\n'
    ).encode("utf-8-sig")
    [line] = statement_parse(data=data, bank=bank)
    assert (line.booked_on.isoformat(), line.amount, line.description) == (
        "2026-12-01",
        12_960_000,
        "CT FH000042 gian hang",
    )
