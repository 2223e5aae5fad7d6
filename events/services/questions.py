"""The organizer's registration questions: the form field of each (one construction for the
public form, the manage page, the admin, the CSV import and the door), the rules that clean
answers, and how a stored answer reads.

Answers live in ``Registration.answers`` keyed by the question's id: text, a choice's key, a
list of keys, true/false, a number, a date as YYYY-MM-DD. Only the questions asked of the
guest's category are kept; an archived question's answers stay (and show nowhere but the
guest's own data) until the retention purge clears them.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal

from django import forms
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import signals
from django.utils import timezone
from django.utils.translation import pgettext, pgettext_lazy

from core.activity import log_action
from core.localized import current_language, localized_data, localized_text
from core.phone import normalize_phone
from core.text import nfc
from events.enums import QuestionKind
from events.exceptions import InvalidAnswer, InvalidPhone
from events.models import Event, RegistrationQuestion

Kind = QuestionKind
#: Longest answer per kind of text.
TEXT_LIMITS = {Kind.SHORT_TEXT: 255, Kind.LONG_TEXT: 2000}
#: Dates as a browser's date input sends them, and as people type them in a spreadsheet.
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"]
YES_WORDS = {"yes", "y", "true", "1", "x", "co", "có", "đúng"}
NO_WORDS = {"no", "n", "false", "0", "khong", "không", "sai"}


#: The questions an event asks are read on every registration: kept in the shared cache for
#: this long, and dropped from it whenever a question or its categories change (``forget``).
QUESTIONS_CACHE_SECONDS = 600


def _cache_key(event_id: int) -> str:
    return f"events:questions:{event_id}"


def event_questions(
    event: Event | int, *, include_archived: bool = False
) -> list[RegistrationQuestion]:
    """The questions of ``event`` in their order, each with its ``category_ids``: one query (the
    categories come through a join, one row per question and category); the questions asked
    (not archived) come from the shared cache when they are there (the registration's hot path:
    no query). Each call returns its own copies."""
    event_id = event if isinstance(event, int) else event.pk
    if include_archived:
        return questions_of_events([event_id], include_archived=True)
    questions = cache.get(_cache_key(event_id))
    if questions is None:
        questions = questions_of_events([event_id])
        cache.set(_cache_key(event_id), questions, QUESTIONS_CACHE_SECONDS)
    return questions


def forget_event_questions(event_id: int) -> None:
    """Drop ``event_id``'s questions from the cache, now and when the transaction commits (a
    reader meanwhile may have cached what was then committed). Side effects: the cache."""
    cache.delete(_cache_key(event_id))
    transaction.on_commit(lambda: cache.delete(_cache_key(event_id)))


def _question_changed(sender, instance, **kwargs) -> None:
    forget_event_questions(instance.event_id)


def _question_categories_changed(sender, instance, action, pk_set=None, **kwargs) -> None:
    if not action.startswith("post_"):
        return
    if isinstance(instance, RegistrationQuestion):
        forget_event_questions(instance.event_id)
    else:  # from a category's side: every question it was added to or removed from
        events = RegistrationQuestion.objects.filter(pk__in=pk_set or ()).values_list("event_id")
        for (event_id,) in set(events):
            forget_event_questions(event_id)


signals.post_save.connect(_question_changed, sender=RegistrationQuestion)
signals.post_delete.connect(_question_changed, sender=RegistrationQuestion)
signals.m2m_changed.connect(
    _question_categories_changed, sender=RegistrationQuestion.categories.through
)


def questions_of_events(
    event_ids: Iterable[int], *, include_archived: bool = False, required_only: bool = False
) -> list[RegistrationQuestion]:
    """The questions of several events (by event, then in order), as ``event_questions``."""
    rows = RegistrationQuestion.objects.filter(event_id__in=list(event_ids))
    if not include_archived:
        rows = rows.filter(archived_at__isnull=True)
    if required_only:
        rows = rows.filter(required=True)
    rows = rows.annotate(limited_to=models.F("categories__id"))
    questions: dict[int, RegistrationQuestion] = {}
    for row in rows.order_by("event_id", "sort_order", "pk"):
        question = questions.setdefault(row.pk, row)
        if not hasattr(question, "_category_ids"):
            question.category_ids = ()
        if row.limited_to is not None:
            question._category_ids.add(row.limited_to)
    return list(questions.values())


def question_data(question: RegistrationQuestion) -> dict:
    """A question as JSON for a client (the scanner's walk-in form), in the active language."""
    return {
        "key": question.key,
        "kind": question.kind,
        "required": question.required,
        **localized_data(question, "label"),
        "choices": [
            {"key": choice.key, "label": question.choice_label(choice.key, current_language())}
            for choice in question.choice_list()
        ],
        "categories": sorted(question.category_ids),
    }


class YesNoField(forms.TypedChoiceField):
    """Yes or no as two radio buttons (a required question needs one of them ticked, which a
    checkbox cannot say); reads "có", "x", "1", "true"… from a spreadsheet."""

    def __init__(self, **kwargs):
        choices = [("yes", pgettext_lazy("answer", "Yes")), ("no", pgettext_lazy("answer", "No"))]
        super().__init__(choices=choices, coerce=lambda value: value == "yes", **kwargs)

    def to_python(self, value):
        if isinstance(value, bool):
            return "yes" if value else "no"
        folded = str(value or "").strip().lower()
        if folded in YES_WORDS:
            return "yes"
        if folded in NO_WORDS:
            return "no"
        return folded

    def prepare_value(self, value):
        return ("yes" if value else "no") if isinstance(value, bool) else value


class PhoneAnswerField(forms.CharField):
    """A phone number, normalised as the registration's own (``core.phone``)."""

    def __init__(self, **kwargs):
        attrs = {"inputmode": "tel", "type": "tel"}
        super().__init__(max_length=30, widget=forms.TextInput(attrs=attrs), **kwargs)

    def clean(self, value):
        value = super().clean(value)
        try:
            return normalize_phone(value)
        except InvalidPhone as error:
            raise ValidationError(error.message, code=error.code) from None


class TextAnswerField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        return nfc(value).strip() if value else value


class ChoiceAnswerField(forms.ChoiceField):
    """A choice given by its key or, from a spreadsheet, by its label in either language."""

    def __init__(self, *, question: RegistrationQuestion, **kwargs):
        self.labels = {}
        for choice in question.choice_list():
            for label in (choice.key, choice.label, choice.label_en):
                if label:
                    self.labels.setdefault(nfc(label).strip().casefold(), choice.key)
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return self.labels.get(nfc(value).strip().casefold(), value) if value else value


class ChoicesAnswerField(forms.MultipleChoiceField):
    """Several choices: a list of keys or, from a spreadsheet, labels or keys separated by ";"
    or ","."""

    def __init__(self, *, question: RegistrationQuestion, **kwargs):
        self.single = ChoiceAnswerField(question=question, choices=())
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            separator = ";" if ";" in value else ","
            value = [part for part in value.split(separator) if part.strip()]
        return [self.single.to_python(item) for item in super().to_python(value)]


def question_formfield(
    question: RegistrationQuestion, *, required: bool | None = None, language: str | None = None
) -> forms.Field:
    """The form field that asks ``question`` (label, help and choices in ``language``,
    default the active one). ``required`` overrides the question's own (the public form checks
    it itself: a question may be for some categories only)."""
    language = language or current_language()
    options = {
        "label": localized_text(question, "label", language),
        "help_text": localized_text(question, "help_text", language),
        "required": question.required if required is None else required,
    }
    kind = question.kind
    if kind in TEXT_LIMITS:
        widget = forms.Textarea(attrs={"rows": 3}) if kind == Kind.LONG_TEXT else None
        return TextAnswerField(max_length=TEXT_LIMITS[kind], widget=widget, **options)
    if kind in (Kind.CHOICE, Kind.CHOICES):
        choices = [(c.key, question.choice_label(c.key, language)) for c in question.choice_list()]
        if kind == Kind.CHOICE:
            return ChoiceAnswerField(
                question=question, choices=choices, widget=forms.RadioSelect, **options
            )
        return ChoicesAnswerField(
            question=question, choices=choices, widget=forms.CheckboxSelectMultiple, **options
        )
    if kind == Kind.YES_NO:
        return YesNoField(widget=forms.RadioSelect, **options)
    if kind == Kind.NUMBER:
        return forms.DecimalField(max_digits=15, decimal_places=4, **options)
    if kind == Kind.DATE:
        widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        return forms.DateField(input_formats=DATE_FORMATS, widget=widget, **options)
    if kind == Kind.PHONE:
        return PhoneAnswerField(**options)
    return forms.EmailField(max_length=254, **options)


def _stored(value):
    """A cleaned value as JSON keeps it."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def is_empty(value) -> bool:
    return value is None or value == "" or value == [] or value == ()


def answers_clean(
    *,
    questions: Iterable[RegistrationQuestion],
    category_id: int | None,
    answers: Mapping[str, object],
    previous: Mapping[str, object] | None = None,
) -> dict[str, object]:
    """The stored answers (``{"q<question id>": value}``) of a guest of ``category_id`` who gave
    ``answers`` (keyed by each question's ``key``): every question asked of the category is
    checked (a required one must be answered); answers to other questions are ignored.
    ``previous`` (the answers already stored, on an update) keeps the answers to questions not
    asked now (archived, or of another category). Raises InvalidAnswer (translated, naming the
    question) for the first bad answer. Side effects: none."""
    stored = dict(previous or {})
    for question in questions:
        if question.archived_at is not None or not question.asks(category_id):
            continue
        field = question_formfield(question)
        try:
            value = field.clean(answers.get(question.key))
        except ValidationError as error:
            raise InvalidAnswer(field.label, error.messages[0]) from None
        if is_empty(value):
            stored.pop(question.answer_key, None)
        else:
            stored[question.answer_key] = _stored(value)
    return stored


def answer_text(question: RegistrationQuestion, value, language: str | None = None) -> str:
    """A stored answer as people read it (choices by their label in ``language``, yes/no and
    dates in words and figures); "" when there is none."""
    language = language or current_language()
    if is_empty(value):
        return ""
    if question.kind == Kind.CHOICE:
        return question.choice_label(str(value), language)
    if question.kind == Kind.CHOICES and isinstance(value, list):
        return ", ".join(question.choice_label(str(key), language) for key in value)
    if question.kind == Kind.YES_NO:
        return pgettext("answer", "Yes") if value else pgettext("answer", "No")
    if question.kind == Kind.DATE:
        try:
            return dt.date.fromisoformat(str(value)).strftime("%d/%m/%Y")
        except ValueError:
            return str(value)
    return str(value)


def answers_display(
    questions: Iterable[RegistrationQuestion], answers: Mapping[str, object], language=None
) -> list[tuple[RegistrationQuestion, str]]:
    """``(question, answer text)`` for each question answered, in the questions' order."""
    return [
        (question, answer_text(question, answers[question.answer_key], language))
        for question in questions
        if not is_empty(answers.get(question.answer_key))
    ]


def answers_initial(
    questions: Iterable[RegistrationQuestion], answers: Mapping[str, object]
) -> dict[str, object]:
    """The stored answers as a form's initial values, keyed by the question's key."""
    return {
        question.key: answers[question.answer_key]
        for question in questions
        if question.answer_key in answers
    }


def badge_question(event_id: int) -> RegistrationQuestion | None:
    """The question of the event whose answer is printed on badges, if any. One query."""
    return RegistrationQuestion.objects.filter(
        event_id=event_id, print_on_badge=True, archived_at__isnull=True
    ).first()


def badge_answer(registration, question: RegistrationQuestion | None, language: str) -> str:
    """``registration``'s answer to ``question`` (the one printed on badges) in ``language``;
    "" when none."""
    if question is None:
        return ""
    return answer_text(question, (registration.answers or {}).get(question.answer_key), language)


def answers_changes(
    questions: Iterable[RegistrationQuestion], before: Mapping, after: Mapping
) -> dict[str, list]:
    """What changed between two stored answers, for the activity log: ``{key: [old, new]}``."""
    return {
        question.key: [before.get(question.answer_key), after.get(question.answer_key)]
        for question in questions
        if before.get(question.answer_key) != after.get(question.answer_key)
    }


def question_archive(*, question: RegistrationQuestion, by=None) -> RegistrationQuestion:
    """Delete a question the way the organizer sees it: it is no longer asked nor shown (forms,
    the admin, exports, badges), but the guests' answers stay with their registrations until
    the retention purge clears them. Idempotent. Side effects: ``archived_at`` set (and no
    longer printed on badges, so that another question may be); the activity entry
    ``question.archived`` by ``by``."""
    with transaction.atomic():
        locked = RegistrationQuestion.objects.select_for_update().get(pk=question.pk)
        if locked.archived_at is not None:
            return locked
        locked.archived_at = timezone.now()
        locked.print_on_badge = False
        locked.save(update_fields=["archived_at", "print_on_badge"])
        log_action(
            action="question.archived",
            obj=locked,
            actor=by,
            changes={"archived_at": [None, locked.archived_at]},
        )
    return locked
