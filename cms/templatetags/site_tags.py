from django import template
from django.conf import settings
from django.urls import reverse, translate_url
from django.utils import dateformat
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.models import Page

from cms import selectors
from cms.cache import cached, content_version
from cms.models import ForumPage, HomePage, SpeakerIndexPage
from cms.seo import canonical_url, hreflang_links, share_image_url
from events.selectors import event_open_for_registration

register = template.Library()

LANGUAGE_LABELS = {"vi": "Tiếng Việt", "en": "English"}


@register.filter
def speaker_url(index_url: str, speaker) -> str:
    """``{{ speaker_index_url|speaker_url:speaker }}``: the speaker's page (empty without an
    index)."""

    return SpeakerIndexPage.speaker_url(index_url, speaker)


def _route_suffix(page, request) -> str:
    """The part of the path below a routable page (a speaker's slug), kept when switching
    language."""
    if request is None or not isinstance(page, RoutablePageMixin):
        return ""
    url = page.get_url(request) or ""
    if url and request.path.startswith(url) and request.path != url:
        return request.path[len(url) :]
    return ""


def _page_translation_urls(page, suffix: str) -> dict[str, str]:
    urls = {}
    for translation in page.get_translations(inclusive=True).live().select_related("locale"):
        url = translation.get_url()
        if url:
            urls[translation.locale.language_code] = url + suffix
    return urls


def _translations(page, request) -> dict[str, str] | None:
    """The live translations of a Wagtail ``page`` as ``{language: url}`` (``None`` for a view
    that is not a page). Cached per page (content version)."""
    if page is None or not getattr(page, "pk", None) or not hasattr(page, "get_translations"):
        return None
    suffix = _route_suffix(page, request)
    return cached(
        "translations", page.pk, suffix, build=lambda: _page_translation_urls(page, suffix)
    )


def _on_site(url: str) -> str:
    """``url`` as a path on this site: "//evil.example/" (a path Django routes, which a browser
    reads as another host) becomes "/evil.example/"."""
    if url_has_allowed_host_and_scheme(url, allowed_hosts=None) and url.startswith("/"):
        return url
    return "/" + url.lstrip("/\\")


@register.simple_tag(takes_context=True)
def language_links(context):
    """The current page in every language: its Wagtail translation where one exists, otherwise
    the same route under the other language prefix. Cached per page (content version)."""
    request = context.get("request")
    current = get_language()
    cached_links = getattr(request, "_language_links", None)
    if cached_links is not None and cached_links[0] == current:
        return cached_links[1]
    path = request.get_full_path() if request else "/"
    translations = _translations(context.get("page"), request) or {}
    links = []
    for code, _name in settings.LANGUAGES:
        url = _on_site(translations.get(code) or translate_url(path, code))
        links.append(
            {
                "code": code,
                "label": LANGUAGE_LABELS.get(code, code),
                "url": url,
                "current": code == current,
            }
        )
    if request is not None:
        request._language_links = (current, links)
    return links


def _nav_sections(language: str) -> dict:

    home = HomePage.objects.live().filter(locale__language_code=language).first()
    if home is None:
        return {"home": "", "items": [], "search": ""}
    items = []
    forum = selectors.home_forum(home=home)
    if forum is not None:
        sections = selectors.forum_sections(forum=forum)
        for role in ("agenda", "speakers", "exhibition", "news"):
            child = sections[role]
            if child is not None:
                items.append({"role": role, "title": child.title, "url": child.get_url()})
    return {"home": home.get_url() or "/", "items": items}


@register.simple_tag
def site_sections():
    """The main navigation of the current language: the main forum's agenda, speakers,
    exhibition and news pages. Cached; the cache is cleared when pages change."""
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return cached("nav", language, build=lambda: _nav_sections(language))


def _open_registration_slug() -> str:

    event = event_open_for_registration()
    return event.slug if event else ""


@register.simple_tag
def open_registration_url() -> str:
    """The form of the next event whose registration is open ('' when none): the header's
    Register button. Cached a minute (registration opens and closes with the clock)."""
    slug = cached("open-registration", build=_open_registration_slug, timeout=60)
    return reverse("events:register", kwargs={"event_slug": slug}) if slug else ""


@register.simple_tag
def site_content_version() -> int:
    """The content version, for the keys of ``{% cache %}`` fragments."""
    return content_version()


@register.filter
def is_current_section(url: str, path: str) -> bool:
    return bool(url) and url != "/" and (path or "").startswith(url)


def _language_forum(language: str):
    """The main forum of the home page in ``language`` (the site's forum), if any."""

    home = HomePage.objects.live().filter(locale__language_code=language).first()
    return selectors.home_forum(home=home) if home is not None else None


def _social_meta(page, forum) -> dict:
    """Title, description, share image (public address) and type of ``page``; the image and
    the description fall back to the page's forum's (``forum``, else the one above the page,
    else the site's main forum), then to the site's default share image."""

    title = ""
    description = ""
    image = None
    og_type = "website"
    if page is not None and hasattr(page, "title"):
        title = getattr(page, "seo_title", "") or page.title
        describe = getattr(page, "social_description", None)
        description = describe() if callable(describe) else getattr(page, "search_description", "")
        pick = getattr(page, "social_image", None)
        image = pick() if callable(pick) else None
        og_type = getattr(page, "og_type", "website")
    if image is None or not description:
        if not isinstance(forum, ForumPage):  # the context's may be a plain Page
            forum = selectors.forum_of(page) if isinstance(page, Page) else None
        if forum is None:
            language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
            forum = _language_forum(language)
        if forum is not None:
            image = image or forum.hero_image
            description = description or forum.social_description()
    return {
        "title": title,
        "description": " ".join(str(description or "").split())[:300],
        "image_url": share_image_url(image),
        "type": og_type,
    }


@register.simple_tag(takes_context=True)
def social_meta(context):
    """What the OpenGraph/Twitter tags say about the current page (any page of the site, a
    Wagtail page or not): title, description, image (a 1200×630 rendition) and type. Cached
    per Wagtail page and language."""
    page = context.get("page")
    forum = context.get("forum")
    if page is not None and getattr(page, "pk", None) and hasattr(page, "get_url"):
        key = ("social", page.pk, get_language(), getattr(forum, "pk", ""))
    elif forum is not None or page is not None:
        return _social_meta(page, forum)
    else:  # a view of the site that is not a page: the site's forum, the same for every view
        key = ("social", "site", get_language())
    return cached(*key, build=lambda: _social_meta(page, forum))


@register.simple_tag(takes_context=True)
def seo_links(context):
    """The canonical address and the hreflang alternates (with ``x-default``) of the current
    page, on the public host (``BASE_URL``)."""
    request = context.get("request")
    if request is None:
        return {"canonical": "", "alternates": []}
    links = language_links(context)
    translations = _translations(context.get("page"), request)
    if translations is not None:  # a page: only the languages it is published in
        links = [link for link in links if link["code"] in translations]
    return {"canonical": canonical_url(request), "alternates": hreflang_links(links)}


#: A date inside a sentence ("… closes at 23:59 on 31 December 2099."): in Vietnamese "ngày"
#: in lower case (Django's DATE_FORMAT starts a line: "Ngày 31 tháng 12 năm 2099"), in English
#: the full month without the dot that Django's "Dec." would double at the end of a sentence.
SENTENCE_DATE_FORMATS = {"vi": r"\n\g\à\y j \t\h\á\n\g n \n\ă\m Y", "en": "j F Y"}


@register.filter(expects_localtime=True)
def sentence_date(value) -> str:
    """``{{ value|sentence_date }}``: the date of ``value`` for the middle of a sentence."""
    if not value:
        return ""
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    fmt = SENTENCE_DATE_FORMATS.get(language, SENTENCE_DATE_FORMATS["en"])
    return dateformat.format(value, fmt)
