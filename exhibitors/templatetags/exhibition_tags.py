"""Template helpers of the exhibition."""

from functools import lru_cache
from html import escape  # Django's, without its lazy-string check (plain str here)

from django import template
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

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


@register.filter
def add_aria_label(field, row) -> str:
    """A form field's widget named for a table cell: "x (m) · A05" (the row has no <label>)."""
    return field.as_widget(attrs={"aria-label": f"{field.label} · {row}"})


# --- The floor plan's booths ------------------------------------------------------------------
# A hall has up to some hundreds of booths, each drawn on the plan and listed in its table: their
# markup is built here, in one string each (the template engine took a millisecond a booth).

_BOOTH_SVG = (
    '<a tabindex="0" class="fp-booth fp-{state}{mine}" href="{href}" data-code="{code}"'
    ' data-state="{state}" data-state-label="{state_label}" data-zone="{zone}"'
    ' data-tier="{tier}" data-size="{size}" data-price="{price}" data-amenities="{amenities}"'
    ' data-exhibitor="{exhibitor}" data-bookable="{bookable}" data-hold-url="{hold_url}"'
    ' aria-label="{aria}">'
    '<rect class="fp-rect" x="{x}" y="{y}" width="{w}" height="{h}" fill="url(#{pattern}-m)"/>'
    "{logo}"
    '<text class="fp-code" x="{text_x}" y="{code_y}" text-anchor="middle"'
    ' font-size="{code_size}">{code}</text>\n'
    '<text class="fp-mark" x="{mark_x}" y="{mark_y}" text-anchor="middle" font-size="0.4"'
    ' aria-hidden="true">{mark}</text>\n'
    "{names}</a>\n"
)
_BOOTH_LOGO = (
    '<image class="fp-logo" href="{href}" x="{x}" y="{y}" width="{size}" height="{size}"'
    ' preserveAspectRatio="xMidYMid meet" aria-hidden="true"/>'
)
_BOOTH_NAME = (
    '<text class="fp-name" x="{x}" y="{y}" text-anchor="middle" font-size="{size}"'
    ' aria-hidden="true">{text}</text>\n'
)
_BOOTH_ROW = (
    '<tr class="fp-row-{state}"><th scope="row"><a href="{href}">{code}</a></th>'
    '<td><span aria-hidden="true">{mark}</span> {state_label}</td>'
    "<td>{zone}</td><td>{tier}</td><td>{size}</td>"
    '<td class="fp-num">{price}</td><td>{amenities}</td><td>{exhibitor}</td></tr>\n'
)


#: The texts that repeat from booth to booth (state, tier, size, price, zone), escaped once.
escape_repeated = lru_cache(maxsize=2048)(escape)


@register.filter
def booth_svg(item) -> str:
    """One booth of the plan (a ``BoothOnPlan``): a focusable link with its data for the
    script, its rectangle, logo, code, state mark and the exhibitor's name."""
    booth = item.booth
    logo = ""
    if item.logo_url:
        logo = _BOOTH_LOGO.format(
            href=escape(item.logo_url), x=item.logo_x, y=item.logo_y, size=item.logo_size
        )
    names = "".join(
        _BOOTH_NAME.format(
            x=item.text_x, y=line["y"], size=item.name_size, text=escape(line["text"])
        )
        for line in item.name_lines
    )
    return mark_safe(  # noqa: S308 (every value is escaped or a number)
        _BOOTH_SVG.format(
            state=item.state,
            mine=" fp-mine" if item.is_mine else "",
            href=escape(item.detail_url),
            code=escape(booth.code),
            state_label=escape_repeated(item.state_label),
            zone=escape_repeated(item.zone.value),
            tier=escape_repeated(item.tier_label),
            size=escape_repeated(item.size),
            price=escape_repeated(item.price),
            amenities=escape_repeated(item.amenities_text),
            exhibitor=escape(item.exhibitor_name),
            bookable="1" if item.bookable else "0",
            hold_url=escape(item.hold_url),
            aria=escape(item.aria_label),
            x=item.x,
            y=item.y,
            w=item.w,
            h=item.h,
            pattern=item.pattern,
            logo=logo,
            text_x=item.text_x,
            code_y=item.code_y,
            code_size=item.code_size,
            mark_x=item.mark_x,
            mark_y=item.mark_y,
            mark=item.mark,
            names=names,
        )
    )


@register.filter
def booth_row(item) -> str:
    """One booth of the plan's table view."""
    return mark_safe(  # noqa: S308 (every value is escaped)
        _BOOTH_ROW.format(
            state=item.state,
            href=escape(item.detail_url),
            code=escape(item.booth.code),
            mark=item.mark,
            state_label=escape_repeated(item.state_label),
            zone=item.zone.__html__(),  # escaped, with lang="vi" on a fallback
            tier=escape_repeated(item.tier_label),
            size=escape_repeated(item.size),
            price=escape_repeated(item.price),
            amenities=escape_repeated(item.amenities_text),
            exhibitor=escape(item.exhibitor_name),
        )
    )
