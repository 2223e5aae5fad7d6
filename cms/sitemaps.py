"""sitemap.xml: every live public page of the site, in every language, on the public address
(``BASE_URL``), each with its language alternates (``xhtml:link`` hreflang, ``x-default``)."""

from collections import defaultdict

from django.conf import settings
from django.db.models import Q
from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Page

from cms.seo import public_url


class SiteSitemap(Sitemap):
    """Wagtail's sitemap covers the site root's tree only; the English pages live under the
    root's translation, so list the trees of all its translations."""

    def items(self):

        if getattr(self, "_pages", None) is None:
            root = self.get_wagtail_site().root_page
            trees = Q()
            for translation in root.get_translations(inclusive=True):
                trees |= Q(path__startswith=translation.path)
            self._pages = list(
                Page.objects.filter(trees)
                .live()
                .public()
                .order_by("path")
                .defer_streamfields()
                .select_related("locale")
                .specific()
            )
        return self._pages

    def _page_url(self, page) -> str:
        parts = page.get_url_parts(self.request)
        return public_url(parts[2]) if parts else ""

    def _urls(self, page, protocol, domain):
        """Each page's entry: its address on the public host, its last change, and its
        translations in the sitemap (live and public) as alternates."""
        by_key: dict = defaultdict(dict)
        for item in self.items():
            if url := self._page_url(item):
                by_key[item.translation_key][item.locale.language_code] = url
        urls = []
        last_mods = set()
        for item in self.paginator.page(page).object_list:
            translations = by_key[item.translation_key]
            location = translations.get(item.locale.language_code)
            if not location:
                continue
            alternates = [
                {"lang_code": code, "location": translations[code]}
                for code, _name in settings.LANGUAGES
                if code in translations
            ]
            if default := translations.get(settings.LANGUAGE_CODE):
                alternates.append({"lang_code": "x-default", "location": default})
            lastmod = item.last_published_at or item.latest_revision_created_at
            urls.append(
                {"item": item, "location": location, "lastmod": lastmod, "alternates": alternates}
            )
            last_mods.add(lastmod)
        if last_mods and None not in last_mods:
            self.latest_lastmod = max(last_mods)
        return urls
