"""The outbox: one row per email the product owes someone."""

import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mail.registry import kind_label
from mail.texts import text_check, text_kinds, text_spec


def new_message_id() -> str:
    """A ``Message-ID`` in the site's domain (the host of ``BASE_URL``), made once per email so
    that every attempt at sending it carries the same one: a mail client drops the copy when a
    retry goes out after a first attempt that did reach the server."""
    host = urlsplit(settings.BASE_URL).hostname or "localhost"
    return f"<{uuid.uuid4().hex}@{host}>"


class EmailStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Gave up after retries")
    SKIPPED = "skipped", _("Not sent (demo data)")
    CANCELLED = "cancelled", _("Cancelled (no longer needed)")


class Email(models.Model):
    """An email owed to someone: written in the same transaction as the change that causes it
    (so it is never lost), sent by a task after commit, retried until it goes out.

    ``kind`` names the builder that renders it (``mail.registry``); ``about`` is the object it
    is about; ``context`` what the builder needs beyond that object. While ``sending``,
    ``next_attempt_at`` is the end of the sender's lease.
    """

    Status = EmailStatus

    kind = models.CharField(_("kind"), max_length=60)
    to = models.CharField(_("recipients"), max_length=2000, help_text=_("Comma-separated."))
    language = models.CharField(_("language"), max_length=10, default="vi")
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    about = GenericForeignKey("content_type", "object_id")
    context = models.JSONField(_("context"), default=dict, blank=True)
    message_id = models.CharField(
        _("Message-ID"), max_length=255, unique=True, default=new_message_id, editable=False
    )
    status = models.CharField(
        _("status"), max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    resent_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resends",
        verbose_name=_("resent from"),
    )

    class Meta:
        verbose_name = _("email")
        verbose_name_plural = _("emails")
        ordering = ["-created_at", "-id"]
        permissions = [("resend_email", "Can resend an email")]
        indexes = [
            # The due sweep: pending or sending rows whose time has come.
            models.Index(
                fields=["next_attempt_at", "id"],
                name="mail_email_due",
                condition=models.Q(status__in=["pending", "sending"]),
            ),
            models.Index(fields=["content_type", "object_id"], name="mail_email_about"),
            models.Index(fields=["status", "-created_at"], name="mail_email_status"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.to}"

    @property
    def recipients(self) -> list[str]:
        return [address.strip() for address in self.to.split(",") if address.strip()]


class EmailText(models.Model):
    """An organizer's words for one kind of email, for one event and one language: they replace
    the default subject and body (``mail.texts``) of that kind's emails about that event.

    The text may use the kind's placeholders only (``{{ name }}``...), checked on save
    (``clean``); attachments and the layout stay the product's.
    """

    event = models.ForeignKey(
        settings.MAIL_EVENT_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("event"),
    )
    kind = models.CharField(_("email"), max_length=60)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(
        _("body"),
        help_text=_("Plain text: paragraphs separated by a blank line, no HTML."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("updated by"),
        editable=False,
    )

    class Meta:
        verbose_name = _("email text")
        verbose_name_plural = _("email texts")
        ordering = ["event", "kind", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "kind", "language"], name="mail_one_text_per_event_kind_language"
            )
        ]

    def __str__(self) -> str:
        return f"{kind_label(self.kind)} ({self.language})"

    def clean(self):
        """The kind must have words, and subject and body use only its placeholders."""
        if self.kind not in text_kinds():
            raise ValidationError({"kind": _("This email's words cannot be changed.")})
        placeholders = text_spec(self.kind).placeholders
        errors = {}
        for field in ("subject", "body"):
            try:
                text_check(getattr(self, field) or "", placeholders)
            except ValidationError as error:
                errors[field] = error
        if errors:
            raise ValidationError(errors)
