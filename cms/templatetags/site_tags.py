from django import template
from django.conf import settings
from django.urls import reverse, translate_url
from django.utils.translation import get_language
from wagtail.contrib.routable_page.models import RoutablePageMixin

from cms.cache import cached, content_version

register = template.Library()

LANGUAGE_LABELS = {"vi": "Tiếng Việt", "en": "English"}


@register.filter
def speaker_url(index_url: str, speaker) -> str:
    """``{{ speaker_index_url|speaker_url:speaker }}``: the speaker's page (empty without an
    index)."""
    from cms.models import SpeakerIndexPage

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
    page = context.get("page")
    translations = {}
    if page is not None and getattr(page, "pk", None) and hasattr(page, "get_translations"):
        suffix = _route_suffix(page, request)
        translations = cached(
            "translations",
            page.pk,
            suffix,
            build=lambda: _page_translation_urls(page, suffix),
        )
    links = []
    for code, _name in settings.LANGUAGES:
        url = translations.get(code) or translate_url(path, code)
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
    from cms import selectors
    from cms.models import HomePage

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
    from events.selectors import event_open_for_registration

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


def _social_meta(page, forum) -> dict:
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
    if image is None and forum is not None:
        image = getattr(forum, "hero_image", None)
    rendition = image.get_rendition("fill-1200x630-c50") if image is not None else None
    return {
        "title": title,
        "description": " ".join(str(description or "").split())[:300],
        "image_url": rendition.url if rendition else "",
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
        return cached(
            "social",
            page.pk,
            get_language(),
            getattr(forum, "pk", ""),
            build=lambda: _social_meta(page, forum),
        )
    return _social_meta(page, forum)
