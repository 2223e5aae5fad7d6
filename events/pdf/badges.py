"""Badges: one A6 PDF per registration, or A4 sheets of four A6 badges with cut marks.

The QR holds only the registration's token (segno, SVG inline, error correction M or higher).
The name is set as large as fits: its lines are computed here from the font's own advance widths
(Be Vietnam Pro Bold), so a 40-character name stays on at most two lines, each line within the
badge's width.
"""

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import segno
from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from fontTools.ttLib import TTFont

from core.localized import localized
from core.pdf import cached_stylesheet, render_html_to_pdf, shared_font_config
from core.text import fold, nfc
from events.models import Registration
from events.services.questions import badge_answer, badge_question

#: Width of the text column of a badge: A6 (105 mm) less 2 × 8 mm of margin, in points.
TEXT_WIDTH_PT = (105 - 16) / 25.4 * 72
#: Keep a little room for kerning and rounding.
SAFETY = 0.94
FONT_FILES = {
    700: "vendor/be-vietnam-pro/700Bold/BeVietnamPro_700Bold.ttf",
    400: "vendor/be-vietnam-pro/400Regular/BeVietnamPro_400Regular.ttf",
}
A6_PAGE = "@page { size: A6; margin: 0 }"
A4_PAGE = "@page { size: A4; margin: 0 }"
HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
DEFAULT_COLOUR = "#1d4ed8"
QR_MASK = 2


#: ``badge_context``'s question not looked up yet.
UNKNOWN = object()


@functools.cache
def _advances(weight: int) -> tuple[dict[int, float], float]:
    """Advance widths (in em) by code point, and a fallback width for missing glyphs."""
    path = finders.find(FONT_FILES[weight])
    font = TTFont(Path(path), lazy=True)
    units = font["head"].unitsPerEm
    metrics = font["hmtx"].metrics
    widths = {code: metrics[glyph][0] / units for code, glyph in font.getBestCmap().items()}
    return widths, widths.get(ord("M"), 0.8)


def text_width_em(text: str, *, weight: int = 700) -> float:
    widths, fallback = _advances(weight)
    return sum(widths.get(ord(ch), fallback) for ch in text)


def _wrap(words: list[str], size: float, width: float, weight: int) -> list[str] | None:
    """Greedy wrap of ``words`` at ``size`` pt; None if a single word is wider than ``width``."""
    lines: list[str] = []
    space = text_width_em(" ", weight=weight) * size
    current, current_width = "", 0.0
    for word in words:
        word_width = text_width_em(word, weight=weight) * size
        if word_width > width:
            return None
        if current and current_width + space + word_width <= width:
            current, current_width = f"{current} {word}", current_width + space + word_width
        else:
            if current:
                lines.append(current)
            current, current_width = word, word_width
    if current:
        lines.append(current)
    return lines


@dataclass(frozen=True)
class FittedText:
    size: float
    lines: list[str]

    @property
    def css_size(self) -> str:
        """ "21.5pt": never localised (a Vietnamese "21,5pt" is invalid CSS)."""
        return f"{self.size:g}pt"


def fit_text(
    text: str,
    *,
    max_size: float,
    min_size: float,
    max_lines: int,
    width: float = TEXT_WIDTH_PT,
    weight: int = 700,
    one_line_min: float | None = None,
) -> FittedText:
    """The largest size (by 0.5 pt) at which ``text`` fits ``max_lines`` lines of ``width`` pt,
    with its lines; one line is preferred while it allows ``one_line_min`` pt or more. At
    ``min_size`` a text that still does not fit keeps its greedy lines."""
    words = nfc(text).split()
    if not words:
        return FittedText(max_size, [])
    usable = width * SAFETY
    for lines_allowed, smallest in ((1, one_line_min or max_size), (max_lines, min_size)):
        size = max_size
        while size >= smallest:
            lines = _wrap(words, size, usable, weight)
            if lines is not None and len(lines) <= lines_allowed:
                return FittedText(size, lines)
            size -= 0.5
    return FittedText(min_size, _wrap(words, min_size, usable, weight) or [" ".join(words)])


def _ink_on(colour: str) -> str:
    """Black or white text, whichever reads better on ``colour``."""
    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))

    def lin(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    luminance = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
    return "#111111" if luminance > 0.4 else "#ffffff"


def qr_svg(token: str) -> str:
    """The badge's QR as inline SVG: only the token, error correction M (or higher when the
    same size allows it), a 4-module quiet zone (on the white badge), sized by CSS."""
    # A fixed mask skips segno's search for the best of eight (a quarter of a badge's time);
    # every mask is valid and decodes the same.
    code = segno.make(token, error="m", micro=False, boost_error=True, mask=QR_MASK)
    return code.svg_inline(border=4, omitsize=True, dark="#000000", light=None)


def badge_language(registration: Registration) -> str:
    """The language a badge is printed in: its holder's, as stored with the registration, else
    the event's (the site's default, Vietnamese). Never the language of whoever prints it."""
    return registration.language or settings.LANGUAGE_CODE


def _fallback_lang(value, language: str) -> str:
    """The language to mark on a value printed on a badge in ``language``: the Vietnamese of a
    fallback (no English value), else nothing."""
    return value.language if value and value.language != language else ""


def badge_context(registration: Registration, *, question=UNKNOWN) -> dict:
    """What the badge template shows for ``registration``: the event's name and venue and the
    category's name in the badge's language (``badge_language``), the Vietnamese when there is
    no English value (``*_lang`` then says "vi" for the markup); the answer to the event's
    question printed on badges (``question``, when the caller has looked it up already: None
    for none)."""
    if question is UNKNOWN:
        question = badge_question(registration.event_id)
    colour = registration.category.badge_colour
    colour = colour if HEX_COLOUR.match(colour or "") else DEFAULT_COLOUR
    language = badge_language(registration)
    event_name = localized(registration.event, "name", language)
    venue = localized(registration.event, "venue", language)
    category = localized(registration.category, "name", language)
    return {
        "registration": registration,
        "language": language,
        "event": registration.event,
        "category": registration.category,
        "category_name": category.value,
        "category_lang": _fallback_lang(category, language),
        "venue": venue.value,
        "venue_lang": _fallback_lang(venue, language),
        "name": fit_text(
            registration.full_name, max_size=26, min_size=11, max_lines=2, one_line_min=18
        ),
        "title": fit_text(
            registration.title, max_size=11, min_size=7, max_lines=2, weight=400, one_line_min=9
        ),
        "organization": fit_text(
            registration.organization,
            max_size=12,
            min_size=7,
            max_lines=2,
            weight=700,
            one_line_min=9.5,
        ),
        "answer": fit_text(
            badge_answer(registration, question, language),
            max_size=11,
            min_size=7,
            max_lines=2,
            weight=400,
            one_line_min=9,
        ),
        "event_name": fit_text(
            event_name.value, max_size=8.5, min_size=6, max_lines=2, one_line_min=7
        ),
        "event_name_lang": _fallback_lang(event_name, language),
        "colour": colour,
        "ink": _ink_on(colour),
        "qr": mark_safe(qr_svg(registration.token)),  # noqa: S308 - segno's own SVG
    }


@functools.cache
def _badge_css() -> str:
    return Path(finders.find("css/badge.css")).read_text()


def _render(template: str, context: dict, language: str, page: str) -> bytes:
    """Render with the badge styles parsed once per thread, WeasyPrint's lean user-agent
    stylesheet and fonts loaded once per thread: about half the time of a plain render."""
    with translation.override(language):
        html = render_to_string(template, {**context, "LANGUAGE_CODE": language})
    font_config = shared_font_config()
    stylesheets = [
        cached_stylesheet(_badge_css(), font_config),
        cached_stylesheet(page, font_config),
    ]
    return render_html_to_pdf(html, font_config=font_config, stylesheets=stylesheets, lean=True)


def badge_author(event, language: str) -> str:
    """The PDF's Author of an event's badges in ``language``: its organizer, else the event
    itself."""
    return localized(event, "organizer", language).value or localized(event, "name", language).value


def badge_render_pdf(*, registration: Registration) -> bytes:
    """One A6 badge as PDF bytes. Side effects: none."""
    language = badge_language(registration)
    context = {
        "badges": [badge_context(registration)],
        "author": badge_author(registration.event, language),
    }
    return _render("pdf/badge.html", context, language, A6_PAGE)


def badge_filename(registration: Registration) -> str:
    """``badge-nguyen-van-khoa.pdf``: ASCII, safe in a header and an attachment."""
    return f"badge-{slugify(fold(registration.full_name)) or registration.pk}.pdf"


def badge_pdf_response(registration: Registration) -> HttpResponse:
    """The badge as a PDF answer shown in the browser. The badge carries the QR secret: never
    cached."""
    response = HttpResponse(badge_render_pdf(registration=registration), "application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        False, badge_filename(registration)
    )
    add_never_cache_headers(response)
    return response


def badge_sheets_language(registrations: list[Registration]) -> str:
    """The language of sheets of these badges as a document (their title, the PDF's language):
    the one all the badges share, else the event's default."""
    languages = {badge_language(registration) for registration in registrations}
    return languages.pop() if len(languages) == 1 else settings.LANGUAGE_CODE


def badge_sheets_render_pdf(
    *, registrations: list[Registration], language: str | None = None
) -> bytes:
    """A4 sheets, four A6 badges each (two by two), with cut marks. Each badge is rendered in
    its holder's language (``badge_language``); the sheets as a document in ``language``, by
    default ``badge_sheets_language(registrations)``. Side effects: none."""
    cards = []
    questions: dict[int, object] = {}  # the question printed on each event's badges
    for slot, registration in enumerate(registrations):
        if registration.event_id not in questions:
            questions[registration.event_id] = badge_question(registration.event_id)
        card = badge_context(registration, question=questions[registration.event_id])
        context = {"b": card, "slot": slot % 4}
        with translation.override(context["b"]["language"]):
            cards.append(render_to_string("pdf/badge_card.html", context))
    sheets = [cards[i : i + 4] for i in range(0, len(cards), 4)]
    language = language or badge_sheets_language(registrations)
    authors = {badge_author(registration.event, language) for registration in registrations}
    context = {"sheets": sheets, "author": ", ".join(sorted(authors))}
    return _render("pdf/badge_sheet.html", context, language, A4_PAGE)
