"""The Wagtail admin for the site: speakers as a snippet with search, filters and exports.
Registered by ``cms/wagtail_hooks.py``."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.views.snippets import IndexView, SnippetViewSet

from cms.models import Speaker
from cms.selectors import matching_terms
from core.exports import SafeExportMixin


class SpeakerIndexView(SafeExportMixin, IndexView):
    """Accent-blind search in the admin too: "nguyen van khoa" finds "Nguyễn Văn Khoa"."""

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        return queryset.filter(matching_terms(self.search_query))


class SpeakerViewSet(SnippetViewSet):
    model = Speaker
    index_view_class = SpeakerIndexView
    icon = "user"
    menu_label = _("Speakers")
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["name", "position", "organization"]
    list_export = ["name", "position", "organization", "position_en", "organization_en", "slug"]
    export_filename = "speakers"
    search_fields = ["name", "organization", "search_text"]
    ordering = ["name"]
