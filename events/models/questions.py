"""The organizer's own questions of an event's registration form, and how their answers are
kept: ``Registration.answers``, a JSON object keyed by the question's id (``q<id>``): a label or
a key edited later keeps the answers; a choice is stored by its key and shown translated."""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from core.localized import SOURCE_LANGUAGE
from core.text import fold
from events.enums import CHOICE_KINDS, QuestionKind
from events.models.registration import AttendeeCategory, Event

__all__ = ["RegistrationQuestion", "QuestionChoice"]

CHOICE_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,49}$")


class QuestionChoice:
    """One choice of a question: its stable key and its labels."""

    __slots__ = ("key", "label", "label_en")

    def __init__(self, key: str, label: str, label_en: str = ""):
        self.key, self.label, self.label_en = key, label, label_en

    def __repr__(self) -> str:
        return f"QuestionChoice({self.key!r}, {self.label!r}, {self.label_en!r})"


def parse_choices(text: str) -> list[QuestionChoice]:
    """The choices written one per line as ``key | Vietnamese | English`` (``Vietnamese |
    English`` or ``Vietnamese`` alone: the key is then made from the Vietnamese)."""
    choices = []
    for line in (text or "").splitlines():
        parts = [part.strip() for part in line.split("|")]
        if not any(parts):
            continue
        if len(parts) >= 3:
            key, label, label_en = parts[0], parts[1], " | ".join(parts[2:])
        else:
            label, label_en = parts[0], parts[1] if len(parts) == 2 else ""
            key = slugify(fold(label))[:50]
        choices.append(QuestionChoice(key, label, label_en))
    return choices


class RegistrationQuestion(models.Model):
    """A question an event's registration asks (public form, manage page, CSV import, the
    door's walk-ins when required). Archived (``archived_at``) instead of deleted: the
    answers stay until the retention purge clears them."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="questions", verbose_name=_("event")
    )
    key = models.SlugField(
        _("key"),
        max_length=50,
        help_text=_(
            "A short name without accents (e.g. delegation): the CSV import's column and the "
            "scanner's field. Answers stay attached when the label changes."
        ),
    )
    label = models.CharField(_("question"), max_length=255)
    label_en = models.CharField(_("question (English)"), max_length=255, blank=True)
    help_text = models.CharField(_("help text"), max_length=255, blank=True)
    help_text_en = models.CharField(_("help text (English)"), max_length=255, blank=True)
    kind = models.CharField(
        _("kind"), max_length=12, choices=QuestionKind.choices, default=QuestionKind.SHORT_TEXT
    )
    choices = models.TextField(
        _("choices"),
        blank=True,
        help_text=_(
            "One choice or several choices: one per line, written key | Vietnamese | English "
            "(e.g. chay | Chay | Vegetarian). Answers keep the key: keep it when you edit a label."
        ),
    )
    required = models.BooleanField(_("required"), default=False)
    categories = models.ManyToManyField(
        AttendeeCategory,
        blank=True,
        related_name="+",
        verbose_name=_("only for these categories"),
        help_text=_("None ticked: every category."),
    )
    print_on_badge = models.BooleanField(
        _("print on the badge"),
        default=False,
        help_text=_("The answer is printed on the badge (one question per event)."),
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    archived_at = models.DateTimeField(_("deleted at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("registration question")
        verbose_name_plural = _("registration questions")
        ordering = ["event", "sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "key"], name="question_key_unique_per_event"),
            models.UniqueConstraint(
                fields=["event"],
                condition=models.Q(print_on_badge=True, archived_at__isnull=True),
                name="one_badge_question_per_event",
                violation_error_message=_("Another question of this event is printed on badges."),
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def answer_key(self) -> str:
        """The key of this question's answer in ``Registration.answers``: ``q<id>`` (a key of
        digits alone would be read as an array index by the JSON lookups of the filters)."""
        return f"q{self.pk}"

    @property
    def is_choice(self) -> bool:
        return self.kind in CHOICE_KINDS

    def choice_list(self) -> list[QuestionChoice]:
        if not hasattr(self, "_choices"):
            self._choices = parse_choices(self.choices)
        return self._choices

    def choice_label(self, key: str, language: str = SOURCE_LANGUAGE) -> str:
        """The label of the choice ``key`` in ``language`` (Vietnamese when untranslated);
        an unknown key (a choice removed since) is shown as it is."""
        for choice in self.choice_list():
            if choice.key == key:
                return (choice.label_en if language != SOURCE_LANGUAGE else "") or choice.label
        return key

    def asks(self, category_id: int | None) -> bool:
        """Whether a guest of ``category_id`` is asked this question."""
        ids = self.category_ids
        return not ids or category_id in ids

    @property
    def category_ids(self) -> set[int]:
        """The categories it is limited to (empty: all); set by ``event_questions``."""
        if not hasattr(self, "_category_ids"):
            self._category_ids = set(self.categories.values_list("pk", flat=True))
        return self._category_ids

    @category_ids.setter
    def category_ids(self, value) -> None:
        self._category_ids = set(value)

    def clean(self):
        super().clean()
        self.key = (self.key or "").strip().lower()
        if self.kind in CHOICE_KINDS:
            choices = parse_choices(self.choices)
            if not choices:
                raise ValidationError({"choices": _("Write at least one choice.")})
            keys = [choice.key for choice in choices]
            bad = [key for key in keys if not CHOICE_KEY.match(key)]
            if bad:
                raise ValidationError(
                    {
                        "choices": _(
                            "A choice's key is made of lower-case letters without accents, "
                            "digits, - and _: “%(key)s” is not."
                        )
                        % {"key": bad[0]}
                    }
                )
            if len(set(keys)) != len(keys):
                raise ValidationError({"choices": _("Two choices have the same key.")})
        self.__dict__.pop("_choices", None)
