from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib.sitemaps.views import sitemap as sitemap_view
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms import views as cms_views
from cms.sitemaps import SiteSitemap
from core.views import healthz
from events.checkin import urls as checkin_urls

urlpatterns = [
    path("healthz", healthz, name="healthz"),  # no language prefix, session or cookie
    # First: scanners call it hundreds of times a minute.
    path("api/", include((checkin_urls.api_urlpatterns, "api"))),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("sitemap.xml", sitemap_view, {"sitemaps": {"pages": SiteSitemap}}, name="sitemap"),
    path("robots.txt", cms_views.robots_txt, name="robots_txt"),
    path("favicon.ico", cms_views.favicon_ico, name="favicon"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Vietnamese at the root, English under /en/. Wagtail's catch-all comes last.
urlpatterns += i18n_patterns(
    path("", include("events.urls")),
    path("", include("exhibitors.urls")),
    path("", include("cms.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

#: A database error raised outside a view answers 503 too (core/middleware.py).
handler500 = "core.middleware.server_error"
