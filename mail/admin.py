"""The outbox in the Wagtail admin (Settings → Emails): every email with its status, kind,
recipients, attempts and last error; filters and search; read-only (permissions.py), with a
"resend" action. Registered by wagtail_hooks.py."""

import django_filters
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import translation
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic import CreateView, DeleteView, EditView, IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button, HeaderButton
from wagtail.admin.widgets.button import MenuItem as ButtonMenuItem

from core.exports import SafeIndexView
from mail.exceptions import MailError
from mail.models import Email, EmailStatus, EmailText
from mail.permissions import TEXT_CHANGE_PERMISSION, VIEW_TEXT_PERMISSION, may_resend, require
from mail.registry import kind_choices, kind_label
from mail.services import (
    email_resend,
    email_text_delete,
    email_text_sample,
    email_text_save,
    email_text_test_send,
)
from mail.texts import placeholders_help, text_kinds, text_spec


def emails_admin_url(obj) -> str:
    """The admin's list of the emails about ``obj`` (a registration, a booking...)."""
    content_type = ContentType.objects.get_for_model(obj)
    about = f"{content_type.app_label}.{content_type.model}:{obj.pk}"
    return reverse("mail_emails:index") + "?" + urlencode({"about": about})


class EmailFilterSet(WagtailFilterSet):
    status = django_filters.MultipleChoiceFilter(
        label=gettext_lazy("Status"), choices=EmailStatus.choices
    )
    kind = django_filters.ChoiceFilter(label=gettext_lazy("Kind"), choices=kind_choices)
    created_at = django_filters.DateFromToRangeFilter(
        label=gettext_lazy("Created at"), widget=DateRangePickerWidget
    )

    class Meta:
        model = Email
        fields = ["status", "kind", "language", "created_at"]


def _kind(email: Email) -> str:
    return kind_label(email.kind)


class EmailIndexView(SafeIndexView):
    """Newest first; ``?about=<app>.<model>:<id>`` narrows to the emails about one object."""

    def get_base_queryset(self):
        queryset = super().get_base_queryset().select_related("content_type")
        about = self.request.GET.get("about", "")
        label, _sep, object_id = about.partition(":")
        app_label, _dot, model = label.partition(".")
        if about and object_id.isdigit():
            queryset = queryset.filter(
                content_type__app_label=app_label,
                content_type__model=model,
                object_id=int(object_id),
            )
        return queryset

    def get_list_more_buttons(self, instance):
        buttons = list(super().get_list_more_buttons(instance))
        if may_resend(self.request.user, instance):
            url = reverse("mail_emails:resend", args=[instance.pk])
            buttons.append(ButtonMenuItem(_("Resend"), url=url, icon_name="mail", priority=30))
        return buttons


class EmailInspectView(InspectView):
    def get_kind_display_value(self):
        return kind_label(self.object.kind)

    def get_about_display_value(self):
        about = self.object.about
        return str(about) if about is not None else "-"

    @property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if may_resend(self.request.user, self.object):
            url = reverse("mail_emails:resend", args=[self.object.pk])
            buttons.append(Button(_("Resend"), url=url, icon_name="mail", priority=30))
        return buttons


def resend_view(request, pk: int):
    """Confirm (GET), then send the email again as a new row (POST): ``email_resend``."""
    require(request)
    email = get_object_or_404(Email, pk=pk)
    if request.method == "POST":
        try:
            new = email_resend(email_id=email.pk, by=request.user)
        except MailError as error:
            messages.error(request, error.message)
            return redirect("mail_emails:inspect", email.pk)
        messages.success(request, _("The email will be sent again to %(to)s.") % {"to": new.to})
        return redirect("mail_emails:inspect", new.pk)
    return TemplateResponse(
        request, "mail/admin/email_resend.html", {"email": email, "kind": kind_label(email.kind)}
    )


class EmailViewSet(ModelViewSet):
    model = Email
    name = "mail_emails"
    url_prefix = "mail/emails"
    icon = "mail"
    menu_label = gettext_lazy("Emails")
    add_to_settings_menu = True
    index_view_class = EmailIndexView
    inspect_view_class = EmailInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    form_fields: list[str] = []  # nobody edits the outbox (see read_only_policy)
    filterset_class = EmailFilterSet
    list_display = [
        DateColumn("created_at", label=gettext_lazy("Created at"), accessor="created_at"),
        Column("kind", label=gettext_lazy("Kind"), accessor=_kind, sort_key="kind"),
        "to",
        "status",
        "attempts",
        "last_error",
        DateColumn("sent_at", label=gettext_lazy("Sent at"), accessor="sent_at"),
    ]
    list_export = [
        "created_at",
        "kind",
        "to",
        "language",
        "status",
        "attempts",
        "last_error",
        "sent_at",
        "message_id",
    ]
    export_filename = "emails"
    search_fields = ["to", "kind", "message_id", "last_error"]
    search_backend_name = None
    list_per_page = 50
    inspect_view_fields = [
        "kind",
        "to",
        "language",
        "about",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "next_attempt_at",
        "sent_at",
        "message_id",
        "created_by",
        "resent_from",
        "context",
    ]

    def get_urlpatterns(self):
        return [*super().get_urlpatterns(), path("<int:pk>/resend/", resend_view, name="resend")]


# --- Settings → Email texts: the organizers' words of the emails ---------------------------


def text_kind_choices() -> list[tuple[str, str]]:
    """The kinds whose words may be changed, labelled."""
    return [(kind, kind_label(kind)) for kind in text_kinds()]


def placeholders_help_text(kind: str | None) -> str:
    """The placeholders of ``kind`` with their meaning, else of every kind, grouped by the
    kinds that offer the same ones."""
    if kind in text_kinds():
        items = placeholders_help(kind)
        return _("Placeholders of this email: %(list)s.") % {
            "list": "; ".join(f"{name}: {meaning}" for name, meaning in items)
        }
    meanings: dict[str, str] = {}
    for each in text_kinds():
        meanings.update(placeholders_help(each))
    return _(
        "Placeholders (each email offers some of them; saving names any it does not): %(list)s."
    ) % {"list": "; ".join(f"{name}: {meaning}" for name, meaning in meanings.items())}


class EmailTextForm(WagtailAdminModelForm):
    kind = forms.ChoiceField(label=gettext_lazy("Email"), choices=text_kind_choices)

    class Meta:
        model = EmailText
        fields = ["event", "kind", "language", "subject", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 12})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        kind = self.initial.get("kind") or getattr(self.instance, "kind", None)
        self.fields["body"].help_text = " ".join(
            [str(self.fields["body"].help_text), placeholders_help_text(kind)]
        )


class EmailTextCreateView(CreateView):
    def get_initial(self):
        """``?event=&kind=&language=`` prefill the form, with the default words of that kind in
        that language (a start to edit)."""
        initial = super().get_initial()
        kind = self.request.GET.get("kind", "")
        language = self.request.GET.get("language", "")
        if self.request.GET.get("event", "").isdigit():
            initial["event"] = int(self.request.GET["event"])
        if language in dict(settings.LANGUAGES):
            initial["language"] = language
        if kind in text_kinds():
            spec = text_spec(kind)
            with translation.override(language or settings.LANGUAGE_CODE):
                initial.update(kind=kind, subject=str(spec.subject), body=str(spec.body))
        return initial

    def save_instance(self):
        return email_text_save(text=self.form.instance, by=self.request.user)


class EmailTextEditView(EditView):
    def save_instance(self):
        return email_text_save(text=self.form.instance, by=self.request.user)

    @property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        url = reverse("mail_texts:preview", args=[self.object.pk])
        buttons.append(Button(_("Preview and test"), url=url, icon_name="view", priority=5))
        return buttons


class EmailTextDeleteView(DeleteView):
    def delete_action(self):
        email_text_delete(text=self.object, by=self.request.user)


class EmailTextIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("event")

    @cached_property
    def header_buttons(self):
        url = reverse("mail_texts:defaults")
        return [
            *super().header_buttons,
            HeaderButton(_("Default texts"), url=url, icon_name="doc-full"),
        ]

    def get_list_more_buttons(self, instance):
        buttons = list(super().get_list_more_buttons(instance))
        url = reverse("mail_texts:preview", args=[instance.pk])
        buttons.append(ButtonMenuItem(_("Preview and test"), url=url, icon_name="view"))
        return buttons


def _text_kind(text: EmailText) -> str:
    return kind_label(text.kind)


def email_text_preview_view(request, pk: int):
    """The organizer's words for a sample guest of the event (GET); "send me a test" (POST):
    one email to the user's own address, through the outbox."""
    require(request, TEXT_CHANGE_PERMISSION)
    text = get_object_or_404(EmailText.objects.select_related("event"), pk=pk)
    if request.method == "POST":
        try:
            email = email_text_test_send(text=text, by=request.user)
        except MailError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("A test is on its way to %(to)s.") % {"to": email.to})
        return redirect("mail_texts:preview", text.pk)
    return TemplateResponse(
        request,
        "mail/admin/email_text_preview.html",
        {
            "text": text,
            "kind": kind_label(text.kind),
            "words": email_text_sample(text),
            "placeholders": placeholders_help(text.kind),
        },
    )


def email_text_defaults_view(request):
    """Every email whose words may be changed: its default subject in each language, its
    placeholders, and a link that starts an organizer's text from the default."""
    require(request, VIEW_TEXT_PERMISSION)
    rows = []
    for kind in text_kinds():
        spec = text_spec(kind)
        subjects = []
        for language, name in settings.LANGUAGES:
            with translation.override(language):
                subject = str(spec.subject)
            query = urlencode({"kind": kind, "language": language})
            subjects.append((name, subject, reverse("mail_texts:add") + "?" + query))
        rows.append(
            {
                "label": kind_label(kind),
                "subjects": subjects,
                "placeholders": placeholders_help(kind),
            }
        )
    return TemplateResponse(request, "mail/admin/email_text_defaults.html", {"rows": rows})


class EmailTextViewSet(ModelViewSet):
    model = EmailText
    name = "mail_texts"
    url_prefix = "mail/texts"
    icon = "doc-full"
    menu_label = gettext_lazy("Email texts")
    add_to_settings_menu = True
    form_fields = ["event", "kind", "language", "subject", "body"]
    index_view_class = EmailTextIndexView
    add_view_class = EmailTextCreateView
    edit_view_class = EmailTextEditView
    delete_view_class = EmailTextDeleteView
    copy_view_enabled = False
    list_filter = ["event", "language"]
    list_display = [
        Column("kind", label=gettext_lazy("Email"), accessor=_text_kind, sort_key="kind"),
        "event",
        "language",
        "subject",
        DateColumn("updated_at", label=gettext_lazy("Updated at"), accessor="updated_at"),
    ]
    search_fields = ["subject", "body", "kind"]
    search_backend_name = None

    def get_form_class(self, for_update=False):
        return EmailTextForm

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("<int:pk>/preview/", email_text_preview_view, name="preview"),
            path("defaults/", email_text_defaults_view, name="defaults"),
        ]
