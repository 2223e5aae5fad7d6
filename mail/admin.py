"""The outbox in the Wagtail admin (Settings → Emails): every email with its status, kind,
recipients, attempts and last error; filters and search; read-only (permissions.py), with a
"resend" action. Registered by wagtail_hooks.py."""

import django_filters
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic import InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button
from wagtail.admin.widgets.button import MenuItem as ButtonMenuItem

from core.exports import SafeIndexView
from mail.exceptions import MailError
from mail.models import Email, EmailStatus
from mail.permissions import may_resend, require
from mail.registry import kind_choices, kind_label
from mail.services import email_resend


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
