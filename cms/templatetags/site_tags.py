from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language

register = template.Library()

LANGUAGE_LABELS = {"vi": "Tiếng Việt", "en": "English"}


@register.simple_tag(takes_context=True)
def language_links(context):
    """The current page in every language: its Wagtail translation where one exists, otherwise
    the same route under the other language prefix."""
    request = context.get("request")
    current = get_language()
    path = request.get_full_path() if request else "/"
    page = context.get("page")
    translations = {}
    if page is not None and hasattr(page, "get_translations"):
        for translation in page.get_translations(inclusive=True).live().select_related("locale"):
            translations[translation.locale.language_code] = translation.get_url(request)
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
    return links
