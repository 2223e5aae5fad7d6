"""Template helpers of the exhibition."""

from django import template
from django.utils.translation import get_language

register = template.Library()


def format_vnd(amount, language: str | None = None) -> str:
    """Whole đồng, thousands grouped: "12.000.000 ₫" in Vietnamese, "12,000,000 ₫" in English."""
    if amount is None or amount == "":
        return ""
    try:
        value = int(amount)
    except (TypeError, ValueError):
        return ""
    language = language or get_language() or "vi"
    separator = "," if language.startswith("en") else "."
    sign = "-" if value < 0 else ""
    return f"{sign}{abs(value):,}".replace(",", separator) + " ₫"


@register.filter
def vnd(amount) -> str:
    return format_vnd(amount)
