"""Admin integration of the proceedings: "Build proceedings" in the forum page's header menu
and in the page listing, and the admin URLs. Imported from ``cms/wagtail_hooks.py``."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets import Button

from cms.models import ForumPage
from cms.proceedings import views

app_name = "cms_proceedings"
urlpatterns = [
    path("<int:forum_id>/", views.index, name="index"),
    path("<int:forum_id>/preflight/", views.preflight, name="preflight"),
    path("<int:forum_id>/build/", views.build, name="build"),
    path("builds/<int:build_id>/publish/", views.publish, name="publish"),
    path("builds/<int:build_id>/unpublish/", views.unpublish, name="unpublish"),
]


@hooks.register("register_admin_urls")
def register_proceedings_urls():
    return [path("proceedings/", include((urlpatterns, app_name), namespace=app_name))]


def _button(page, user, priority: int):
    if page.specific_class is not ForumPage:
        return
    if not page.permissions_for_user(user).can_edit():
        return
    yield Button(
        _("Build proceedings"),
        reverse("cms_proceedings:index", args=[page.pk]),
        icon_name="doc-full",
        priority=priority,
    )


@hooks.register("register_page_header_buttons")
def proceedings_header_button(page, user, view_name, next_url=None):
    yield from _button(page, user, priority=40)


@hooks.register("register_page_listing_more_buttons")
def proceedings_listing_button(page, user, next_url=None):
    yield from _button(page, user, priority=45)
