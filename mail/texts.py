"""The words of the emails, which organizers may change per event and language.

Each app registers, per email kind, its default subject and body (translatable strings with
``{{ placeholder }}`` slots) and the placeholders that kind offers, each with its meaning; an
organizer's ``EmailText`` (Settings → Email texts) replaces them for one event and one
language. ``mail`` knows no app: the app's builder computes the values and asks for the words.

    # <app>/mail_kinds.py (or the module that builds the emails)
    from mail.texts import text_register
    text_register(
        "booking.approve",
        subject=_("Booth {{ booth }} is confirmed"),
        body=_("Dear {{ name }},\\n\\nYour booking of booth {{ booth }} ... is approved."),
        placeholders=BOOKING_PLACEHOLDERS,  # {"name": _("the company's name"), ...}
        sample=booking_sample,              # sample(event, kind) -> {"name": "...", ...}
    )

    # the builder, when the email goes out (in the email's language):
    words = email_words("booking.approve", event=booking.event, values={...})
    words.subject, words.text, words.html

Texts are plain text: only ``{{ name }}``-style placeholders of the kind, no tags (``{% %}``),
no filters, no attributes. The body's paragraphs are separated by a blank line; its HTML is the
text escaped (links made clickable), never the organizer's own markup.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.template import Context, Engine, TemplateSyntaxError
from django.template.base import TextNode, Variable, VariableNode
from django.utils import translation
from django.utils.html import linebreaks, urlize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

#: sample(event, kind) -> the placeholders' values of a sample email of that event.
Sample = Callable[[object, str], Mapping[str, str]]


@dataclass(frozen=True)
class TextSpec:
    """The default words of one kind and the placeholders it offers (name -> meaning)."""

    kind: str
    subject: str
    body: str
    placeholders: Mapping[str, str]
    sample: Sample | None = None


@dataclass(frozen=True)
class Words:
    """An email's words, rendered: the subject (one line), the body as text and as HTML."""

    subject: str
    text: str
    html: SafeString


#: The greeting most bodies open with (every kind offers ``{{ name }}``).
GREETING = gettext_lazy("Dear {{ name }},")

_TEXTS: dict[str, TextSpec] = {}

# Only the template language's parser is used: no loader, no library beyond the built-ins,
# and every node other than text and a bare placeholder is refused before rendering.
_ENGINE = Engine(autoescape=False, string_if_invalid="", libraries={}, loaders=[])


def text_register(
    kind: str,
    *,
    subject,
    body,
    placeholders: Mapping[str, str],
    sample: Sample | None = None,
) -> None:
    """Register the default words of the email kind ``kind`` (already registered with
    ``mail.registry.register``, or about to be): ``subject`` and ``body`` are (lazy)
    translatable strings using only the names of ``placeholders``; ``sample`` gives the values
    of the admin's preview and of "send me a test"."""
    for text in (str(subject), str(body)):  # a typo in a default is the developer's, now
        text_check(text, placeholders)
    existing = _TEXTS.get(kind)
    if existing is not None and existing.subject is not subject:
        raise ValueError(f"The words of email kind {kind!r} are already registered")
    _TEXTS[kind] = TextSpec(
        kind=kind, subject=subject, body=body, placeholders=dict(placeholders), sample=sample
    )


def text_spec(kind: str) -> TextSpec:
    """The registered words of ``kind``; KeyError for a kind without them."""
    return _TEXTS[kind]


def text_kinds() -> list[str]:
    """The kinds whose words organizers may change, by name."""
    return sorted(_TEXTS)


def _parse(text: str, placeholders: Mapping[str, str]):
    """The template of ``text``, once every node is text or a known bare placeholder; raises a
    translated ValidationError naming what is not allowed."""
    only = _("Only placeholders such as {{ name }} may be used: no tags (%(tags)s), no filters.")
    only = only % {"tags": "{% %}"}
    try:
        template = _ENGINE.from_string(text)
    except TemplateSyntaxError:
        raise ValidationError(only, code="tag") from None
    unknown = []
    for node in template.nodelist:
        if isinstance(node, TextNode):
            continue
        if not isinstance(node, VariableNode):
            raise ValidationError(only, code="tag")
        expression = node.filter_expression
        variable = expression.var
        if expression.filters or not isinstance(variable, Variable) or variable.literal is not None:
            raise ValidationError(only, code="filter")
        name = variable.var
        if name not in placeholders and name not in unknown:
            unknown.append(name)
    if unknown:
        raise ValidationError(
            _("Unknown placeholder %(unknown)s. This email can use: %(known)s.")
            % {
                "unknown": ", ".join("{{ %s }}" % name for name in unknown),  # noqa: UP031
                "known": ", ".join("{{ %s }}" % name for name in placeholders),  # noqa: UP031
            },
            code="unknown_placeholder",
        )
    return template


def text_check(text: str, placeholders: Mapping[str, str]) -> None:
    """Raise a translated ValidationError unless ``text`` uses only ``placeholders``."""
    _parse(text, placeholders)


def text_render(text: str, placeholders: Mapping[str, str], values: Mapping[str, str]) -> str:
    """``text`` with its placeholders replaced by ``values`` (plain text, nothing escaped;
    a placeholder without a value is left empty)."""
    template = _parse(text, placeholders)
    return template.render(Context({name: str(values.get(name, "")) for name in placeholders}))


def body_html(text: str) -> SafeString:
    """The HTML of a plain-text body: escaped, links clickable, paragraphs and line breaks."""
    return mark_safe(linebreaks(urlize(text.strip(), nofollow=True, autoescape=True)))  # noqa: S308 (escaped just before)


def words_render(subject: str, body: str, spec: TextSpec, values: Mapping[str, str]) -> Words:
    text = text_render(body, spec.placeholders, values).strip()
    return Words(
        subject=" ".join(text_render(subject, spec.placeholders, values).split()),
        text=text,
        html=body_html(text),
    )


def words_override(kind: str, *, event_id, language: str):
    """The organizer's words of ``kind`` for that event and language, or None."""
    from mail.models import EmailText  # noqa: PLC0415 (mail_kinds modules import this one early)

    if event_id is None:
        return None
    return EmailText.objects.filter(event_id=event_id, kind=kind, language=language).first()


def email_words(
    kind: str, *, event=None, values: Mapping[str, str], language: str | None = None
) -> Words:
    """The words of an email of ``kind`` about ``event``, in ``language`` (default: the active
    one, which the outbox sets to the email's): the organizer's for that event and language
    when there are some, else the default, translated. ``values``: the placeholders' values."""
    spec = text_spec(kind)
    language = (language or get_language() or "vi").split("-")[0]
    override = words_override(kind, event_id=getattr(event, "pk", None), language=language)
    if override is not None:
        try:
            return words_render(override.subject, override.body, spec, values)
        except ValidationError:
            # Saved before the kind lost a placeholder (checked on save, so only after an
            # upgrade): the default goes out rather than no email at all.
            logger.warning("Email text %s no longer reads; the default is used", override.pk)
    with translation.override(language):
        return words_render(str(spec.subject), str(spec.body), spec, values)


def placeholders_help(kind: str) -> list[tuple[str, str]]:
    """("{{ name }}", meaning) of every placeholder of ``kind``, for the admin's help."""
    spec = text_spec(kind)
    return [("{{ %s }}" % name, str(meaning)) for name, meaning in spec.placeholders.items()]  # noqa: UP031
