"""Template helpers of the exhibition."""

from django import template

from core.money import format_vnd

register = template.Library()


@register.filter
def vnd(amount) -> str:
    return format_vnd(amount)


@register.filter
def add_aria_label(field, row) -> str:
    """A form field's widget named for a table cell: "x (m) · A05" (the row has no <label>)."""
    return field.as_widget(attrs={"aria-label": f"{field.label} · {row}"})
