"""The activity log: who did what, when, and why (``core.models.ActivityEntry``).

Every state-changing service calls ``log_action`` inside its own transaction, so that the entry
is written if and only if the change is (pretix's ``LogEntry``/``log_action`` works the same
way). The actor is a user, a scanning device, the attendee themself (the manage page, the
confirmation link) or the system (a task, a command)::

    log_action(action="registration.cancelled", obj=registration, actor=request.user,
               reason="duplicate", changes={"status": ["confirmed", "cancelled"]})
    log_action(action="checkin.annulled", obj=checkin, actor=Actor.device(7, "Gate A"))

Action codes are ``<object>.<past participle>`` (``registration.approved``, ``booking.moved``,
``device.revoked``). The log is append-only: see the model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType

from core.models import ActivityEntry

Kind = ActivityEntry.ActorKind

__all__ = ["Actor", "ActivityEntry", "diff", "log_action"]


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts: build one with ``Actor.user(u)``, ``Actor.device(id, name)``,
    ``Actor.attendee()`` or ``Actor.system()``; ``Actor.of(x)`` accepts either."""

    kind: str
    user_id: int | None = None
    label: str = ""
    ref: str = ""

    @classmethod
    def user(cls, user) -> Actor:
        """A signed-in person (an organizer, an exhibitor, door staff)."""
        label = user.get_full_name() or user.get_username()
        return cls(kind=Kind.USER, user_id=user.pk, label=label[:200])

    @classmethod
    def user_by_id(cls, pk: int, label: str = "") -> Actor:
        """A signed-in person known by id only (door staff behind a ``Scanner``)."""
        return cls(kind=Kind.USER, user_id=pk, label=(label or "")[:200])

    @classmethod
    def device(cls, pk: int | None, name: str = "") -> Actor:
        """A paired scanning device."""
        return cls(kind=Kind.DEVICE, label=(name or "")[:200], ref="" if pk is None else str(pk))

    @classmethod
    def attendee(cls, label: str = "") -> Actor:
        """The attendee themself, through their emailed link (no login)."""
        return cls(kind=Kind.ATTENDEE, label=(label or "")[:200])

    @classmethod
    def system(cls, label: str = "") -> Actor:
        """Nobody in person: a task, a command, a rule that follows another change."""
        return cls(kind=Kind.SYSTEM, label=(label or "")[:200])

    @classmethod
    def of(cls, actor) -> Actor:
        """``actor`` as an Actor: an Actor as it is, a signed-in user, or the system (None, an
        anonymous user)."""
        if isinstance(actor, Actor):
            return actor
        if actor is None or not getattr(actor, "is_authenticated", False):
            return cls.system()
        return cls.user(actor)


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list]:
    """``{"field": [old, new]}`` for the fields of ``after`` whose value differs from
    ``before``'s (a field missing from ``before`` counts as None)."""
    return {
        field: [before.get(field), value]
        for field, value in after.items()
        if before.get(field) != value
    }


def _event_id(obj) -> int | None:
    event_id = getattr(obj, "event_id", None)
    return event_id if isinstance(event_id, int) else None


def log_action(
    *,
    action: str,
    obj,
    actor=None,
    reason: str = "",
    changes: dict | None = None,
    event_id: int | None = None,
) -> ActivityEntry:
    """Write one entry of the activity log, in the caller's transaction.

    ``obj``: the model instance acted on (saved: it has a pk). ``actor``: a User, an ``Actor``,
    or None for the system. ``changes``: ``{"field": [old, new]}`` (JSON; dates and decimals
    are encoded). ``event_id``: the event the entry belongs to, by default ``obj.event_id``.
    Side effects: inserts the entry. Returns it.
    """
    who = Actor.of(actor)
    return ActivityEntry.objects.create(
        action=action,
        actor_kind=who.kind,
        actor_user_id=who.user_id,
        actor_label=who.label,
        actor_ref=who.ref,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        event_id=event_id if event_id is not None else _event_id(obj),
        reason=(reason or "").strip()[:2000],
        changes=changes or {},
    )
