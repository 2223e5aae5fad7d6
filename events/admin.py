"""The organizer's side of registration in Wagtail's admin: events, categories, registrations
(filters, accent-blind search, CSV/XLSX export, counts per status, actions), invitations with a
CSV import, and badge sheets built in the background. Registered in ``wagtail_hooks.py``."""

import secrets

import django_filters
from django import forms
from django.contrib import messages
from django.contrib.admin.utils import quote  # a helper module: the admin app is not installed
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse, reverse_lazy
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList, Panel
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.widgets import Button, HeaderButton
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from core.admin import ActivityInspectMixin
from core.converters import parse_id
from core.exports import SafeExportMixin
from core.localized import localized_text
from events import selectors
from events.enums import Language, QuestionKind, RegistrationStatus
from events.exceptions import EventsError
from events.forms import QUESTION_PREFIX, QuestionsMixin
from events.models import (
    Announcement,
    AnnouncementRecipient,
    AttendeeCategory,
    BadgeBatch,
    CheckedIn,
    CheckInList,
    Event,
    Invitation,
    InvitationImport,
    Registration,
    RegistrationQuestion,
)
from events.pdf.badges import badge_pdf_response
from events.permissions import (
    INVITE_PERMISSION,
    MANAGE_PERMISSION,
    VIEW_INVITATIONS_PERMISSION,
    VIEW_PERMISSION,
    require,
)
from events.services import (
    badge_batch_create,
    registration_approve,
    registration_cancel,
    registration_create,
    registration_promote_event_waitlist,
    registration_promote_waitlist,
    registration_reissue_badge,
    registration_reject,
    registration_resend_email,
    registration_update,
)
from events.services.announcements import (
    announcement_create,
    announcement_retry,
    announcement_segment,
    announcement_send,
    registrations_in_segment,
)
from events.services.badges import badge_batch_retry
from events.services.certificates import certificate_candidates, certificates_issue
from events.services.invitations import (
    ImportFileError,
    invitation_import_apply,
    invitation_import_preview,
)
from events.services.questions import (
    answer_text,
    answers_display,
    answers_initial,
    event_questions,
    question_archive,
    questions_of_events,
)
from events.services.registration import EDITABLE_FIELDS, TRANSITIONS
from mail.admin import emails_admin_url
from mail.permissions import VIEW_PERMISSION as MAIL_VIEW_PERMISSION

# --- Events and categories --------------------------------------------------------------------


class SeatWaitlistOnSaveMixin:
    """After an edit that may have freed seats (a capacity raised or removed): seat the
    waitlisted, in order, and say how many."""

    def promote_waitlist(self, instance) -> int:
        raise NotImplementedError

    def save_instance(self):
        instance = super().save_instance()
        promoted = self.promote_waitlist(instance)
        if promoted:
            messages.info(
                self.request,
                ngettext(
                    "%(count)d waitlisted registration got a seat.",
                    "%(count)d waitlisted registrations got a seat.",
                    promoted,
                )
                % {"count": promoted},
            )
        return instance


class CategoryEditView(SeatWaitlistOnSaveMixin, SnippetViewSet.edit_view_class):
    def promote_waitlist(self, instance) -> int:
        return registration_promote_waitlist(category=instance, by=self.request.user)


class EventEditView(SeatWaitlistOnSaveMixin, SnippetViewSet.edit_view_class):
    def promote_waitlist(self, instance) -> int:
        return registration_promote_event_waitlist(event=instance, by=self.request.user)


def personal_data_state(event: Event) -> str:
    """When the event's personal data will be (or was) anonymised, for the events list."""
    if event.personal_data_purged_at is not None:
        when = timezone.localtime(event.personal_data_purged_at)
        return _("Deleted on %(date)s") % {"date": date_format(when, "d/m/Y")}
    when = timezone.localtime(event.personal_data_purge_at)
    return _("To be deleted on %(date)s") % {"date": date_format(when, "d/m/Y")}


def _with_english(field: str) -> FieldRowPanel:
    """The Vietnamese field and its English version side by side."""
    return FieldRowPanel([FieldPanel(field), FieldPanel(f"{field}_en")])


class EventIndexView(SnippetViewSet.index_view_class):
    def get_list_more_buttons(self, instance):
        buttons = list(super().get_list_more_buttons(instance))
        if self.request.user.has_perm(MANAGE_PERMISSION):
            url = reverse("events_certificates", args=[instance.pk])
            buttons.append(Button(_("Certificates"), url=url, icon_name="doc-full", priority=40))
        url = reverse("wagtailsnippets_events_registrationquestion:list") + f"?event={instance.pk}"
        buttons.append(Button(_("Registration questions"), url=url, icon_name="help", priority=45))
        return buttons


class EventViewSet(SnippetViewSet):
    add_to_reference_index = False
    model = Event
    index_view_class = EventIndexView
    edit_view_class = EventEditView
    icon = "date"
    menu_label = _("Events")
    add_to_admin_menu = False
    list_display = [
        "name",
        "starts_at",
        "venue",
        "capacity",
        "registration_opens_at",
        Column("personal_data", label=_("Personal data"), accessor=personal_data_state),
    ]
    search_fields = ["name", "slug", "venue"]
    copy_view_enabled = False
    panels = [
        _with_english("name"),
        "slug",
        _with_english("theme"),
        "starts_at",
        "ends_at",
        _with_english("venue"),
        _with_english("venue_address"),
        "venue_locality",
        "venue_region",
        "venue_postal_code",
        "venue_country",
        "map_url",
        "reminder_enabled",
        _with_english("organizer"),
        "contact_email",
        "capacity",
        "registration_opens_at",
        "registration_closes_at",
        "retention_days",
    ]


class CategoryIndexView(SnippetViewSet.index_view_class):
    def get_base_queryset(self):
        return selectors.categories_with_counts(super().get_base_queryset())


class AttendeeCategoryViewSet(SnippetViewSet):
    add_to_reference_index = False
    model = AttendeeCategory
    icon = "group"
    menu_label = _("Attendee categories")
    add_to_admin_menu = False
    index_view_class = CategoryIndexView
    edit_view_class = CategoryEditView
    copy_view_enabled = False
    list_display = [
        "name",
        "event",
        "capacity",
        Column("confirmed", label=_("Confirmed")),
        Column("waitlisted", label=_("Waitlisted")),
        Column("pending", label=_("Pending")),
        BooleanColumn("is_public", label=_("public")),
        BooleanColumn("needs_approval", label=_("needs approval")),
    ]
    list_filter = ["event", "is_public", "needs_approval"]
    search_fields = ["name", "slug"]
    panels = [
        "event",
        _with_english("name"),
        "slug",
        "capacity",
        "is_public",
        "needs_approval",
        FieldPanel("badge_colour", widget=forms.TextInput(attrs={"type": "color"})),
        "sort_order",
    ]


# --- Registration questions -------------------------------------------------------------------


class QuestionForm(WagtailAdminModelForm):
    """A question's categories must be of its event; one question per event is printed on
    badges (the database's rule too, ``one_badge_question_per_event``: said here as a field's
    error, the form does not see ``archived_at``)."""

    def clean(self):
        cleaned = super().clean()
        event, categories = cleaned.get("event"), cleaned.get("categories")
        if event is not None and categories and any(c.event_id != event.pk for c in categories):
            self.add_error("categories", _("Choose categories of the question's event."))
        if event is not None and cleaned.get("print_on_badge"):
            others = RegistrationQuestion.objects.filter(
                event=event, print_on_badge=True, archived_at__isnull=True
            ).exclude(pk=self.instance.pk)
            if others.exists():
                self.add_error(
                    "print_on_badge", _("Another question of this event is printed on badges.")
                )
        return cleaned


class QuestionIndexView(SnippetViewSet.index_view_class):
    """Deleted (archived) questions are hidden; their answers are kept."""

    def get_base_queryset(self):
        return super().get_base_queryset().filter(archived_at__isnull=True).select_related("event")


class QuestionDeleteView(SnippetViewSet.delete_view_class):
    """Deleting a question archives it (``question_archive``): the answers stay."""

    def delete_action(self):
        question_archive(question=self.object, by=self.request.user)


class RegistrationQuestionViewSet(SnippetViewSet):
    add_to_reference_index = False
    model = RegistrationQuestion
    icon = "help"
    menu_label = _("Registration questions")
    add_to_admin_menu = False
    index_view_class = QuestionIndexView
    delete_view_class = QuestionDeleteView
    copy_view_enabled = False
    list_display = [
        "label",
        "event",
        "kind",
        BooleanColumn("required", label=_("required")),
        BooleanColumn("print_on_badge", label=_("print on the badge")),
        "sort_order",
    ]
    list_filter = ["event", "kind", "required"]
    search_fields = ["label", "label_en", "key"]
    ordering = ["event", "sort_order", "pk"]
    edit_handler = ObjectList(
        [
            FieldPanel("event"),
            _with_english("label"),
            FieldPanel("key"),
            FieldPanel("kind"),
            FieldPanel("choices"),
            _with_english("help_text"),
            FieldPanel("required"),
            FieldPanel("categories", widget=forms.CheckboxSelectMultiple),
            FieldPanel("print_on_badge"),
            FieldPanel("sort_order"),
        ],
        base_form_class=QuestionForm,
    )


# --- Registrations ----------------------------------------------------------------------------

#: action name → (label, service call (registration, user, reason="")); the user and the reason
#: go to the activity log.
ACTIONS = {
    "approve": (
        _("Approve"),
        lambda r, u, reason="": registration_approve(registration=r, by=u, reason=reason),
    ),
    "reject": (
        _("Reject"),
        lambda r, u, reason="": registration_reject(registration=r, by=u, reason=reason),
    ),
    "cancel": (
        _("Cancel"),
        lambda r, u, reason="": registration_cancel(registration=r, by=u, reason=reason),
    ),
    "resend": (
        _("Resend email"),
        lambda r, u, reason="": registration_resend_email(registration=r),
    ),
    "reissue": (
        _("Reissue badge"),
        lambda r, u, reason="": registration_reissue_badge(registration=r, by=u, reason=reason),
    ),
}
ACTION_ICONS = {
    "approve": "check",
    "reject": "cross",
    "cancel": "bin",
    "resend": "mail",
    "reissue": "rotate",
}
#: Where each action's button shows: the statuses the service accepts.
ACTION_STATUSES = {action: TRANSITIONS[action] for action in ACTIONS}


def run_action(action: str, registrations, user, reason: str = "") -> tuple[int, int]:
    """Apply ``action`` to each registration, by ``user`` for ``reason`` (both go to the
    activity log); returns (done, skipped)."""
    _label, call = ACTIONS[action]
    done = skipped = 0
    for registration in registrations:
        if registration.status not in ACTION_STATUSES[action]:
            skipped += 1
            continue
        try:
            call(registration, user, reason)
        except EventsError:
            skipped += 1
        else:
            done += 1
    return done, skipped


def answer_filter_choices() -> list:
    """The answers the registrations list filters by: each choice (and yes/no) question's
    answers, grouped by question, valued ``<question id>:<choice key>``."""
    groups = []
    for question in questions_of_events(Event.objects.values_list("pk", flat=True)):
        if question.is_choice:
            keys = [choice.key for choice in question.choice_list()]
        elif question.kind == QuestionKind.YES_NO:
            keys = ["yes", "no"]
        else:
            continue
        value = True if question.kind == QuestionKind.YES_NO else None
        options = [
            (f"{question.pk}:{key}", answer_text(question, key if value is None else key == "yes"))
            for key in keys
        ]
        groups.append((localized_text(question, "label"), options))
    return groups


class RegistrationFilterSet(WagtailFilterSet):
    answer = django_filters.ChoiceFilter(
        label=_("Answer"), method="filter_answer", choices=answer_filter_choices
    )
    unsubscribed = django_filters.BooleanFilter(
        label=_("Unsubscribed from announcements"), method="filter_unsubscribed"
    )

    class Meta:
        model = Registration
        fields = ["status", "category", "event", "data_basis"]

    def filter_unsubscribed(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(unsubscribed_at__isnull=not value)

    def filter_answer(self, queryset, name, value):
        """Registrations that gave this answer: a choice's key, a key among several, yes/no."""
        pk, _sep, key = value.partition(":")
        question = RegistrationQuestion.objects.filter(pk=parse_id(pk) or 0).first()
        if question is None:
            return queryset.none()
        lookup = f"answers__{question.answer_key}"
        if question.kind == QuestionKind.CHOICES:
            # The JSON list's text holds the key in quotes (keys are letters, digits, - and _).
            return queryset.filter(**{f"{lookup}__icontains": f'"{key}"'})
        if question.kind == QuestionKind.YES_NO:
            return queryset.filter(**{lookup: key == "yes"})
        return queryset.filter(**{lookup: key})


#: A column of the export that holds the answers to a question: ``answer:<question id>``.
ANSWER_COLUMN = "answer:"


class RegistrationIndexView(SafeExportMixin, SnippetViewSet.index_view_class):
    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        if self.is_export:
            self.add_answer_columns(request)

    def add_answer_columns(self, request) -> None:
        """A column per question, in order (the questions of the events filtered, else of all
        events), headed by its label; deleted (archived) questions are not exported."""
        event_ids = [n for v in request.GET.getlist("event") if (n := parse_id(v))]
        if not event_ids:
            event_ids = list(Event.objects.values_list("pk", flat=True))
        questions = questions_of_events(event_ids)
        several = len({question.event_id for question in questions}) > 1
        self.answer_questions = {}
        headings = dict(self.export_headings)
        for question in questions:
            column = f"{ANSWER_COLUMN}{question.pk}"
            self.answer_questions[column] = question
            label = localized_text(question, "label")
            headings[column] = f"{question.event} · {label}" if several else label
        self.list_export = [*self.list_export, *self.answer_questions]
        self.export_headings = headings

    def export_value(self, item, field: str):
        question = getattr(self, "answer_questions", {}).get(field)
        if question is None:
            return super().export_value(item, field)
        value = (item.answers or {}).get(question.answer_key)
        if question.kind == QuestionKind.NUMBER and isinstance(value, int | float):
            return value
        return answer_text(question, value)

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("category", "event")

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        return selectors.registration_search(queryset, self.search_query)

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        counted = Registration.objects.all()
        for field in ("event", "category"):
            values = [n for v in self.request.GET.getlist(field) if (n := parse_id(v))]
            if values:
                counted = counted.filter(**{f"{field}__in": values})
        context["status_counts"] = selectors.registration_status_counts(counted)
        context["index_url_for_counts"] = self.index_url
        return context

    def get_list_more_buttons(self, instance):
        buttons = list(super().get_list_more_buttons(instance))
        for priority, (action, (label, _call)) in enumerate(ACTIONS.items(), start=30):
            if instance.status in ACTION_STATUSES[action]:
                url = reverse(self.registration_action_url_name, args=[quote(instance.pk), action])
                buttons.append(
                    Button(label, url=url, icon_name=ACTION_ICONS[action], priority=priority)
                )
        if instance.status == RegistrationStatus.CONFIRMED:
            url = reverse(self.registration_badge_url_name, args=[quote(instance.pk)])
            buttons.append(Button(_("Badge (PDF)"), url=url, icon_name="doc-full", priority=40))
        if self.request.user.has_perm(MAIL_VIEW_PERMISSION):
            url = emails_admin_url(instance)
            buttons.append(Button(_("Emails"), url=url, icon_name="mail", priority=45))
        return buttons

    @cached_property
    def registration_action_url_name(self):
        return self.index_url_name.replace(":list", ":action")

    @cached_property
    def registration_badge_url_name(self):
        return self.index_url_name.replace(":list", ":badge")


class ServiceErrorsMixin:
    """A domain error raised while saving becomes a form error, not a 500."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except EventsError as error:
            form.add_error(None, error.message)
            self.produced_error_message = error.message
            return self.form_invalid(form)


class RegistrationCreateView(ServiceErrorsMixin, SnippetViewSet.add_view_class):
    def save_instance(self):
        data = self.form.cleaned_data
        return registration_create(
            event=data["category"].event,
            category=data["category"],
            full_name=data["full_name"],
            email=data["email"],
            phone=data.get("phone", ""),
            organization=data.get("organization", ""),
            title=data.get("title", ""),
            language=data.get("language", "vi"),
            needs=data.get("needs", ""),
            share_with_exhibitors=data.get("share_with_exhibitors", False),
            skip_email_confirmation=True,
            created_by=self.request.user,
        )


class RegistrationEditForm(QuestionsMixin, WagtailAdminModelForm):
    """The registrant's details and their answers to the questions of their category."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        registration = self.instance
        questions = event_questions(registration.event_id)
        self.add_questions(questions, category_id=registration.category_id, marked=False)
        for key, value in answers_initial(questions, registration.answers).items():
            self.initial[QUESTION_PREFIX + key] = value


class AnswersPanel(Panel):
    """The question fields the form added (``RegistrationEditForm``), below the details."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "events/admin/answers_panel.html"

        def is_shown(self):
            return bool(getattr(self.form, "questions", ()))

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            names = [QUESTION_PREFIX + question.key for question in self.form.questions]
            context["fields"] = [self.form[name] for name in names]
            return context


class RegistrationEditView(ServiceErrorsMixin, SnippetViewSet.edit_view_class):
    def save_instance(self):
        original = Registration.objects.get(pk=self.object.pk)
        changes = {
            f: self.form.cleaned_data[f] for f in EDITABLE_FIELDS if f in self.form.cleaned_data
        }
        return registration_update(
            registration=original, by=self.request.user, answers=self.form.answers, **changes
        )


class RegistrationDeleteView(SnippetViewSet.delete_view_class):
    """Deleting (a data-protection request, say) first cancels, so that a held seat goes to
    the waitlist."""

    def delete_action(self):
        registration_cancel(registration=self.object, by=self.request.user, reason="deleted")
        return super().delete_action()


class RegistrationInspectView(ActivityInspectMixin, SnippetViewSet.inspect_view_class):
    """The registration's details, its answers to the event's questions and, last, its activity
    (who approved, cancelled, edited)."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        questions = event_questions(self.object.event_id)
        answers = [
            {"label": localized_text(question, "label"), "value": text}
            for question, text in answers_display(questions, self.object.answers)
        ]
        # Before the activity, which the mixin puts last.
        context["fields"][-1:-1] = answers
        return context


class RegistrationViewSet(SnippetViewSet):
    #: No Wagtail reference index: it would add queries to every save of these rows.
    add_to_reference_index = False
    model = Registration
    icon = "user"
    menu_label = _("Registrations")
    add_to_admin_menu = False
    index_view_class = RegistrationIndexView
    index_results_template_name = "events/admin/registration_index_results.html"
    add_view_class = RegistrationCreateView
    edit_view_class = RegistrationEditView
    delete_view_class = RegistrationDeleteView
    inspect_view_class = RegistrationInspectView
    copy_view_enabled = False
    inspect_view_enabled = True
    list_per_page = 50
    list_display = ["full_name", "email", "organization", "category", "status", "created_at"]
    filterset_class = RegistrationFilterSet
    search_fields = ["search_key"]
    ordering = ["-created_at", "-id"]
    list_export = [
        "full_name",
        "email",
        "phone",
        "organization",
        "title",
        "category",
        "status",
        "language",
        "needs",
        "share_with_exhibitors",
        "created_at",
        "confirmed_at",
        "unsubscribed_at",
    ]
    export_headings = {"category": _("Attendee category")}
    export_filename = "registrations"
    inspect_view_fields = [
        "full_name",
        "email",
        "phone",
        "organization",
        "title",
        "event",
        "category",
        "status",
        "language",
        "needs",
        "share_with_exhibitors",
        "data_basis",
        "consent_at",
        "consent_version",
        "purged_at",
        "purge_reason",
        "created_at",
        "email_confirmed_at",
        "approved_at",
        "confirmed_at",
        "waitlisted_at",
        "cancelled_at",
        "badge_issued_at",
        "unsubscribed_at",
    ]

    def _with_panel(self, kwargs: dict, fields, *more, base_form_class=None) -> dict:
        panels = [FieldPanel(field) for field in fields] + list(more)
        panel = ObjectList(panels, base_form_class=base_form_class).bind_to_model(Registration)
        return {**kwargs, "panel": panel, "form_class": panel.get_form_class()}

    def get_add_view_kwargs(self, **kwargs):
        fields = ["category", "full_name", "email", *EDITABLE_FIELDS[1:]]
        return self._with_panel(super().get_add_view_kwargs(**kwargs), fields)

    def get_edit_view_kwargs(self, **kwargs):
        return self._with_panel(
            super().get_edit_view_kwargs(**kwargs),
            EDITABLE_FIELDS,
            AnswersPanel(heading=_("Answers")),
            base_form_class=RegistrationEditForm,
        )

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("action/<id:pk>/<slug:action>/", self.action_view, name="action"),
            path("badge/<id:pk>/", self.badge_view, name="badge"),
        ]

    def action_view(self, request, pk: int, action: str):
        require(request)
        if action not in ACTIONS:
            raise Http404
        registration = get_object_or_404(Registration.objects.select_related("category"), pk=pk)
        label = ACTIONS[action][0]
        if request.method == "POST":
            reason = request.POST.get("reason", "").strip()[:500]
            done, _skipped = run_action(action, [registration], request.user, reason)
            if done:
                messages.success(request, _("%(action)s: done.") % {"action": label})
            else:
                messages.error(
                    request,
                    _("%(action)s is not possible for this registration now.") % {"action": label},
                )
            return redirect(self.get_url_name("list"))
        return TemplateResponse(
            request,
            "events/admin/registration_action.html",
            {"registration": registration, "action": action, "label": label},
        )

    def badge_view(self, request, pk: int):
        require(request, VIEW_PERMISSION)
        registration = get_object_or_404(
            Registration.objects.select_related("event", "category"),
            pk=pk,
            status=RegistrationStatus.CONFIRMED,
        )
        return badge_pdf_response(registration)


class RegistrationBulkAction(SnippetBulkAction):
    models = [Registration]
    template_name = "events/admin/registration_bulk_action.html"
    action = ""

    def check_perm(self, obj):
        return self.request.user.has_perm(MANAGE_PERMISSION)

    @classmethod
    def execute_action(cls, objects, user=None, **kwargs):
        done, skipped = run_action(cls.action, objects, user)
        kwargs["self"].skipped = skipped
        return done, 0

    def get_execution_context(self):
        return {**super().get_execution_context(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "label": self.display_name}

    def get_success_message(self, num_parent_objects, num_child_objects):
        message = ngettext(
            "%(action)s: %(count)d registration.",
            "%(action)s: %(count)d registrations.",
            num_parent_objects,
        ) % {"action": self.display_name, "count": num_parent_objects}
        if getattr(self, "skipped", 0):
            message += " " + ngettext(
                "%(count)d skipped (not possible in its status).",
                "%(count)d skipped (not possible in their status).",
                self.skipped,
            ) % {"count": self.skipped}
        return message


def _bulk_action(name: str, priority: int) -> type[RegistrationBulkAction]:
    label = ACTIONS[name][0]
    return type(
        f"Registration{name.title()}BulkAction",
        (RegistrationBulkAction,),
        {
            "display_name": label,
            "action_type": f"registration_{name}",
            "aria_label": label,
            "action": name,
            "action_priority": priority,
        },
    )


BULK_ACTIONS = [_bulk_action(name, 10 + i) for i, name in enumerate(ACTIONS)]


class RegistrationBadgesBulkAction(RegistrationBulkAction):
    display_name = _("Badge sheets (PDF)")
    action_type = "registration_badges"
    aria_label = _("Build badge sheets of the selected registrations")
    action_priority = 5

    def check_perm(self, obj):
        return obj.status == RegistrationStatus.CONFIRMED and self.request.user.has_perm(
            MANAGE_PERMISSION
        )

    @classmethod
    def execute_action(cls, objects, user=None, **kwargs):
        if not objects:
            return 0, 0
        batch = badge_batch_create(event=objects[0].event, registrations=objects, by=user)
        kwargs["self"].batch = batch
        return len(batch.registration_ids), 0

    def form_valid(self, form):
        response = super().form_valid(form)
        batch = getattr(self, "batch", None)
        return redirect("events_badge_batch", batch.pk) if batch else response

    def get_success_message(self, num_parent_objects, num_child_objects):
        return _("Badge sheets are being built.")


# --- Invitations ------------------------------------------------------------------------------


class InvitationIndexView(SnippetViewSet.index_view_class):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("category", "registration")

    @cached_property
    def header_buttons(self):
        return [
            *super().header_buttons,
            HeaderButton(
                _("Import a CSV"), url=reverse("events_invitation_import"), icon_name="upload"
            ),
        ]


class InvitationViewSet(SnippetViewSet):
    add_to_reference_index = False
    model = Invitation
    icon = "mail"
    menu_label = _("Invitations")
    add_to_admin_menu = False
    copy_view_enabled = False
    list_display = ["code", "full_name", "email", "category", "registration", "created_at"]
    list_filter = ["event", "category"]
    search_fields = ["code", "full_name", "email"]
    panels = ["event", "category", "full_name", "email", "note"]
    index_view_class = InvitationIndexView


class InvitationImportForm(forms.Form):
    event = forms.ModelChoiceField(label=_("Event"), queryset=Event.objects.all())
    default_category = forms.ModelChoiceField(
        label=_("Category for rows without one"),
        queryset=AttendeeCategory.objects.select_related("event"),
        required=False,
    )
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "UTF-8, first row with column names: full_name, email, phone, organization, title, "
            "category, language, note (Vietnamese names such as “họ tên”, “đơn vị” work too), "
            "and a column per registration question of the event, named by its label or key."
        ),
    )


#: An uploaded invitation file waits on the server (the shared cache) between preview and
#: confirmation for this long; the session holds only its random key.
IMPORT_UPLOAD_SECONDS = 3600
IMPORT_SESSION_KEY = "invitation_import_uploads"


def _keep_upload(request, **upload) -> str:
    """Store an uploaded file for its confirmation; returns its random key (kept in the
    session: only this user's session can confirm it)."""
    key = secrets.token_urlsafe(16)
    cache.set(f"invitation-import:{key}", upload, IMPORT_UPLOAD_SECONDS)
    request.session[IMPORT_SESSION_KEY] = [*request.session.get(IMPORT_SESSION_KEY, [])[-4:], key]
    return key


def _take_upload(request, key: str) -> dict | None:
    """The upload stored under ``key`` by this session, removed from the store; or None."""
    if not isinstance(key, str) or key not in request.session.get(IMPORT_SESSION_KEY, []):
        return None
    upload = cache.get(f"invitation-import:{key}")
    cache.delete(f"invitation-import:{key}")
    request.session[IMPORT_SESSION_KEY] = [
        kept for kept in request.session[IMPORT_SESSION_KEY] if kept != key
    ]
    return upload


def _import_confirm(request):
    upload = _take_upload(request, request.POST.get("upload"))
    if upload is None:
        messages.error(request, _("The preview has expired: upload the file again."))
        return redirect("events_invitation_import")
    event = get_object_or_404(Event, pk=upload["event"])
    category = AttendeeCategory.objects.filter(pk=upload["category"], event=event).first()
    try:
        record = invitation_import_apply(
            event=event,
            content=upload["content"],
            file_name=upload["file_name"],
            default_category=category,
            by=request.user,
        )
    except ImportFileError as error:
        messages.error(request, error.message)
        return redirect("events_invitation_import")
    messages.success(
        request,
        _(
            "Import done: %(created)d created, %(skipped)d already registered, "
            "%(rejected)d rejected."
        )
        % {
            "created": record.created_count,
            "skipped": record.skipped_count,
            "rejected": record.rejected_count,
        },
    )
    return redirect("events_invitation_import_report", record.pk)


def invitation_import_view(request):
    """Upload → preview (nothing written) → import. Between preview and import the file waits
    on the server under a random key held in the session; the form sends back only that key."""
    require(request, INVITE_PERMISSION)
    context = {"form": None, "preview": None}
    if request.method == "POST" and request.POST.get("confirm"):
        return _import_confirm(request)
    if request.method == "POST":
        form = InvitationImportForm(request.POST, request.FILES)
        if form.is_valid():
            event = form.cleaned_data["event"]
            category = form.cleaned_data["default_category"]
            if category is not None and category.event_id != event.pk:
                form.add_error("default_category", _("This category belongs to another event."))
            else:
                content = form.cleaned_data["file"].read()
                try:
                    preview = invitation_import_preview(
                        event=event, content=content, default_category=category
                    )
                except ImportFileError as error:
                    form.add_error("file", error.message)
                else:
                    file_name = form.cleaned_data["file"].name
                    context.update(
                        preview=preview,
                        event=event,
                        category=category,
                        file_name=file_name,
                        upload=_keep_upload(
                            request,
                            content=content,
                            event=event.pk,
                            category=category.pk if category else None,
                            file_name=file_name,
                        ),
                    )
    else:
        form = InvitationImportForm()
    context["form"] = form
    return TemplateResponse(request, "events/admin/invitation_import.html", context)


def invitation_import_report_view(request, pk: int):
    require(request, VIEW_INVITATIONS_PERMISSION)
    record = get_object_or_404(InvitationImport.objects.select_related("event"), pk=pk)
    return TemplateResponse(
        request, "events/admin/invitation_import_report.html", {"record": record}
    )


# --- Badge sheets -----------------------------------------------------------------------------


class BadgeBatchForm(forms.Form):
    event = forms.ModelChoiceField(label=_("Event"), queryset=Event.objects.all())
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=AttendeeCategory.objects.select_related("event"),
        required=False,
        help_text=_("Empty: every confirmed registration of the event."),
    )


def badge_batch_list_view(request):
    require(request)
    if request.method == "POST":
        form = BadgeBatchForm(request.POST)
        if form.is_valid():
            category = form.cleaned_data["category"]
            event = form.cleaned_data["event"]
            if category is not None and category.event_id != event.pk:
                form.add_error("category", _("This category belongs to another event."))
            else:
                batch = badge_batch_create(event=event, category=category, by=request.user)
                return redirect("events_badge_batch", batch.pk)
    else:
        form = BadgeBatchForm(initial={"event": Event.objects.order_by("-starts_at").first()})
    batches = BadgeBatch.objects.select_related("event", "category")[:30]
    return TemplateResponse(
        request, "events/admin/badge_batches.html", {"form": form, "batches": batches}
    )


def badge_batch_view(request, pk: int):
    require(request)
    batch = get_object_or_404(BadgeBatch.objects.select_related("event", "category"), pk=pk)
    if request.GET.get("format") == "json":
        return JsonResponse(
            {
                "status": batch.status,
                "done": batch.done,
                "total": batch.total,
                "percent": batch.progress_percent,
            }
        )
    return TemplateResponse(request, "events/admin/badge_batch.html", {"batch": batch})


def badge_batch_retry_view(request, pk: int):
    """POST: build a failed or stuck batch again (``badge_batch_retry``)."""
    require(request)
    if request.method != "POST":
        return redirect("events_badge_batch", pk)
    batch = get_object_or_404(BadgeBatch, pk=pk)
    try:
        badge_batch_retry(batch=batch, by=request.user)
    except EventsError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The badge sheets are being built again."))
    return redirect("events_badge_batch", pk)


def badge_batch_download_view(request, pk: int):
    require(request)
    batch = get_object_or_404(BadgeBatch, pk=pk, status=BadgeBatch.Status.DONE)
    if not batch.file:
        raise Http404
    return FileResponse(
        batch.file.open("rb"),
        as_attachment=True,
        filename=batch.file.name.rsplit("/", 1)[-1],
        content_type="application/pdf",
    )


class RegistrationViewSetGroup(SnippetViewSetGroup):
    menu_label = _("Registration")
    menu_icon = "form"
    menu_order = 250
    items = (
        RegistrationViewSet,
        AttendeeCategoryViewSet,
        RegistrationQuestionViewSet,
        InvitationViewSet,
        EventViewSet,
    )

    def get_submenu_items(self):
        items = super().get_submenu_items()
        items.append(
            MenuItem(
                _("Badge sheets"),
                reverse_lazy("events_badge_batches"),
                icon_name="doc-full",
                order=len(items) + 1,
            )
        )
        items.append(
            MenuItem(
                _("Announcements"),
                reverse_lazy("events_announcements"),
                icon_name="mail",
                order=len(items) + 1,
            )
        )
        return items


# --- Announcements ----------------------------------------------------------------------------


class AnnouncementForm(forms.Form):
    """An announcement and its segment, for one event (its categories and lists)."""

    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("Message"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Plain text; an empty line starts a new paragraph."),
    )
    subject_en = forms.CharField(label=_("Subject (English)"), max_length=200, required=False)
    body_en = forms.CharField(
        label=_("Message (English)"),
        max_length=10000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Empty: guests who chose English get the Vietnamese message."),
    )
    categories = forms.ModelMultipleChoiceField(
        label=_("Attendee categories"),
        queryset=AttendeeCategory.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every category."),
    )
    statuses = forms.MultipleChoiceField(
        label=_("Registration statuses"),
        choices=RegistrationStatus.choices,
        required=False,
        initial=[RegistrationStatus.CONFIRMED],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: confirmed only."),
    )
    checkin_list = forms.ModelChoiceField(
        label=_("Check-in list"), queryset=CheckInList.objects.none(), required=False
    )
    checked_in = forms.ChoiceField(
        label=_("Checked in on that list"), choices=CheckedIn.choices, required=False
    )
    language = forms.ChoiceField(
        label=_("Guests' language"),
        choices=[("", _("Every language")), *Language.choices],
        required=False,
    )

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.fields["categories"].queryset = event.categories.all()
        self.fields["checkin_list"].queryset = event.checkin_lists.all()

    def clean(self):
        data = super().clean()
        if data.get("checked_in") and not data.get("checkin_list"):
            self.add_error("checkin_list", _("Choose the list to check the guests' entry on."))
        return data

    def segment(self) -> dict:
        data = self.cleaned_data
        return {
            "categories": list(data["categories"]),
            "statuses": data["statuses"],
            "checkin_list": data["checkin_list"],
            "checked_in": data["checked_in"],
            "language": data["language"],
        }


def announcement_list_view(request):
    require(request)
    announcements = Announcement.objects.select_related("event")[:50]
    events = Event.objects.order_by("-starts_at")[:10]  # after the event too (the no-shows)
    context = {"announcements": announcements, "events": events}
    return TemplateResponse(request, "events/admin/announcements.html", context)


def announcement_create_view(request, pk: int):
    """The form; "Count the recipients" shows how many it would reach; "Save" keeps a draft
    (the next page shows the count again and sends it on confirmation)."""
    require(request)
    event = get_object_or_404(Event, pk=pk)
    form = AnnouncementForm(request.POST or None, event=event)
    count = None
    if request.method == "POST" and form.is_valid():
        if "save" not in request.POST:
            count = registrations_in_segment(event=event, **form.segment()).count()
        else:
            fields = {k: form.cleaned_data[k] for k in ("subject", "body", "subject_en", "body_en")}
            announcement = announcement_create(
                event=event, by=request.user, **fields, **form.segment()
            )
            return redirect("events_announcement", announcement.pk)
    unsubscribed = event.registrations.filter(unsubscribed_at__isnull=False).count()
    context = {"event": event, "form": form, "count": count, "unsubscribed": unsubscribed}
    return TemplateResponse(request, "events/admin/announcement_form.html", context)


def announcement_view(request, pk: int):
    """A draft: its text, how many it reaches now, and the confirmation that sends it (POST,
    with that number: a segment that changed meanwhile is shown again). Sent: each recipient's
    email and its status, a page of 100 at a time."""
    require(request)
    announcement = get_object_or_404(Announcement.objects.select_related("event"), pk=pk)
    if request.method == "POST":
        try:
            if "retry" in request.POST:
                announcement_retry(announcement=announcement, by=request.user)
            else:
                expected = parse_id(request.POST.get("expected")) or 0
                announcement_send(announcement=announcement, by=request.user, expected=expected)
        except EventsError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The announcement is being sent."))
        return redirect("events_announcement", pk)
    recipients = (
        AnnouncementRecipient.objects.filter(announcement=announcement)
        .select_related("registration", "email")
        .order_by("pk")
    )
    context = {
        "announcement": announcement,
        "categories": announcement.categories.all(),
        "statuses": [RegistrationStatus(s).label for s in announcement.status_list],
        "page": Paginator(recipients, 100).get_page(request.GET.get("page")),
        "by_status": selectors.announcement_status_counts(announcement),
    }
    if announcement.status == Announcement.Status.DRAFT:
        context["count"] = announcement_segment(announcement).count()
    return TemplateResponse(request, "events/admin/announcement.html", context)


# --- Certificates of attendance ---------------------------------------------------------------


def certificates_view(request, pk: int):
    """The event's certificates: which lists count, how many guests are owed one, how many were
    issued; POST issues them (``certificates_issue``)."""
    require(request)
    event = get_object_or_404(Event, pk=pk)
    if request.method == "POST":
        try:
            issued = certificates_issue(event=event, by=request.user)
        except EventsError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d certificate issued and emailed.",
                    "%(count)d certificates issued and emailed.",
                    len(issued),
                )
                % {"count": len(issued)},
            )
        return redirect("events_certificates", pk)
    context = {
        "event": event,
        "lists": event.checkin_lists.filter(counts_for_certificate=True),
        "owed": certificate_candidates(event=event).count(),
        "issued": event.certificates.count(),
        "lists_url": reverse("checkin_lists:index") + f"?event={event.pk}",
    }
    return TemplateResponse(request, "events/admin/certificates.html", context)


def admin_urls():
    return [
        path("events/<id:pk>/certificates/", certificates_view, name="events_certificates"),
        path("events/invitations/import/", invitation_import_view, name="events_invitation_import"),
        path(
            "events/invitations/import/<id:pk>/",
            invitation_import_report_view,
            name="events_invitation_import_report",
        ),
        path("events/announcements/", announcement_list_view, name="events_announcements"),
        path(
            "events/<id:pk>/announcements/new/",
            announcement_create_view,
            name="events_announcement_create",
        ),
        path("events/announcements/<id:pk>/", announcement_view, name="events_announcement"),
        path("events/badges/", badge_batch_list_view, name="events_badge_batches"),
        path("events/badges/<id:pk>/", badge_batch_view, name="events_badge_batch"),
        path(
            "events/badges/<id:pk>/retry/", badge_batch_retry_view, name="events_badge_batch_retry"
        ),
        path(
            "events/badges/<id:pk>/download/",
            badge_batch_download_view,
            name="events_badge_batch_download",
        ),
    ]
