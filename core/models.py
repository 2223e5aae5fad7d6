"""The models every app shares: the activity log and the rate limiter's counters. ``core``
imports no app of ours: what it points at in another app it points at by content type (the
object of a log entry) or by a plain id (the event)."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ActivityLogImmutable(Exception):
    """An activity entry is written once and never changed nor deleted."""


class ActivityEntryQuerySet(models.QuerySet):
    """Entries are never changed nor deleted in bulk either."""

    def update(self, **kwargs):
        raise ActivityLogImmutable("The activity log is append-only.")

    def delete(self):
        raise ActivityLogImmutable("The activity log is append-only.")

    def for_object(self, obj) -> "ActivityEntryQuerySet":
        """The entries of ``obj`` (any model instance), newest first."""
        content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
        return self.filter(content_type=content_type, object_id=str(obj.pk)).order_by("-at", "-pk")


class ActivityEntry(models.Model):
    """One decision or change: who did what to which object, when, why, and what changed.

    Append-only: written by ``core.activity.log_action`` in the caller's transaction, never
    changed nor deleted (``save`` of an existing row, ``delete`` and the queryset's ``update`` and
    ``delete`` raise ``ActivityLogImmutable``; the admin's policy denies add, change and delete;
    on PostgreSQL a trigger refuses UPDATE and DELETE, except the SET NULL of a deleted user).
    """

    class ActorKind(models.TextChoices):
        USER = "user", _("User")
        DEVICE = "device", _("Scanning device")
        ATTENDEE = "attendee", _("The attendee")
        SYSTEM = "system", _("System")

    at = models.DateTimeField(_("time"), default=timezone.now)
    action = models.CharField(_("action"), max_length=64)
    actor_kind = models.CharField(
        _("actor kind"), max_length=16, choices=ActorKind.choices, default=ActorKind.SYSTEM
    )
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    #: Who, in words, kept after the user or device is gone: a user's name, a device's name.
    actor_label = models.CharField(_("actor"), max_length=200, blank=True)
    #: The actor's id when it is no user: the device's id.
    actor_ref = models.CharField(_("actor reference"), max_length=64, blank=True)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("object type"), on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.CharField(_("object id"), max_length=64)
    #: The object in words, kept after it is deleted.
    object_repr = models.CharField(_("object"), max_length=200)
    #: The event the object belongs to (a plain id: ``core`` imports no app), for filtering.
    event_id = models.BigIntegerField(_("event"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    #: What changed: ``{"field": [old, new]}``.
    changes = models.JSONField(_("changes"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    objects = ActivityEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity entry")
        verbose_name_plural = _("activity log")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(
                fields=["content_type", "object_id", "-at"], name="activity_object_at_idx"
            ),
            models.Index(fields=["-at"], name="activity_at_idx"),
            models.Index(fields=["event_id", "-at"], name="activity_event_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.action} · {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ActivityLogImmutable("An activity entry is never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ActivityLogImmutable("An activity entry is never deleted.")

    @property
    def actor_display(self) -> str:
        """Who did it, in words: the user's name, the device, the attendee or the system."""
        if self.actor_kind == self.ActorKind.USER:
            user = self.actor_user
            return (user.get_full_name() or user.get_username()) if user else self.actor_label
        if self.actor_kind == self.ActorKind.DEVICE:
            return self.actor_label or f"{self.ActorKind.DEVICE.label} #{self.actor_ref}"
        kind = self.ActorKind(self.actor_kind).label
        return f"{kind} · {self.actor_label}" if self.actor_label else str(kind)

    @property
    def changes_display(self) -> str:
        """``field: old → new; …`` for lists and exports."""
        return "; ".join(
            f"{field}: {_value(pair[0])} → {_value(pair[1])}"
            if isinstance(pair, list | tuple) and len(pair) == 2
            else f"{field}: {_value(pair)}"
            for field, pair in (self.changes or {}).items()
        )


def _value(value) -> str:
    return "–" if value in (None, "") else str(value)


class RateCounter(models.Model):
    """Hits of one client on one scope within one fixed time window. Every process and server
    sees the same row, so that a limit holds across gunicorn workers and app servers."""

    key = models.CharField(max_length=200, unique=True)
    hits = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "rate counter"

    def __str__(self) -> str:
        return f"{self.key}: {self.hits}"


class WorkerBeat(models.Model):
    """A task worker's last sign of life (``run_worker`` beats from its sweeping thread), so that
    the tasks a killed worker was running are made ready again (``core.leases``)."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    beat_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "worker beat"

    def __str__(self) -> str:
        return f"{self.worker_id}: {self.beat_at:%Y-%m-%d %H:%M:%S}"
