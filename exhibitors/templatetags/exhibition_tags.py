"""Template helpers of the exhibition."""

from django import template
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from core.money import format_vnd
from core.time import time_left, time_left_formats

register = template.Library()


@register.filter
def vnd(amount) -> str:
    return format_vnd(amount)


@register.simple_tag
def countdown(deadline, now=None):
    """The time left until ``deadline`` ("còn 22 phút"), written now and kept current by
    static/js/countdown.js (which reads the words of the page's language from the data
    attributes, and the server's clock from ``data-now``). Without JS it stays as written."""
    now = now or timezone.now()
    words = format_html_join(
        " ", 'data-word-{}="{}"', ((key, value) for key, value in time_left_formats().items())
    )
    return format_html(
        '<span class="ex-countdown" role="timer" data-countdown="{}" data-now="{}" {}>{}</span>',
        deadline.isoformat(timespec="milliseconds"),
        now.isoformat(timespec="milliseconds"),
        words,
        time_left(deadline, now),
    )
