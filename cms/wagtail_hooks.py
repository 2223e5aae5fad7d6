"""Registers the site's admin (cms/admin.py) and the proceedings' (cms/proceedings/admin.py).
The organizer's dashboard on the admin home (cms/dashboard.py). Nothing else lives here."""

from wagtail import hooks
from wagtail.snippets.models import register_snippet

from cms import dashboard
from cms.admin import SpeakerViewSet
from cms.proceedings import admin as proceedings_admin
from cms.proceedings import permissions  # noqa: F401 (registers the builds' permission policy)

register_snippet(SpeakerViewSet)
hooks.register("register_admin_urls", proceedings_admin.admin_urls)
hooks.register("register_page_header_buttons", proceedings_admin.proceedings_header_button)
hooks.register("register_page_listing_more_buttons", proceedings_admin.proceedings_listing_button)


@hooks.register("register_admin_viewset")
def register_builds_viewset():
    return proceedings_admin.ProceedingsBuildViewSet("proceedings_builds")


hooks.register("construct_homepage_panels", dashboard.add_dashboard_panels)
