"""Exports are data, never formulas (issue 13, section 2): every admin CSV/XLSX export, read back
with ``csv`` and ``openpyxl``."""

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse
from wagtail.admin.viewsets import viewsets

from cms.models import Speaker
from core.activity import log_action
from core.exports import FORMULA_STARTS, SafeExportMixin
from events.enums import CheckInKind, CheckInMethod, ScanResult
from events.models import CheckIn, ScanLog
from tests.factories.checkin import CheckInListFactory, RegistrationFactory
from tests.factories.exhibitors import make_exhibitor

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://x","y")'
SUM = "@SUM(1+1)"
TITLE = "+84 Giám đốc"
OURS = ("events", "exhibitors", "cms", "core", "mail")


def exporting_viewsets():
    """Every viewset of ours whose index view offers CSV/XLSX downloads."""
    reverse("wagtailadmin_home")  # Wagtail fills its registry when the admin URLs load
    found = []
    for viewset in viewsets.viewsets:
        exported = getattr(viewset, "list_export", None)
        ours = type(viewset).__module__.split(".")[0] in OURS
        if ours and isinstance(exported, list | tuple) and exported:
            found.append(viewset)
    return found


def csv_rows(response) -> tuple[bytes, list[list[str]]]:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw, list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def xlsx_cells(response):
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = openpyxl.load_workbook(io.BytesIO(raw)).active
    return [list(row) for row in sheet.iter_rows()]


@pytest.fixture
def hostile():
    """Rows whose text a stranger typed: a registration, its check-in and failed scan, an
    exhibitor, a speaker and an activity entry."""
    registration = RegistrationFactory(
        full_name=HYPERLINK,
        organization=SUM,
        title=TITLE,
        phone="+84912345678",
        share_with_exhibitors=True,
        created_at=dt.datetime(2026, 12, 7, 3, 4, 5, 678901, tzinfo=dt.UTC),
    )
    checkin_list = CheckInListFactory(event=registration.event, name="-1+1")
    CheckIn.objects.create(
        registration=registration,
        checkin_list=checkin_list,
        kind=CheckInKind.ENTRY,
        method=CheckInMethod.SCAN,
        gate="=1+1",
    )
    ScanLog.objects.create(
        event=registration.event,
        checkin_list=checkin_list,
        kind=CheckInKind.ENTRY,
        method=CheckInMethod.SCAN,
        result=ScanResult.INVALID,
        scanned="=cmd|' /C calc'!A0",
        gate="\t=1+1",
    )
    make_exhibitor(HYPERLINK, contact_name=SUM, contact_phone="+84912345678")
    Speaker.objects.create(name=HYPERLINK, position=TITLE, organization=SUM)
    log_action(action="registration.cancel", obj=registration, reason="\r=1+1")
    return registration


def test_every_exporting_viewset_uses_the_safe_export():
    found = exporting_viewsets()
    assert len(found) >= 9  # registrations, speakers, activity, emails, check-ins, scans, 3 expo
    for viewset in found:
        assert issubclass(viewset.index_view_class, SafeExportMixin), type(viewset).__name__


def test_no_export_carries_a_formula(admin_client, hostile):
    checked = 0
    for viewset in exporting_viewsets():
        url = viewset.menu_url
        response = admin_client.get(url, {"export": "csv"})
        assert response.status_code == 200, url
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        raw, rows = csv_rows(response)
        assert raw.startswith(b"\xef\xbb\xbf"), url
        for row in rows[1:]:
            for cell in row:
                assert not cell.startswith(FORMULA_STARTS), (url, cell)
                checked += cell.startswith("'")

        response = admin_client.get(url, {"export": "xlsx"})
        assert response.status_code == 200, url
        for row in xlsx_cells(response):
            for cell in row:
                assert cell.data_type != "f", (url, cell.value)
    assert checked >= 10  # the hostile cells were there, escaped


def test_registration_export_reads_as_text_local_time_and_labels(admin_client, hostile):
    url = "/admin/snippets/events/registration/"
    _, rows = csv_rows(admin_client.get(url, {"export": "csv"}))
    header, row = rows[0], rows[1]
    cell = dict(zip(header, row, strict=True))
    values = list(cell.values())
    assert values[:5] == [
        "'" + HYPERLINK,
        hostile.email,
        "'+84912345678",
        "'" + SUM,
        "'" + TITLE,
    ]
    # 03:04:05.678901 UTC is 10:04:05 in Hanoi; whole seconds
    assert "2026-12-07T10:04:05+07:00" in values
    assert not any("+00:00" in value or ".678901" in value for value in values)
    confirmed = "Đã xác nhận"  # the admin speaks Vietnamese (LANGUAGE_CODE)
    assert cell["Trạng thái"] == confirmed
    assert "Có" in values  # share_with_exhibitors, not "True"
    assert "True" not in values
    assert "confirmed" not in values

    sheet = xlsx_cells(admin_client.get(url, {"export": "xlsx"}))
    xlsx = [c.value for c in sheet[1]]
    assert xlsx[:5] == [HYPERLINK, hostile.email, "+84912345678", SUM, TITLE]
    assert all(c.data_type == "s" for c in sheet[1][:5])
    assert dt.datetime(2026, 12, 7, 10, 4, 5) in xlsx
    assert confirmed in xlsx
    assert "Có" in xlsx
    assert "confirmed" not in xlsx
