"""The public pages and the exhibitor's own pages, through the test client."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import HttpRequest
from django.test.utils import CaptureQueriesContext
from PIL import Image

from exhibitors.enums import BookingStatus, MemberRole
from exhibitors.exceptions import AlreadyExhibitor
from exhibitors.models import BoothBooking, ExhibitionSettings, Exhibitor, ExhibitorMember
from exhibitors.services import (
    booking_approve,
    booking_request,
    booth_block,
    booth_hold,
    exhibitor_invite,
)
from tests.exhibitors.test_bookings import INVOICE
from tests.factories.exhibitors import make_booths, make_event, make_exhibitor, make_user, user_of

PLAN = "/exhibition/expo-2024/"


def png_upload(size=(300, 120), name="logo.png"):
    out = io.BytesIO()
    Image.new("RGB", size, "#e4002b").save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- Public pages -----------------------------------------------------------------------------


def test_floor_plan_draws_every_booth_with_state_and_table(
    client, event, booths, exhibitor, organizer
):
    booking = booking_request(
        booking=booth_hold(event=event, booth=booths[1], exhibitor=exhibitor), **INVOICE
    )
    booking_approve(booking=booking, by=organizer)
    booth_block(booth=booths[4], by=organizer, reason="Nhà tài trợ")
    response = client.get(PLAN)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="fp-booth ') == 5
    assert html.count('<a tabindex="0" class="fp-booth ') == 5  # and the table's region
    assert html.count('tabindex="0"') == 6
    assert 'aria-label="A02 Dữ liệu Hải Phòng: Đã đặt, Tiêu chuẩn, 3 × 3 m, 12.000.000 ₫, ' in html
    assert 'aria-label="A01: Còn trống, Góc, 3 × 3 m, 15.000.000 ₫"' in html
    assert 'aria-label="A05: Giữ riêng, Tiêu chuẩn' in html
    # legend: pattern and a mark besides the colour, and a text label with the count
    assert 'fill="url(#fp-blocked)"' in html
    for label in ["Còn trống", "Đang giữ chỗ", "Chờ phê duyệt", "Đã đặt", "Giữ riêng"]:
        assert f"<span>{label}</span>" in html
    assert '<span class="fp-count">(3)</span>' in html
    # the table view of the same data
    rows = re.findall(r'<tr class="fp-row-(\w+)">', html)
    assert rows == ["available", "booked", "available", "available", "blocked"]
    assert "Danh sách gian hàng (dạng bảng của sơ đồ)" in html
    assert exhibitor.name in html


def test_floor_plan_in_english_formats_prices_the_english_way(client, event, booths):
    response = client.get("/en" + PLAN)
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "15,000,000 ₫" in html
    assert "<span>Available</span>" in html


def test_unknown_event_and_booth_are_404(client, event, booths):
    assert client.get("/exhibition/no-such-event/").status_code == 404
    assert client.get(PLAN + "booths/Z99/").status_code == 404
    assert client.get(PLAN + "booths/%3Cscript%3E/").status_code == 404


def test_current_exhibition_redirects_to_the_latest_event(client, event, booths):
    response = client.get("/exhibition/")
    assert (response.status_code, response["Location"]) == (302, PLAN)


def test_booth_page_offers_login_to_visitors_and_booking_to_exhibitors(
    client, event, booths, exhibitor
):
    html = client.get(PLAN + "booths/A03/").content.decode()
    assert "Đăng nhập với tư cách đơn vị trưng bày để đặt gian hàng này" in html
    assert "/exhibition/expo-2024/booths/A03/hold/" not in html
    client.force_login(user_of(exhibitor))
    html = client.get(PLAN + "booths/A03/").content.decode()
    assert 'action="/exhibition/expo-2024/booths/A03/hold/"' in html


def test_plan_json_lists_states(client, event, booths, exhibitor):
    booth_hold(event=event, booth=booths[2], exhibitor=exhibitor)
    data = client.get(PLAN + "booths.json").json()
    assert data["booking_open"] is True
    assert [(b["code"], b["state"], b["exhibitor"]) for b in data["booths"]] == [
        ("A01", "available", None),
        ("A02", "available", None),
        ("A03", "held", None),  # who holds it is not public
        ("A04", "available", None),
        ("A05", "available", None),
    ]
    assert data["booths"][0]["price_vnd"] == 15_000_000


def test_directory_lists_only_approved_exhibitors(
    client, event, booths, exhibitor, other_exhibitor, organizer
):
    approved = booking_request(
        booking=booth_hold(event=event, booth=booths[0], exhibitor=exhibitor), **INVOICE
    )
    booking_approve(booking=approved, by=organizer)
    booth_hold(event=event, booth=booths[1], exhibitor=other_exhibitor)
    html = client.get(PLAN + "exhibitors/").content.decode()
    assert exhibitor.name in html
    assert other_exhibitor.name not in html
    assert "Gian hàng A01 · Phần mềm và dịch vụ CNTT" in html
    assert "Giải pháp dữ liệu số." in html
    assert "Digital data solutions." in client.get("/en" + PLAN + "exhibitors/").content.decode()


def test_directory_marks_a_description_in_the_other_language(
    client, event, booths, exhibitor, other_exhibitor, organizer
):
    Exhibitor.objects.filter(pk=exhibitor.pk).update(
        description_vi="Giải pháp dữ liệu số.\nCảng thông minh.", description_en=""
    )
    Exhibitor.objects.filter(pk=other_exhibitor.pk).update(
        description_vi="", description_en="Smart port software."
    )
    for company, booth in ((exhibitor, booths[0]), (other_exhibitor, booths[1])):
        booking = booking_request(
            booking=booth_hold(event=event, booth=booth, exhibitor=company), **INVOICE
        )
        booking_approve(booking=booking, by=organizer)
    english = client.get("/en" + PLAN + "exhibitors/").content.decode()
    assert '<p lang="vi">Giải pháp dữ liệu số.<br>Cảng thông minh.</p>' in english
    assert "<p>Smart port software.</p>" in english
    vietnamese = client.get(PLAN + "exhibitors/").content.decode()
    assert "<p>Giải pháp dữ liệu số.<br>Cảng thông minh.</p>" in vietnamese
    assert '<p lang="en">Smart port software.</p>' in vietnamese


# --- Sign-up, email verification, login ------------------------------------------------------


def test_signup_verify_then_company_profile(client, event, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/exhibitor/signup/",
            {
                "full_name": "Phạm Thu Hà",
                "email": "Ha.Pham@Example.com",
                "password": "a long enough passphrase",
                "language": "vi",
            },
        )
    assert response.status_code == 200
    assert "Kiểm tra email của bạn" in response.content.decode()
    user = get_user_model().objects.get(email="ha.pham@example.com")
    assert user.is_active is False
    assert client.login(
        request=HttpRequest(), username="ha.pham@example.com", password="a long enough passphrase"
    ) is (False)
    [message] = mail.outbox
    assert message.subject == "Xác nhận địa chỉ email để tham gia triển lãm"
    link = re.search(r"http://127\.0\.0\.1:8000(/exhibitor/verify/\S+/)", message.body).group(1)

    response = client.get(link)
    assert response.status_code == 200
    assert "nhập mật khẩu bạn đã chọn khi đăng ký" in response.content.decode()
    user.refresh_from_db()
    assert user.is_active is False  # a GET changes nothing

    response = client.post(link, {"password": "not the passphrase"})
    assert response.status_code == 200
    assert "Mật khẩu không khớp với mật khẩu bạn đã chọn khi đăng ký." in (
        response.content.decode()
    )
    user.refresh_from_db()
    assert user.is_active is False  # nothing changed, the link still works

    response = client.post(link, {"password": "a long enough passphrase"})
    assert (response.status_code, response["Location"]) == (302, "/exhibitor/company/")
    user.refresh_from_db()
    assert user.is_active is True
    assert client.get(link).status_code == 400  # used once
    assert client.post(link, {"password": "a long enough passphrase"}).status_code == 400

    response = client.post(
        "/exhibitor/company/",
        {
            "name": "Công ty TNHH Cảng Xanh",
            "tax_code": "0100109106 - 002",
            "sector": "logistics",
            "logo": png_upload(),
            "description_vi": "Cảng thông minh.",
            "description_en": "Smart port.",
            "website": "cangxanh.example",
            "contact_name": "Phạm Thu Hà",
            "contact_phone": "0912 345 678",
            "contact_email": "ha.pham@example.com",
            "language": "en",
        },
    )
    assert (response.status_code, response["Location"]) == (302, "/exhibitor/")
    exhibitor = Exhibitor.objects.get()
    assert (exhibitor.name, exhibitor.tax_code, exhibitor.website) == (
        "Công ty TNHH Cảng Xanh",
        "0100109106-002",
        "https://cangxanh.example",
    )
    assert exhibitor.members.get().user == user
    assert exhibitor.members.get().role == MemberRole.OWNER
    with Image.open(exhibitor.logo.path) as logo:
        assert (logo.format, logo.size) == ("PNG", (300, 120))
    assert client.get("/exhibitor/").status_code == 200


def signup(client, email, *, ip="203.0.113.7", name="Kẻ Lạ", password="a long enough passphrase"):
    data = {"full_name": name, "email": email, "password": password, "language": "vi"}
    return client.post("/exhibitor/signup/", data, REMOTE_ADDR=ip)


def page_without_secrets(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def test_signup_with_a_confirmed_address_answers_the_same_and_tells_the_owner(
    client, exhibitor, django_capture_on_commit_callbacks
):
    """The page says the same for a known and an unknown address (never "an account
    exists"); the owner is told by email, with the login and password reset links; the
    account is untouched."""
    user = user_of(exhibitor)
    with django_capture_on_commit_callbacks(execute=True):
        known = signup(client, user.email.upper())
        unknown = signup(client, "lan@example.com")
    assert known.status_code == unknown.status_code == 200
    assert page_without_secrets(known) == page_without_secrets(unknown).replace(
        "lan@example.com", user.email.upper()
    )
    assert "Kiểm tra email của bạn" in known.content.decode()
    notice, verification = mail.outbox
    assert (notice.to, verification.to) == ([user.email], ["lan@example.com"])
    assert notice.subject == "Bạn đã có tài khoản nhà triển lãm"
    assert "http://127.0.0.1:8000/exhibitor/login/" in notice.body
    assert "http://127.0.0.1:8000/exhibitor/password/reset/" in notice.body
    assert get_user_model().objects.filter(email__iexact=user.email).count() == 1
    user.refresh_from_db()
    assert user.check_password("correct horse battery")
    assert user.first_name != "Kẻ"


def test_signups_are_limited_per_address_and_per_client(
    client, exhibitor, settings, django_capture_on_commit_callbacks, caplog
):
    """25 sign-ups of one address sent 25 emails: now 3 (the same answer after that), and
    10 per client an hour (then a translated "try later", whatever the address)."""
    settings.EMAIL_RATE_LIMIT_ADDRESS = "3/3600"
    settings.EMAIL_RATE_LIMIT_IP = "10/3600"
    known = user_of(exhibitor).email
    with django_capture_on_commit_callbacks(execute=True):
        answers = [signup(client, known, ip=f"10.0.0.{n}") for n in range(25)]
        answers += [signup(client, "ha@example.com", ip=f"10.0.1.{n}") for n in range(25)]
    assert {answer.status_code for answer in answers} == {200}
    assert {"Kiểm tra email của bạn" in answer.content.decode() for answer in answers} == {True}
    assert sorted(message.to[0] for message in mail.outbox) == ["ha@example.com"] * 3 + [known] * 3
    assert "exhibitor-signup emails to " in caplog.text
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        from_one = [signup(client, f"guest{n}@example.com", ip="10.0.2.1") for n in range(11)]
    assert len(mail.outbox) == 10
    assert "Quá nhiều lượt gửi từ mạng của bạn. Vui lòng thử lại sau." in (
        from_one[-1].content.decode()
    )
    assert not get_user_model().objects.filter(email="guest10@example.com").exists()


def reset(client, email, ip="203.0.113.7"):
    return client.post("/exhibitor/password/reset/", {"email": email}, REMOTE_ADDR=ip)


def test_password_reset_sets_a_new_password_with_a_one_use_link(
    client, exhibitor, django_capture_on_commit_callbacks
):
    user = user_of(exhibitor)
    login_page = client.get("/exhibitor/login/").content.decode()
    assert 'href="/exhibitor/password/reset/"' in login_page
    with django_capture_on_commit_callbacks(execute=True):
        sent = reset(client, user.email.upper())
    assert sent.status_code == 200
    assert f"Nếu có tài khoản nhà triển lãm dùng địa chỉ {user.email.upper()}" in (
        sent.content.decode()
    )
    [message] = mail.outbox
    assert (message.to, message.subject) == (
        [user.email],
        "Chọn mật khẩu mới cho tài khoản nhà triển lãm của bạn",
    )
    link = re.search(
        r"http://127\.0\.0\.1:8000(/exhibitor/password/reset/\S+/)", message.body
    ).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.redirect_chain[-1][0].endswith("/set-password/")  # the token leaves the URL
    assert "Lưu mật khẩu mới" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    weak = client.post(set_url, {"new_password1": "12345678", "new_password2": "12345678"})
    assert weak.status_code == 200
    user.refresh_from_db()
    assert user.check_password("correct horse battery")  # nothing changed
    saved = client.post(
        set_url,
        {"new_password1": "a brand new passphrase", "new_password2": "a brand new passphrase"},
    )
    assert (saved.status_code, saved["Location"]) == (302, "/exhibitor/login/")
    user.refresh_from_db()
    assert user.check_password("a brand new passphrase")
    again = client.get(link, follow=True)
    assert "Đường dẫn này không hợp lệ" in again.content.decode()  # one use


def test_password_reset_answers_the_same_for_unknown_and_organizer_addresses(
    client, exhibitor, organizer, django_capture_on_commit_callbacks
):
    """Organizers reset theirs in the admin; an unknown address gets the same page."""
    with django_capture_on_commit_callbacks(execute=True):
        pages = [reset(client, email) for email in ("lan@example.com", organizer.email)]
        known = reset(client, user_of(exhibitor).email)
    assert len(mail.outbox) == 1
    for page in pages:
        assert page.status_code == known.status_code == 200
        assert page_without_secrets(page).replace(
            page.context["email"], "x"
        ) == page_without_secrets(known).replace(user_of(exhibitor).email, "x")


def test_password_resets_are_limited_per_address_and_per_client(
    client, exhibitor, settings, django_capture_on_commit_callbacks
):
    """15 resets of one address sent 15 emails: now 3; then 10 per client an hour."""
    settings.EMAIL_RATE_LIMIT_ADDRESS = "3/3600"
    settings.EMAIL_RATE_LIMIT_IP = "10/3600"
    email = user_of(exhibitor).email
    with django_capture_on_commit_callbacks(execute=True):
        answers = [reset(client, email, ip=f"10.0.0.{n}") for n in range(15)]
    assert {answer.status_code for answer in answers} == {200}
    assert len(mail.outbox) == 3
    from_one = [reset(client, f"guest{n}@example.com", ip="10.0.2.1") for n in range(11)]
    assert [answer.context.get("email") for answer in from_one[:10]] == [
        f"guest{n}@example.com" for n in range(10)
    ]
    assert "Quá nhiều lượt gửi từ mạng của bạn. Vui lòng thử lại sau." in (
        from_one[-1].content.decode()
    )


def test_signup_rejects_a_weak_password(client, db):
    response = client.post(
        "/exhibitor/signup/",
        {"full_name": "X", "email": "x@example.com", "password": "12345678", "language": "vi"},
    )
    assert response.status_code == 200
    assert get_user_model().objects.count() == 0


def test_verify_link_garbage_is_a_clear_400(client, db):
    for link in [
        "/exhibitor/verify/MQ/abc-def/",
        "/exhibitor/verify/%FF%FE/x/",
        "/exhibitor/verify/zz/1-2/",
    ]:
        response = client.get(link)
        assert response.status_code == 400
        assert "Liên kết không hợp lệ hoặc đã hết hạn." in response.content.decode()


def test_login_of_an_unconfirmed_account_says_so(client, db):
    make_user("cho@example.com", password="a long enough passphrase", is_active=False)
    response = client.post(
        "/exhibitor/login/",
        {"username": "cho@example.com", "password": "a long enough passphrase"},
    )
    assert response.status_code == 200
    assert "Vui lòng xác nhận địa chỉ email trước" in response.content.decode()


def test_login_with_the_email_in_any_case(client, exhibitor):
    user = user_of(exhibitor)
    response = client.post(
        "/exhibitor/login/", {"username": user.email.upper(), "password": "correct horse battery"}
    )
    assert (response.status_code, response["Location"]) == (302, "/exhibitor/")


# --- Company profile --------------------------------------------------------------------------


def company_form(**overrides):
    data = {
        "name": "Công ty Mới",
        "tax_code": "0101248141",
        "sector": "software",
        "contact_name": "A",
        "contact_phone": "0912345678",
        "contact_email": "a@example.com",
        "language": "vi",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"tax_code": "0101248142"}, "Chữ số kiểm tra (chữ số thứ 10) của mã số thuế này không"),
        ({"tax_code": "12345"}, "Nhập mã số thuế hợp lệ"),
        ({"contact_phone": "call me"}, "Nhập số điện thoại, ví dụ 0912 345 678."),
        ({"sector": "weapons"}, "Hãy chọn một lựa chọn hợp lệ"),
        (
            {
                "logo": SimpleUploadedFile(
                    "logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/svg+xml"
                )
            },
            "Logo phải là ảnh PNG, JPEG hoặc WebP.",
        ),
        ({"logo": png_upload((5000, 40))}, "Logo quá lớn: tối đa 4000 điểm ảnh mỗi chiều."),
    ],
)
def test_company_form_refuses_bad_input_and_creates_nothing(client, db, overrides, message):
    client.force_login(make_user())
    response = client.post("/exhibitor/company/", company_form(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Exhibitor.objects.count() == 0


def test_company_form_preselects_no_sector(client, db, exhibitor):
    client.force_login(make_user())
    html = client.get("/exhibitor/company/").content.decode()
    assert '<option value="" selected>Chọn lĩnh vực…</option>' in html
    response = client.post("/exhibitor/company/", company_form(sector=""))
    assert response.status_code == 200 and Exhibitor.objects.count() == 1  # only the fixture's
    # a company's own sector is shown as chosen
    client.force_login(user_of(exhibitor))
    html = client.get("/exhibitor/company/").content.decode()
    assert f'<option value="{exhibitor.sector}" selected>' in html


def test_company_with_a_taken_tax_code_is_refused(client, exhibitor):
    client.force_login(make_user())
    response = client.post("/exhibitor/company/", company_form(tax_code=exhibitor.tax_code))
    assert "Đã có doanh nghiệp đăng ký với mã số thuế này." in response.content.decode()
    assert Exhibitor.objects.count() == 1


def test_owner_updates_the_profile(client, exhibitor):
    client.force_login(user_of(exhibitor))
    response = client.post(
        "/exhibitor/company/",
        company_form(name="Tên mới", tax_code=exhibitor.tax_code, description_en="New"),
    )
    assert response.status_code == 302
    exhibitor.refresh_from_db()
    assert (exhibitor.name, exhibitor.description_en) == ("Tên mới", "New")


# --- Booking over HTTP ------------------------------------------------------------------------


def test_pick_hold_confirm_over_http(client, event, booths, exhibitor):
    client.force_login(user_of(exhibitor))
    response = client.post(PLAN + "booths/A02/hold/")
    booking = BoothBooking.objects.get()
    assert (response.status_code, response["Location"]) == (
        302,
        f"/exhibitor/bookings/{booking.pk}/",
    )
    response = client.get(response["Location"])
    html = response.content.decode()
    assert "Gian hàng A02 được giữ cho bạn trong 30 phút" in html
    assert 'data-status="held"' in html
    response = client.post(
        f"/exhibitor/bookings/{booking.pk}/",
        {**INVOICE, "extras": ["power"], "notes": "Cần ổ cắm", "accept_tier": "on"},
        follow=True,
    )
    assert "Đã gửi yêu cầu. Ban tổ chức sẽ xác nhận qua email." in messages_of(response)
    booking.refresh_from_db()
    assert (booking.status, booking.extras, booking.notes) == ("requested", ["power"], "Cần ổ cắm")


def test_hold_of_a_taken_booth_shows_a_clear_message(
    client, event, booths, other_exhibitor, exhibitor
):
    booth_hold(event=event, booth=booths[1], exhibitor=other_exhibitor)
    client.force_login(user_of(exhibitor))
    response = client.post(PLAN + "booths/A02/hold/", follow=True)
    assert messages_of(response) == ["Gian hàng này không còn trống. Vui lòng chọn gian hàng khác."]
    assert BoothBooking.objects.filter(exhibitor=exhibitor).count() == 0


def test_hold_json_answers(client, event, booths, exhibitor, other_exhibitor):
    client.force_login(user_of(exhibitor))
    response = client.post(PLAN + "booths/A01/hold/", HTTP_ACCEPT="application/json")
    assert response.status_code == 201
    assert response.json()["booth"] == "A01"
    client.force_login(user_of(other_exhibitor))
    response = client.post(PLAN + "booths/A01/hold/", HTTP_ACCEPT="application/json")
    assert response.status_code == 409
    assert response.json() == {
        "status": "error",
        "reason": "booth_unavailable",
        "message": "Gian hàng này không còn trống. Vui lòng chọn gian hàng khác.",
    }
    response = client.post(PLAN + "booths/Z9/hold/", HTTP_ACCEPT="application/json")
    assert (response.status_code, response.json()["reason"]) == (404, "not_found")


def test_hold_needs_a_login_and_a_company(client, event, booths):
    response = client.post(PLAN + "booths/A01/hold/")
    assert response.status_code == 302
    assert response["Location"].startswith("/exhibitor/login/?next=")
    response = client.post(PLAN + "booths/A01/hold/", HTTP_ACCEPT="application/json")
    assert (response.status_code, response.json()["reason"]) == (401, "login_required")
    client.force_login(make_user())
    response = client.post(PLAN + "booths/A01/hold/")
    assert (response.status_code, response["Location"]) == (302, "/exhibitor/company/")
    assert client.get(PLAN + "booths/A01/hold/").status_code == 405
    assert BoothBooking.objects.count() == 0


def test_hold_reaches_only_the_booths_of_the_event_in_the_url(client, event, booths, exhibitor):
    other = make_event("other-expo", "Other")
    make_booths(other, count=9)  # A09 exists only there; booking is not open there
    client.force_login(user_of(exhibitor))
    assert client.post(PLAN + "booths/A09/hold/").status_code == 404
    response = client.post("/exhibition/other-expo/booths/A09/hold/", follow=True)
    assert messages_of(response) == ["Việc đặt gian hàng của sự kiện này đã đóng."]
    assert BoothBooking.objects.count() == 0


def test_confirm_form_with_junk_changes_nothing(client, event, booths, exhibitor):
    booking = booth_hold(event=event, booth=booths[0], exhibitor=exhibitor)
    client.force_login(user_of(exhibitor))
    response = client.post(
        f"/exhibitor/bookings/{booking.pk}/",
        {"extras": ["rocket"], "invoice_tax_code": "x" * 5000, "invoice_email": "nope"},
    )
    assert response.status_code == 200
    booking.refresh_from_db()
    assert booking.status == BookingStatus.HELD
    assert client.get("/exhibitor/bookings/999999999999/").status_code == 404


def test_exhibitor_cancels_over_http(client, event, booths, exhibitor):
    booking = booth_hold(event=event, booth=booths[0], exhibitor=exhibitor)
    client.force_login(user_of(exhibitor))
    response = client.post(
        f"/exhibitor/bookings/{booking.pk}/cancel/", {"reason": "Đổi kế hoạch"}, follow=True
    )
    assert messages_of(response) == ["Đã hủy đặt gian hàng."]
    booking.refresh_from_db()
    assert (booking.status, booking.reason) == ("cancelled", "Đổi kế hoạch")


def test_api_lists_my_bookings(client, event, booths, exhibitor):
    booking = booth_hold(event=event, booth=booths[0], exhibitor=exhibitor)
    client.force_login(user_of(exhibitor))
    data = client.get("/exhibitor/api/bookings/").json()
    assert [(b["id"], b["booth"], b["status"]) for b in data["bookings"]] == [
        (booking.pk, "A01", "held")
    ]
    assert client.get(f"/exhibitor/api/bookings/{booking.pk}/").json()["price_vnd"] == 15_000_000


# --- Members ------------------------------------------------------------------------------------


def test_owner_invites_a_colleague_who_accepts(
    client, exhibitor, django_capture_on_commit_callbacks
):
    client.force_login(user_of(exhibitor))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/exhibitor/members/", {"email": "Dong.Nghiep@example.com"}, follow=True
        )
    assert messages_of(response) == ["Đã gửi lời mời."]
    [message] = mail.outbox
    assert message.to == ["dong.nghiep@example.com"]
    assert message.subject == f"Tham gia {exhibitor.name} với tư cách đơn vị trưng bày"
    link = re.search(r"http://127\.0\.0\.1:8000(/exhibitor/invitations/\S+/)", message.body)[1]

    stranger = make_user("stranger@example.com")
    client.force_login(stranger)
    response = client.post(link, follow=True)
    assert messages_of(response) == ["Lời mời này được gửi tới một địa chỉ email khác."]
    assert not ExhibitorMember.objects.filter(user=stranger).exists()

    colleague = make_user("dong.nghiep@example.com")
    client.force_login(colleague)
    response = client.post(link)
    assert (response.status_code, response["Location"]) == (302, "/exhibitor/")
    member = ExhibitorMember.objects.get(user=colleague)
    assert (member.exhibitor, member.role) == (exhibitor, MemberRole.MEMBER)
    assert client.post(link).status_code == 404  # used


def test_member_who_is_not_owner_cannot_invite_or_edit(client, exhibitor):
    invitation = exhibitor_invite(
        exhibitor=exhibitor, email="member@example.com", by=user_of(exhibitor)
    )
    member_user = make_user("member@example.com")
    client.force_login(member_user)
    client.post(f"/exhibitor/invitations/{invitation.token}/")
    assert client.post("/exhibitor/members/", {"email": "x@example.com"}).status_code == 403
    response = client.post("/exhibitor/company/", company_form(tax_code=exhibitor.tax_code))
    assert response.status_code == 302
    exhibitor.refresh_from_db()
    assert exhibitor.name != "Công ty Mới"
    owner = exhibitor.members.get(role=MemberRole.OWNER)
    assert client.post(f"/exhibitor/members/{owner.pk}/remove/").status_code == 403
    assert exhibitor.members.count() == 2


def test_last_owner_cannot_be_removed(client, exhibitor):
    client.force_login(user_of(exhibitor))
    owner = exhibitor.members.get()
    response = client.post(f"/exhibitor/members/{owner.pk}/remove/", follow=True)
    assert messages_of(response) == ["Mỗi doanh nghiệp cần ít nhất một chủ tài khoản."]
    assert exhibitor.members.count() == 1


def test_second_company_for_the_same_user_is_refused(client, exhibitor):
    user = user_of(exhibitor)
    with pytest.raises(AlreadyExhibitor):
        make_exhibitor("Công ty thứ hai", user=user)
    assert Exhibitor.objects.count() == 1


def test_a_stranger_who_signed_up_first_with_the_address_never_gets_the_account(
    client, db, django_capture_on_commit_callbacks
):
    """The newest sign-up sets the password, and the link asks for it: the address owner never
    switches on an account with the stranger's password."""
    form = {"email": "ha@example.com", "language": "vi"}
    link_in = re.compile(r"http://127\.0\.0\.1:8000(/exhibitor/verify/\S+/)")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/exhibitor/signup/",
            {**form, "full_name": "Kẻ Lạ", "password": "a stranger's passphrase"},
        )
    stranger_link = link_in.search(mail.outbox[-1].body).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/exhibitor/signup/",
            {**form, "full_name": "Phạm Thu Hà", "password": "the owner's passphrase"},
        )
    assert len(mail.outbox) == 2
    owner_link = link_in.search(mail.outbox[-1].body).group(1)
    user = get_user_model().objects.get(email="ha@example.com")

    assert client.get(owner_link).status_code == 200  # a GET of the link changes nothing
    user.refresh_from_db()
    assert user.is_active is False
    assert client.post(stranger_link, {"password": "a stranger's passphrase"}).status_code == 400
    response = client.post(owner_link, {"password": "a stranger's passphrase"})
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.is_active is False

    response = client.post(owner_link, {"password": "the owner's passphrase"})
    assert (response.status_code, response["Location"]) == (302, "/exhibitor/company/")
    user.refresh_from_db()
    assert (user.is_active, user.get_full_name()) == (True, "Phạm Thu Hà")
    client.logout()
    assert (
        client.login(
            request=HttpRequest(), username="ha@example.com", password="a stranger's passphrase"
        )
        is False
    )
    assert (
        client.login(
            request=HttpRequest(), username="ha@example.com", password="the owner's passphrase"
        )
        is True
    )


WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


@pytest.mark.parametrize("status", ["held", "approved"])
def test_booking_page_get_writes_nothing(client, event, booths, exhibitor, organizer, status):
    """Even when the event's rules row is gone (an organizer deleted it in the admin), showing
    a booking reads the default quota instead of creating the row."""
    booking = booth_hold(event=event, booth=booths[0], exhibitor=exhibitor)
    if status == "approved":
        booking = booking_approve(booking=booking_request(booking=booking, **INVOICE), by=organizer)
    ExhibitionSettings.objects.filter(event=event).delete()
    client.force_login(user_of(exhibitor))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/exhibitor/bookings/{booking.pk}/")
    assert response.status_code == 200
    assert [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)] == []
    assert ExhibitionSettings.objects.filter(event=event).count() == 0
    if status == "approved":  # the default quota of a corner booth
        assert "Đã dùng 0 trên 4 thẻ nhân viên." in response.content.decode()
