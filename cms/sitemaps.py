"""sitemap.xml: every live public page of the site, in every language."""

from django.db.models import Q
from wagtail.contrib.sitemaps import Sitemap


class SiteSitemap(Sitemap):
    """Wagtail's sitemap covers the site root's tree only; the English pages live under the
    root's translation, so list the trees of all its translations."""

    def items(self):
        from wagtail.models import Page

        root = self.get_wagtail_site().root_page
        trees = Q()
        for translation in root.get_translations(inclusive=True):
            trees |= Q(path__startswith=translation.path)
        return (
            Page.objects.filter(trees)
            .live()
            .public()
            .order_by("path")
            .defer_streamfields()
            .specific()
        )
