from django import template

from core.phone import format_phone

register = template.Library()


@register.filter
def phone(value: str) -> str:
    """``{{ registration.phone|phone }}``: "+84 912 345 678"."""
    return format_phone(value)
