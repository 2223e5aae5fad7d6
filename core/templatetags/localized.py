"""Values per language in templates.

``{{ event|localized:"name" }}``: the English name on English pages, otherwise the Vietnamese one
wrapped in ``<span lang="vi">`` (screen readers switch voice). ``{{ event|localized_text:"name" }}``
gives the plain text, for attributes and ``<title>``. ``{% untranslated_lang %}`` marks a whole
block (the untranslated full text of a session): see :func:`untranslated_lang`.
"""

from django import template
from django.utils.html import format_html

from core.localized import SOURCE_LANGUAGE, current_language, localized_text
from core.localized import localized as localized_value

register = template.Library()


@register.filter
def localized(instance, field: str):
    """The field's value in the active language; a Vietnamese fallback marked ``lang="vi"``."""
    if instance is None:
        return ""
    # Django renders any non-str value through str(): give the markup itself (safe, escaped).
    return localized_value(instance, field).__html__()


@register.filter(name="localized_text")
def localized_text_filter(instance, field: str) -> str:
    """The field's value in the active language as plain text (no markup)."""
    if instance is None:
        return ""
    return localized_text(instance, field)


@register.simple_tag
def untranslated_lang(untranslated, field: str) -> str:
    """`` lang="vi"`` when ``field`` is in ``untranslated`` (the fields of a page translation
    that still hold the Vietnamese source) and the page is not in Vietnamese; else nothing.
    Used inside an opening tag:
    ``<div class="body"{% untranslated_lang untranslated "body" %}>``."""
    if untranslated and field in untranslated and current_language() != SOURCE_LANGUAGE:
        return format_html(' lang="{}"', SOURCE_LANGUAGE)
    return ""
