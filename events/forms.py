"""Forms of the public registration pages. They validate input; the services decide."""

import re
import secrets

from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.forms import SiteFormMixin
from core.localized import localized, localized_text
from core.phone import normalize_phone
from core.text import nfc
from events.enums import Language
from events.exceptions import InvalidPhone
from events.models import AttendeeCategory, Event, Invitation
from events.privacy_forms import consent_label
from events.selectors import category_seats_left
from events.services.questions import answers_initial, event_questions, is_empty, question_formfield
from events.services.registration import LIMITS, invitation_usable

#: At most this many seats left: the form says how many.
FEW_SEATS = 20
#: What a form key made by ``secrets.token_urlsafe`` looks like.
FORM_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")


class PhoneField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel", "type": "tel"}),
        )
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        try:
            return normalize_phone(value)
        except InvalidPhone as error:
            raise forms.ValidationError(error.message, code=error.code) from None


class NameField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", LIMITS["full_name"])
        kwargs.setdefault("widget", forms.TextInput(attrs={"autocomplete": "name"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        return " ".join(nfc(super().to_python(value)).split())


#: The form field of a question is named after its key: ``q_<key>``.
QUESTION_PREFIX = "q_"


class QuestionsMixin:
    """Adds the event's own questions (``RegistrationQuestion``) to a form, after its fields:
    ``add_questions`` makes their fields, ``answers`` are the cleaned ones keyed by the
    question's key (what the services take)."""

    questions: list = ()

    def add_questions(self, questions, *, category_id: int | None = None, marked=True) -> None:
        """Ask ``questions``: those of ``category_id`` only when given, else all (each says the
        categories it is for, and ``clean_answers`` checks required ones for the category
        chosen)."""
        self.questions = [q for q in questions if category_id is None or q.asks(category_id)]
        limited = (
            set().union(*(q.category_ids for q in self.questions)) if category_id is None else ()
        )
        names = {}
        if limited:  # one query for the categories the questions name
            categories = AttendeeCategory.objects.filter(pk__in=limited).order_by("sort_order")
            names = {c.pk: localized_text(c, "name") for c in categories}
        for question in self.questions:
            field = question_formfield(question, required=False if category_id is None else None)
            if category_id is None and question.category_ids:
                listed = ", ".join(n for pk, n in names.items() if pk in question.category_ids)
                only = _("Only for: %(categories)s.") % {"categories": listed}
                field.help_text = f"{field.help_text} {only}".strip()
            self.fields[QUESTION_PREFIX + question.key] = field
        if marked:  # a question for some categories only says so instead
            self.also_required = (
                *self.also_required,
                *(
                    QUESTION_PREFIX + q.key
                    for q in self.questions
                    if q.required and not (category_id is None and q.category_ids)
                ),
            )

    def clean_answers(self, category_id: int | None) -> None:
        """Required questions of the guest's category must be answered."""
        for question in self.questions:
            name = QUESTION_PREFIX + question.key
            if not question.required or not question.asks(category_id) or name in self.errors:
                continue
            if is_empty(self.cleaned_data.get(name)):
                self.add_error(name, forms.Field.default_error_messages["required"])

    @property
    def answers(self) -> dict:
        return {
            question.key: self.cleaned_data.get(QUESTION_PREFIX + question.key)
            for question in self.questions
        }


class RegistrantDetailsForm(SiteFormMixin, forms.Form):
    """The details a registrant can give and later change on the manage page."""

    full_name = NameField(label=_("Full name"))
    phone = PhoneField(
        label=_("Phone"), help_text=_("A Vietnamese number (0912 345 678) or +country code.")
    )
    organization = forms.CharField(
        label=_("Organization"),
        max_length=LIMITS["organization"],
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    title = forms.CharField(
        label=_("Position"),
        max_length=LIMITS["title"],
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
    )
    needs = forms.CharField(
        label=_("Accessibility or dietary needs"),
        max_length=LIMITS["needs"],
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    share_with_exhibitors = forms.BooleanField(
        label=_("Share my name, organization and email with the exhibitors (optional)."),
        required=False,
    )


class RegistrationForm(QuestionsMixin, RegistrantDetailsForm):
    """The public registration form of an event."""

    also_required = ("category",)  # unless an invitation code says the category
    summary_labels = {"consent": _("Consent")}
    honeypot = "website"

    email = forms.EmailField(
        label=_("Email"),
        max_length=LIMITS["email"],
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
    )
    category = forms.ModelChoiceField(
        label=_("Attendee category"),
        queryset=AttendeeCategory.objects.none(),
        required=False,
        empty_label=None,
        widget=forms.RadioSelect,
    )
    invitation_code = forms.CharField(
        label=_("Invitation code"),
        max_length=32,
        required=False,
        help_text=_("Invited guests and press: the code from your invitation."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    consent = forms.BooleanField(label="", required=True)
    #: A honeypot: hidden from people by CSS, filled in by bots.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    #: The idempotency key: made when the form is shown, sent back with it. The same form sent
    #: twice (a guest whose answer was lost) finds the registration it made the first time.
    form_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    field_order = [
        "full_name",
        "email",
        "phone",
        "organization",
        "title",
        "category",
        "invitation_code",
        "needs",
        "consent",
        "share_with_exhibitors",
        "website",
    ]

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.invitation: Invitation | None = None
        if not self.is_bound:
            self.initial["form_key"] = secrets.token_urlsafe(24)
        categories = event.categories.filter(is_public=True).order_by("sort_order", "name")
        self.fields["category"].queryset = categories
        # The category in the page's language (a Vietnamese fallback marked lang="vi"), with
        # the seats left when few are.
        seats = category_seats_left(event=event)
        self.fields["category"].label_from_instance = lambda category: category_choice_label(
            category, seats.get(category.pk)
        )
        if len(categories) == 1:
            self.fields["category"].initial = categories[0]
        self.fields["consent"].label = consent_label()
        self.fields["consent"].error_messages["required"] = _("Your consent is needed to register.")
        self.add_questions(event_questions(event))
        # The questions after the guest's details, before the consent.
        names = [QUESTION_PREFIX + question.key for question in self.questions]
        self.order_fields([*self.field_order[: self.field_order.index("consent")], *names])

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))

    def clean_form_key(self) -> str:
        """A key the form did not make (edited, truncated) is no key: the form still works."""
        key = self.cleaned_data["form_key"]
        return key if FORM_KEY.fullmatch(key) else ""

    def clean_invitation_code(self):
        code = self.cleaned_data["invitation_code"].strip().upper()
        if not code:
            return ""
        invitation = invitation_usable(event=self.event, code=code)
        if invitation is None:
            raise forms.ValidationError(
                _("This invitation code is unknown or has already been used."),
                code="invalid_invitation",
            )
        self.invitation = invitation
        return code

    def clean(self):
        cleaned = super().clean()
        if (
            not cleaned.get("category")
            and not self.invitation
            and "invitation_code" not in (self.errors)
        ):
            self.add_error("category", _("Choose a category."))
        category = self.invitation.category if self.invitation else cleaned.get("category")
        if category is not None:
            self.clean_answers(category.pk)
        return cleaned

    def selected_category(self) -> AttendeeCategory:
        return self.invitation.category if self.invitation else self.cleaned_data["category"]


def category_choice_label(category: AttendeeCategory, seats_left: int | None) -> str:
    """The category's name, with the seats left when few are, and the waiting list when none
    is: "Đại biểu · còn 0 chỗ: bạn sẽ vào danh sách chờ"."""
    name = localized(category, "name")
    if seats_left is None or seats_left > FEW_SEATS:
        return name.__html__()
    if seats_left == 0:
        hint = _("0 seats left: you will join the waiting list")
    else:
        hint = ngettext("%(count)d seat left", "%(count)d seats left", seats_left) % {
            "count": seats_left
        }
    return format_html("{} · {}", name, hint)


class ResendLinkForm(SiteFormMixin, forms.Form):
    email = forms.EmailField(label=_("Email"), max_length=LIMITS["email"])


class ManageDetailsForm(QuestionsMixin, RegistrantDetailsForm):
    language = forms.ChoiceField(label=_("Language of emails"), choices=Language.choices)

    def __init__(self, *args, registration, **kwargs):
        questions = event_questions(registration.event_id)
        kwargs.setdefault(
            "initial",
            {
                **{field: getattr(registration, field) for field in self.base_fields},
                **{
                    QUESTION_PREFIX + key: value
                    for key, value in answers_initial(questions, registration.answers).items()
                },
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["phone"].required = False
        self.add_questions(questions, category_id=registration.category_id)

    @property
    def details(self) -> dict:
        """The registrant's details (``registration_update``'s fields) cleaned."""
        return {name: self.cleaned_data[name] for name in self.base_fields}
