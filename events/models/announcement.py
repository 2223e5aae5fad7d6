"""Announcements to a segment of an event's registrations, sent through the outbox at a
throttled rate by a leased job (``events.services.announcements``)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.leases import LeasedJob
from events.enums import Language, RegistrationStatus

__all__ = ["Announcement", "AnnouncementRecipient", "CheckedIn"]


class CheckedIn(models.TextChoices):
    """The segment's condition on a check-in list."""

    ANY = "", _("Either")
    YES = "yes", _("Checked in")
    NO = "no", _("Not checked in")


class Announcement(LeasedJob):
    """An email written by the organizers (subject and body in Vietnamese, optionally in
    English) to the registrations of an event that match its segment: categories (none: all),
    statuses, checked in or not on a list, language. A draft until sent; then a job (holding a
    lease: a worker that dies is replaced) writes one outbox email per recipient, once
    (``AnnouncementRecipient``), and sends them at ``ANNOUNCEMENT_SEND_RATE`` per minute."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    event = models.ForeignKey(
        "events.Event",
        on_delete=models.CASCADE,
        related_name="announcements",
        verbose_name=_("event"),
    )
    subject = models.CharField(_("subject"), max_length=200)
    subject_en = models.CharField(_("subject (English)"), max_length=200, blank=True)
    body = models.TextField(_("message"), max_length=10000)
    body_en = models.TextField(_("message (English)"), max_length=10000, blank=True)
    categories = models.ManyToManyField(
        "events.AttendeeCategory",
        blank=True,
        related_name="+",
        verbose_name=_("attendee categories"),
        help_text=_("None ticked: every category."),
    )
    statuses = models.JSONField(
        _("registration statuses"), default=list, blank=True, help_text=_("None: confirmed only.")
    )
    checkin_list = models.ForeignKey(
        "events.CheckInList",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("check-in list"),
    )
    checked_in = models.CharField(
        _("checked in on that list"),
        max_length=3,
        choices=CheckedIn.choices,
        blank=True,
        default=CheckedIn.ANY,
    )
    language = models.CharField(
        _("guests' language"),
        max_length=5,
        choices=Language.choices,
        blank=True,
        help_text=_("Empty: every language."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    total = models.PositiveIntegerField(_("recipients"), default=0)
    error = models.CharField(_("error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    queued_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.subject

    @property
    def may_retry(self) -> bool:
        """Failed, or stuck (sending under a lapsed lease: its worker died)."""
        return self.status == self.Status.FAILED or (
            self.status == self.Status.SENDING and self.lease_lapsed
        )

    @property
    def status_list(self) -> list[str]:
        """The statuses of the segment (confirmed when none were chosen)."""
        return list(self.statuses or [RegistrationStatus.CONFIRMED])


class AnnouncementRecipient(models.Model):
    """One registration an announcement was sent to, with its outbox email: the unique pair
    is what makes a job that is taken up again skip whom it already wrote to."""

    announcement = models.ForeignKey(
        Announcement, on_delete=models.CASCADE, related_name="recipients"
    )
    registration = models.ForeignKey(
        "events.Registration", on_delete=models.CASCADE, related_name="+"
    )
    email = models.OneToOneField(
        "mail.Email", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        constraints = [
            models.UniqueConstraint(
                fields=["announcement", "registration"], name="announcement_once_per_registration"
            )
        ]

    def __str__(self) -> str:
        return f"{self.announcement_id} → {self.registration_id}"
