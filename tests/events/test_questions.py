"""The organizer's own registration questions (issue 16, section 1), end to end: the public
form, the manage page, the CSV import, walk-ins at the door, the admin (inspect, filters,
exports, archive), the badge, and the retention purge."""

import datetime as dt
import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from core.activity import Actor
from core.models import ActivityEntry
from events.demo import SEED_DAY, load_event, load_registrations
from events.enums import QuestionKind as K
from events.exceptions import InvalidAnswer
from events.models import InvitationImport, Registration, RegistrationQuestion
from events.pdf.badges import badge_render_pdf
from events.services import registration_create, registration_update
from events.services.invitations import invitation_import_apply, invitation_import_preview
from events.services.privacy import event_purge_personal_data, registration_personal_data
from events.services.questions import event_questions, question_archive
from tests.factories.checkin import CheckInListFactory, pair_device
from tests.factories.events import make_category, make_event
from tests.factories.pdf import pdf_text

pytestmark = pytest.mark.django_db

LIST = "wagtailsnippets_events_registration:list"


@pytest.fixture(autouse=True)
def _vietnamese():
    """Vietnamese active (a request to /en/ leaves English active in the thread); the cache
    starts empty in every test (tests/conftest.py)."""
    with translation.override("vi"):
        yield


def ask(event, key, kind, label, *, label_en="", **fields):
    categories = fields.pop("categories", [])
    question = RegistrationQuestion.objects.create(
        event=event, key=key, kind=kind, label=label, label_en=label_en, **fields
    )
    question.categories.set(categories)
    return question


@pytest.fixture
def scene():
    """The demo's questions: the delegation (short text, required, on the badge) and the diet
    (one choice); a press-only date question; and the languages spoken (several choices)."""
    event = make_event()
    delegates = make_category(event, name="Đại biểu", slug="dai-bieu", name_en="Delegates")
    press = make_category(event, name="Báo chí", slug="bao-chi", name_en="Press")
    delegation = ask(
        event,
        "doan",
        K.SHORT_TEXT,
        "Đơn vị / Đoàn",
        label_en="Organisation / Delegation",
        required=True,
        print_on_badge=True,
        sort_order=1,
    )
    diet = ask(
        event,
        "an-uong",
        K.CHOICE,
        "Chế độ ăn",
        label_en="Diet",
        choices="binh-thuong | Bình thường | Normal\nchay | Chay | Vegetarian\nkhac | Khác | Other",
        sort_order=2,
    )
    deadline = ask(
        event,
        "han-bai",
        K.DATE,
        "Hạn gửi bài",
        label_en="Article deadline",
        required=True,
        categories=[press],
        sort_order=3,
    )
    spoken = ask(
        event,
        "ngon-ngu",
        K.CHOICES,
        "Ngôn ngữ",
        label_en="Languages",
        choices="vi | Tiếng Việt | Vietnamese\nen | Tiếng Anh | English",
        sort_order=4,
    )
    return type("Scene", (), locals())


def form_data(scene, **changes):
    data = {
        "full_name": "Nguyễn Văn Khoa",
        "email": "khoa@example.com",
        "phone": "0912 345 678",
        "category": scene.delegates.pk,
        "consent": "on",
        "q_doan": "Đoàn Sở TT&TT Hải Phòng",
        "q_an-uong": "chay",
        "q_ngon-ngu": ["vi", "en"],
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def register_url(event):
    return reverse("events:register", args=[event.slug])


# --- The public form ----------------------------------------------------------------------------


def test_the_public_form_asks_the_questions_in_order_and_stores_answers_by_key(client, scene):
    page = client.get(register_url(scene.event)).content.decode()
    positions = [page.index(label) for label in ("Đơn vị / Đoàn", "Chế độ ăn", "Hạn gửi bài")]
    assert positions == sorted(positions)
    assert "Chỉ dành cho: Báo chí." in page  # the press-only question says so
    marked = client.get(register_url(scene.event)).context["form"].marked_required
    assert "q_doan" in marked and "q_han-bai" not in marked  # it says "only for" instead
    assert page.index("Chế độ ăn") < page.index('name="consent"')
    english = client.get("/en" + register_url(scene.event)).content.decode()
    assert "Organisation / Delegation" in english and "Vegetarian" in english

    response = client.post(register_url(scene.event), form_data(scene))

    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.answers == {
        scene.delegation.answer_key: "Đoàn Sở TT&TT Hải Phòng",
        scene.diet.answer_key: "chay",
        scene.spoken.answer_key: ["vi", "en"],
    }  # the press-only question is not asked of a delegate


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"q_doan": "  "}, "q_doan", "Trường này là bắt buộc."),
        ({"q_an-uong": "thit"}, "q_an-uong", "Hãy chọn một lựa chọn hợp lệ."),
        ({"q_ngon-ngu": ["fr"]}, "q_ngon-ngu", "Hãy chọn một lựa chọn hợp lệ."),
    ],
)
def test_a_missing_or_invalid_answer_is_a_translated_error_and_saves_nothing(
    client, scene, changes, field, message
):
    response = client.post(register_url(scene.event), form_data(scene, **changes))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert errors[field][0].startswith(message)
    assert message in response.content.decode()
    assert not Registration.objects.exists()


def test_a_question_for_some_categories_is_required_of_them_only(client, scene):
    press = form_data(scene, category=scene.press.pk)
    refused = client.post(register_url(scene.event), press)
    assert refused.context["form"].errors == {"q_han-bai": ["Trường này là bắt buộc."]}
    bad = client.post(register_url(scene.event), {**press, "q_han-bai": "31/02/2027"})
    assert bad.context["form"].errors == {"q_han-bai": ["Nhập một ngày hợp lệ."]}
    assert not Registration.objects.exists()
    # A delegate's answer to the press question is not kept.
    client.post(register_url(scene.event), form_data(scene, **{"q_han-bai": "2027-01-15"}))
    client.post(
        register_url(scene.event), {**press, "email": "ha@example.com", "q_han-bai": "15/01/2027"}
    )
    delegate, journalist = Registration.objects.order_by("pk")
    assert scene.deadline.answer_key not in delegate.answers
    assert journalist.answers[scene.deadline.answer_key] == "2027-01-15"


def test_the_service_checks_answers_too(scene):
    with pytest.raises(InvalidAnswer) as error:
        registration_create(
            event=scene.event, category=scene.delegates, full_name="A", email="a@example.com"
        )
    assert str(error.value.message) == "“Đơn vị / Đoàn”: Trường này là bắt buộc."
    assert not Registration.objects.exists()


def test_the_form_fetches_the_questions_in_one_query(client, scene):
    with CaptureQueriesContext(connection) as queries:
        client.post(register_url(scene.event), form_data(scene))
    asked = [q["sql"] for q in queries if "registrationquestion" in q["sql"]]
    assert len(asked) == 1, asked  # the form's; the service reuses them
    with CaptureQueriesContext(connection) as queries:
        client.post(register_url(scene.event), form_data(scene, email="ha@example.com"))
    assert not [q for q in queries if "registrationquestion" in q["sql"]]  # from the cache now
    assert Registration.objects.count() == 2


# --- The manage page ----------------------------------------------------------------------------


def registered(scene, **answers):
    return registration_create(
        event=scene.event,
        category=scene.delegates,
        full_name="Trần Thị Hà",
        email="ha@example.com",
        skip_email_confirmation=True,
        answers={"doan": "Đoàn Hải Phòng", "an-uong": "binh-thuong", **answers},
    )


def test_the_manage_page_shows_the_answers_and_keeps_or_changes_them(client, scene):
    registration = registered(scene)
    summary = client.get(reverse("events:manage", args=[registration.manage_secret]))
    assert "<dt>Chế độ ăn</dt><dd>Bình thường</dd>" in summary.content.decode()
    english = client.get("/en" + reverse("events:manage", args=[registration.manage_secret]))
    assert "<dt>Diet</dt><dd>Normal</dd>" in english.content.decode()
    url = reverse("events:manage_edit", args=[registration.manage_secret])
    page = client.get(url).content.decode()
    assert 'value="Đoàn Hải Phòng"' in page
    assert "Hạn gửi bài" not in page  # not asked of a delegate
    data = {
        "full_name": "Trần Thị Hà",
        "phone": "",
        "language": "vi",
        "q_doan": "Đoàn Hải Phòng",
        "q_an-uong": "khac",
    }
    assert client.post(url, {**data, "q_doan": ""}).status_code == 200  # required
    registration.refresh_from_db()
    assert registration.answers[scene.diet.answer_key] == "binh-thuong"
    assert client.post(url, data).status_code == 302
    registration.refresh_from_db()
    assert registration.answers == {
        scene.delegation.answer_key: "Đoàn Hải Phòng",
        scene.diet.answer_key: "khac",
    }
    entry = ActivityEntry.objects.filter(action="registration.updated").get()
    assert entry.changes == {"answer:an-uong": ["binh-thuong", "khac"]}


def test_editing_a_question_after_guests_answered_keeps_their_answers(client, scene):
    registration = registered(scene)
    scene.diet.label = "Bữa trưa"
    scene.diet.choices = (
        "binh-thuong | Thường | Normal\nchay | Ăn chay | Vegetarian\nkhac | Khác | Other"
    )
    scene.diet.key = "bua-trua"
    scene.diet.save()
    registration.refresh_from_db()
    assert registration.answers[scene.diet.answer_key] == "binh-thuong"
    page = client.get(reverse("events:manage_edit", args=[registration.manage_secret]))
    assert page.context["form"]["q_bua-trua"].value() == "binh-thuong"
    # An update that leaves an answer out of the form keeps the answers to questions not asked.
    registration_update(
        registration=registration,
        by=Actor.attendee(),
        answers={"doan": "Đoàn mới", "bua-trua": "chay"},
    )
    registration.refresh_from_db()
    assert registration.answers == {
        scene.delegation.answer_key: "Đoàn mới",
        scene.diet.answer_key: "chay",
    }


# --- The CSV import -----------------------------------------------------------------------------


def test_the_csv_import_reads_a_column_per_question_by_label_or_key(scene):
    content = (
        "full_name,email,category,Đơn vị / Đoàn,Diet,ngon-ngu\n"
        "Lê Văn Một,mot@example.com,Đại biểu,Đoàn Hà Nội,Vegetarian,Tiếng Việt; en\n"
        "Lê Văn Hai,hai@example.com,Đại biểu,,chay,\n"
        "Lê Văn Ba,ba@example.com,Đại biểu,Đoàn Huế,ăn kiêng,\n"
    ).encode()
    preview = invitation_import_preview(event=scene.event, content=content)
    assert [row.action for row in preview.rows] == ["create", "reject", "reject"]
    assert preview.rows[1].reason == "“Đơn vị / Đoàn”: Trường này là bắt buộc."
    assert preview.rows[2].reason.startswith("“Chế độ ăn”: Hãy chọn một lựa chọn hợp lệ.")
    with translation.override("en"):
        english = invitation_import_preview(event=scene.event, content=content)
    assert english.rows[1].reason == "“Organisation / Delegation”: This field is required."

    invitation_import_apply(event=scene.event, content=content, file_name="khach.csv")

    one = Registration.objects.get(email="mot@example.com")
    assert one.answers == {
        scene.delegation.answer_key: "Đoàn Hà Nội",
        scene.diet.answer_key: "chay",
        scene.spoken.answer_key: ["vi", "en"],
    }
    assert InvitationImport.objects.get().rejected_count == 2


# --- Walk-ins at the door -----------------------------------------------------------------------


def test_a_walk_in_answers_the_required_questions(client, scene):
    hall = CheckInListFactory(event=scene.event, name="Hội trường")
    _device, token = pair_device(scene.event, "Cổng 1", may_register_walkins=True)
    headers = {"authorization": f"Bearer {token}", "accept-language": "vi"}
    lists = client.get("/api/checkin/lists/", headers=headers).json()["events"][0]
    assert [q["key"] for q in lists["questions"]] == ["doan", "han-bai"]  # required only
    assert lists["questions"][1]["categories"] == [scene.press.pk]

    def walkin(**data):
        body = {"list": hall.pk, "category": scene.delegates.pk, "full_name": "Lê Khách"}
        body |= {"email": "khach@example.com", **data}
        return client.post(
            "/api/checkin/walkins/",
            json.dumps(body),
            content_type="application/json",
            headers=headers,
        )

    refused = walkin()
    assert refused.status_code == 400
    assert refused.json()["message"] == "“Đơn vị / Đoàn”: Trường này là bắt buộc."
    assert not Registration.objects.exists()
    admitted = walkin(answers={"doan": "Đoàn Quảng Ninh"})
    assert admitted.status_code == 200 and admitted.json()["admitted"] is True
    assert Registration.objects.get().answers == {scene.delegation.answer_key: "Đoàn Quảng Ninh"}


# --- The admin ----------------------------------------------------------------------------------


@pytest.fixture
def organizer(client):
    user = get_user_model().objects.create_superuser("org", "org@example.com", "pw")
    client.force_login(user)
    return user


def test_the_admin_inspect_page_shows_the_answers(client, organizer, scene):
    registration = registered(scene, **{"ngon-ngu": ["en"]})
    url = reverse("wagtailsnippets_events_registration:inspect", args=[registration.pk])
    page = client.get(url).content.decode()
    assert "Đơn vị / Đoàn" in page and "Đoàn Hải Phòng" in page
    assert "Bình thường" in page and "Tiếng Anh" in page


def test_the_admin_edits_the_answers_with_the_details(client, organizer, scene):
    registration = registered(scene)
    url = reverse("wagtailsnippets_events_registration:edit", args=[registration.pk])
    page = client.get(url).content.decode()
    assert 'value="Đoàn Hải Phòng"' in page and "Chế độ ăn" in page
    assert "Hạn gửi bài" not in page  # a press question; she is a delegate
    data = {
        "full_name": "Trần Thị Hà",
        "phone": "",
        "organization": "",
        "title": "",
        "language": "vi",
        "needs": "",
        "q_doan": "",
        "q_an-uong": "chay",
    }
    refused = client.post(url, data)
    assert refused.status_code == 200 and "Trường này là bắt buộc." in refused.content.decode()
    assert client.post(url, {**data, "q_doan": "Đoàn Hà Nội"}).status_code == 302
    registration.refresh_from_db()
    assert registration.answers == {
        scene.delegation.answer_key: "Đoàn Hà Nội",
        scene.diet.answer_key: "chay",
    }
    entry = ActivityEntry.objects.filter(action="registration.updated").get()
    assert entry.actor_user == organizer
    assert entry.changes["answer:doan"] == ["Đoàn Hải Phòng", "Đoàn Hà Nội"]


def test_the_registrations_list_filters_by_a_choice(client, organizer, scene):
    registered(scene)
    registration_create(
        event=scene.event,
        category=scene.delegates,
        full_name="Phạm Chay",
        email="chay@example.com",
        skip_email_confirmation=True,
        answers={"doan": "Đoàn B", "an-uong": "chay", "ngon-ngu": ["vi", "en"]},
    )

    def listed(answer):
        response = client.get(reverse(LIST), {"answer": answer})
        assert response.status_code == 200
        return [row.full_name for row in response.context["object_list"]]

    assert listed(f"{scene.diet.pk}:chay") == ["Phạm Chay"]
    assert listed(f"{scene.diet.pk}:binh-thuong") == ["Trần Thị Hà"]
    assert listed(f"{scene.spoken.pk}:en") == ["Phạm Chay"]
    page = client.get(reverse(LIST)).content.decode()
    assert "Chế độ ăn" in page and "Bình thường" in page


def test_the_export_has_a_column_per_question_in_order(client, organizer, scene):
    registered(scene, **{"ngon-ngu": ["vi", "en"]})
    csv = client.get(reverse(LIST), {"export": "csv", "event": scene.event.pk})
    lines = b"".join(csv.streaming_content).decode("utf-8-sig").splitlines()
    header = lines[0].split(",")
    assert header[-4:] == ["Đơn vị / Đoàn", "Chế độ ăn", "Hạn gửi bài", "Ngôn ngữ"]
    assert lines[1].endswith(',Đoàn Hải Phòng,Bình thường,,"Tiếng Việt, Tiếng Anh"')
    xlsx = client.get(reverse(LIST), {"export": "xlsx", "event": scene.event.pk})
    rows = list(load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active.values)
    assert rows[0][-4:] == ("Đơn vị / Đoàn", "Chế độ ăn", "Hạn gửi bài", "Ngôn ngữ")
    assert rows[1][-4:] == ("Đoàn Hải Phòng", "Bình thường", None, "Tiếng Việt, Tiếng Anh")


def test_an_organizer_adds_a_question_in_the_admin(client, organizer, scene):
    other = make_event(slug="khac")
    foreign = make_category(other, name="Khách")
    url = reverse("wagtailsnippets_events_registrationquestion:add")
    data = {
        "event": scene.event.pk,
        "label": "Số người đi cùng",
        "label_en": "Companions",
        "key": "di-cung",
        "kind": K.NUMBER,
        "choices": "",
        "help_text": "",
        "help_text_en": "",
        "sort_order": 5,
    }
    refused = client.post(url, {**data, "categories": [foreign.pk]})
    assert "Hãy chọn các loại đại biểu thuộc sự kiện của câu hỏi." in refused.content.decode()
    second_badge = client.post(url, {**data, "print_on_badge": "on"})
    assert second_badge.status_code == 200  # one question per event on the badge
    assert (
        "Một câu hỏi khác của sự kiện này đã được chọn in lên thẻ." in second_badge.content.decode()
    )
    assert client.post(url, data).status_code == 302
    assert [q.key for q in event_questions(scene.event)][-1] == "di-cung"


def test_the_events_list_leads_to_an_events_questions(client, organizer, scene):
    ask(make_event(slug="khac"), "khac", K.SHORT_TEXT, "Câu hỏi của sự kiện khác")
    events = client.get(reverse("wagtailsnippets_events_event:list")).content.decode()
    url = reverse("wagtailsnippets_events_registrationquestion:list") + f"?event={scene.event.pk}"
    assert f'href="{url}"' in events
    listed = client.get(url).context["object_list"]
    assert [q.key for q in listed] == ["doan", "an-uong", "han-bai", "ngon-ngu"]


def test_one_question_per_event_on_the_badge_is_a_database_rule(scene):
    with pytest.raises(IntegrityError):
        ask(scene.event, "khac", K.SHORT_TEXT, "Khác", print_on_badge=True)


def test_deleting_a_question_hides_it_and_keeps_the_answers(client, organizer, scene):
    registration = registered(scene)
    url = reverse("wagtailsnippets_events_registrationquestion:delete", args=[scene.diet.pk])
    assert client.post(url).status_code == 302
    scene.diet.refresh_from_db()
    assert scene.diet.archived_at is not None
    registration.refresh_from_db()
    assert registration.answers[scene.diet.answer_key] == "binh-thuong"  # kept
    form = client.get(register_url(scene.event)).context["form"]
    assert "q_an-uong" not in form.fields and "q_doan" in form.fields
    index = client.get(reverse("wagtailsnippets_events_registrationquestion:list"))
    assert [q.key for q in index.context["object_list"]] == ["doan", "han-bai", "ngon-ngu"]
    inspect = reverse("wagtailsnippets_events_registration:inspect", args=[registration.pk])
    assert "Bình thường" not in client.get(inspect).content.decode()
    csv = client.get(reverse(LIST), {"export": "csv", "event": scene.event.pk})
    assert "Chế độ ăn" not in b"".join(csv.streaming_content).decode("utf-8-sig")
    # An update by the guest keeps the answer to the deleted question.
    registration_update(registration=registration, answers={"doan": "Đoàn C"})
    registration.refresh_from_db()
    assert registration.answers[scene.diet.answer_key] == "binh-thuong"


# --- The badge and the purge --------------------------------------------------------------------


def test_the_badge_prints_the_flagged_answer(scene):
    registration = registered(scene)
    text = pdf_text(badge_render_pdf(registration=registration))
    assert "Đoàn Hải Phòng" in text
    assert "Bình thường" not in text  # not flagged


def test_the_retention_purge_clears_the_answers(scene):
    registration = registered(scene)
    event = scene.event
    event.starts_at = timezone.now() - dt.timedelta(days=200)
    event.ends_at = event.starts_at + dt.timedelta(hours=8)
    event.save()
    event_purge_personal_data(event=event, by=Actor.system("test"))
    registration.refresh_from_db()
    assert registration.answers == {}
    assert registration.purged_at is not None


def test_the_questions_come_from_the_cache_until_one_changes(scene):
    event_questions(scene.event)
    with CaptureQueriesContext(connection) as queries:
        assert [q.key for q in event_questions(scene.event)] == [
            "doan",
            "an-uong",
            "han-bai",
            "ngon-ngu",
        ]
    assert len(queries) == 0
    scene.diet.label = "Bữa trưa"
    scene.diet.save()
    assert event_questions(scene.event)[1].label == "Bữa trưa"
    scene.deadline.categories.remove(scene.press)
    assert event_questions(scene.event)[2].category_ids == set()
    scene.spoken.delete()
    assert [q.key for q in event_questions(scene.event)] == ["doan", "an-uong", "han-bai"]


def test_the_demo_asks_the_delegation_and_the_diet_and_its_guests_answer(client):
    event = load_event(day=SEED_DAY)
    load_registrations(event)
    load_registrations(event)  # idempotent: the questions once
    delegation, diet = event_questions(event)
    assert (delegation.label, delegation.label_en) == ("Đơn vị / Đoàn", "Organisation / Delegation")
    assert (delegation.kind, delegation.required, delegation.print_on_badge) == (
        K.SHORT_TEXT,
        True,
        True,
    )
    assert [(c.key, c.label, c.label_en) for c in diet.choice_list()] == [
        ("binh-thuong", "Bình thường", "Normal"),
        ("chay", "Chay", "Vegetarian"),
        ("khac", "Khác", "Other"),
    ]
    registrations = list(Registration.objects.filter(event=event))
    assert all(r.answers[delegation.answer_key].startswith("Đoàn ") for r in registrations)
    diets = [r.answers.get(diet.answer_key) for r in registrations]
    assert set(diets) == {"binh-thuong", "chay", "khac"}
    assert diets.count("binh-thuong") > diets.count("chay") > 0
    vip = Registration.objects.filter(event=event, category__slug="khach-moi-vip").first()
    assert vip.answers[diet.answer_key] in ("binh-thuong", "chay")  # from the CSV's column
    confirmed = Registration.objects.filter(event=event, status="confirmed").first()
    text = pdf_text(badge_render_pdf(registration=confirmed))
    assert confirmed.answers[delegation.answer_key] in " ".join(text.split())


def test_the_guests_own_data_lists_their_answers_even_to_a_deleted_question(scene):
    registration = registered(scene)
    question_archive(question=scene.diet)
    data = registration_personal_data(registration=registration, by=Actor.attendee())
    assert data["registration"]["answers"] == {
        "Đơn vị / Đoàn": "Đoàn Hải Phòng",
        "Chế độ ăn": "Bình thường",
    }
