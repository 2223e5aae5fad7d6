"""Admin integration of the proceedings: "Build proceedings" in the forum page's header menu
and in the page listing, the admin URLs, and the list of every build (view only, with filters
and export). Imported from ``cms/wagtail_hooks.py``."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import Button
from wagtail.permissions import register_permission_policy

from cms.models import ForumPage
from cms.proceedings import views
from cms.proceedings.models import ProceedingsBuild
from core.permissions import read_only_policy

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


# Builds come from the build button and are all kept: nobody adds, edits or deletes one by hand
# (publishing is on the forum's proceedings page).
register_permission_policy(ProceedingsBuild, read_only_policy(ProceedingsBuild))


class BuildIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("forum", "created_by")


class ProceedingsBuildViewSet(ModelViewSet):
    model = ProceedingsBuild
    index_view_class = BuildIndexView
    icon = "doc-full"
    menu_label = _("Proceedings")
    menu_order = 290
    add_to_admin_menu = True
    inspect_view_enabled = True
    form_fields: list[str] = []  # never used: the policy allows no add or edit
    list_display = ["forum", "created_at", "status", "stage", "page_count", "is_published"]
    list_filter = ["status", "is_published", "forum"]
    list_export = [
        "forum",
        "created_at",
        "get_status_display",
        "error",
        "page_count",
        "is_published",
        "published_at",
        "created_by",
    ]
    export_headings = {"get_status_display": _("status")}
    export_filename = "proceedings-builds"
    inspect_view_fields = [
        "forum",
        "created_at",
        "created_by",
        "status",
        "stage",
        "progress",
        "error",
        "document",
        "page_count",
        "is_published",
        "published_at",
        "started_at",
        "finished_at",
    ]


@hooks.register("register_admin_viewset")
def register_builds_viewset():
    return ProceedingsBuildViewSet("proceedings_builds")
