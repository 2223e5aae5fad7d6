"""Model fields with a value per language: ``name`` in Vietnamese (the source language, always
filled in) and ``name_en`` in English (optional).

A page shows the value of its language; without one it falls back to Vietnamese, and the HTML
marks the fallback ``lang="vi"`` so that a screen reader switches voice
(``{{ event|localized:"name" }}``, from ``core/templatetags/localized.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.html import format_html
from django.utils.translation import get_language

SOURCE_LANGUAGE = "vi"


def current_language() -> str:
    """The active language's code without a region ("en" for "en-gb")."""
    return (get_language() or settings.LANGUAGE_CODE).split("-")[0]


def translated_field_name(field: str, language: str) -> str:
    """``name`` in Vietnamese, ``name_en`` in English."""
    return field if language == SOURCE_LANGUAGE else f"{field}_{language}"


@dataclass(frozen=True)
class LocalizedValue:
    """A field's value for the active language, and the language it is really in."""

    value: str
    language: str

    def __str__(self) -> str:
        return self.value

    def __bool__(self) -> bool:
        return bool(self.value)

    @property
    def is_fallback(self) -> bool:
        return bool(self.value) and self.language != current_language()

    def __html__(self) -> str:
        """The value, escaped; a fallback wrapped in ``<span lang="vi">``."""
        if self.is_fallback:
            return format_html('<span lang="{}">{}</span>', self.language, self.value)
        return format_html("{}", self.value)


def localized(instance, field: str, language: str | None = None) -> LocalizedValue:
    """``instance.<field>`` in ``language`` (default: the active one), falling back to the
    Vietnamese value when there is no translation."""
    language = language or current_language()
    source = getattr(instance, field, "") or ""
    if language != SOURCE_LANGUAGE:
        translated = getattr(instance, translated_field_name(field, language), "") or ""
        if translated.strip():
            return LocalizedValue(translated, language)
    return LocalizedValue(source, SOURCE_LANGUAGE)


def localized_text(instance, field: str, language: str | None = None) -> str:
    """The plain text of :func:`localized`, for attributes, titles, emails and files."""
    return localized(instance, field, language).value


def localized_data(instance, field: str = "name", language: str | None = None) -> dict:
    """``{"name": value, "lang": its language}`` for a JSON answer: a client (the scanner) shows
    the value and marks it ``lang="vi"`` when it is the Vietnamese fallback."""
    value = localized(instance, field, language)
    return {field: value.value, "lang": value.language}
