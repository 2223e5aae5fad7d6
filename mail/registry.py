"""The kinds of email: each app registers a builder per kind; ``mail`` knows no app.

A builder takes the outbox row and returns the message (subject, text, HTML, attachments),
rendered when it is sent (a badge attached is the current one), in the row's language (the
sender activates it around the call). It returns ``None`` when the email is no longer needed
(the invitation was accepted, the account already confirmed, the object is gone): the row is
then marked cancelled, never sent.

    # <app>/mail_kinds.py, discovered when the apps are ready
    from mail.registry import register
    register("booking.approve", build_booking_email, label=_("Booking approved"))
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # type hints only: the registry loads before any model
    from django.core.mail import EmailMessage

    from mail.models import Email

Builder = Callable[["Email"], "EmailMessage | None"]


@dataclass(frozen=True)
class Kind:
    name: str
    build: Builder
    label: str


_KINDS: dict[str, Kind] = {}


class UnknownKind(LookupError):
    """No builder is registered for this kind (a typo, or an app taken out)."""


def register(name: str, build: Builder, *, label=None) -> None:
    """Register the builder of the kind ``name`` (``<app>.<what>``, e.g. "booking.approve")."""
    if "." not in name:
        raise ValueError(f"An email kind is namespaced, <app>.<what>: {name!r}")
    existing = _KINDS.get(name)
    if existing is not None and existing.build is not build:
        raise ValueError(f"Email kind {name!r} is already registered")
    _KINDS[name] = Kind(name=name, build=build, label=label or name)


def kind_get(name: str) -> Kind:
    try:
        return _KINDS[name]
    except KeyError:
        raise UnknownKind(name) from None


def kind_label(name: str) -> str:
    kind = _KINDS.get(name)
    return str(kind.label) if kind else name


def kind_choices() -> list[tuple[str, str]]:
    """(name, label) of every registered kind, by name."""
    return [(kind.name, kind.label) for kind in sorted(_KINDS.values(), key=lambda k: k.name)]
