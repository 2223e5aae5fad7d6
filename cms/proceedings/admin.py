"""Admin of the proceedings: the "Build proceedings" button of the forum page (header menu and
page listing), the admin URLs, and the list of every build (view only, with filters and export).
Registered by ``cms/wagtail_hooks.py``."""

from django.urls import include, path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import Button, HeaderButton

from cms.models import ForumPage
from cms.proceedings import views
from cms.proceedings.models import ProceedingsBuild
from core.exports import SafeIndexView

app_name = "cms_proceedings"
urlpatterns = [
    path("<id:forum_id>/", views.index, name="index"),
    path("<id:forum_id>/preflight/", views.preflight, name="preflight"),
    path("<id:forum_id>/build/", views.build, name="build"),
    path("builds/<id:build_id>/retry/", views.retry, name="retry"),
    path("builds/<id:build_id>/publish/", views.publish, name="publish"),
    path("builds/<id:build_id>/unpublish/", views.unpublish, name="unpublish"),
]


def admin_urls():
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


def proceedings_header_button(page, user, view_name, next_url=None):
    yield from _button(page, user, priority=40)


def proceedings_listing_button(page, user, next_url=None):
    yield from _button(page, user, priority=45)


def buildable_forums(user) -> list[ForumPage]:
    """The forum pages ``user`` may build the proceedings of (edit permission)."""
    forums = ForumPage.objects.select_related("locale").order_by("pk")
    return [forum for forum in forums if forum.permissions_for_user(user).can_edit()]


class BuildIndexView(SafeIndexView):
    """Every build; a "Build proceedings" button per forum page the user may edit (the way to a
    first build when the list is empty)."""

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("forum", "created_by")

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        forums = buildable_forums(self.request.user)
        for forum in forums:
            label = _("Build proceedings")
            if len(forums) > 1:
                label = _("Build proceedings: %(forum)s") % {"forum": forum.title}
            url = reverse("cms_proceedings:index", args=[forum.pk])
            buttons.append(HeaderButton(label, url=url, icon_name="doc-full"))
        return buttons


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
