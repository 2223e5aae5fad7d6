"""Registers the exhibition's admin (exhibitors/admin/) and its hook for the CMS exhibition page.
Nothing else lives here."""

from wagtail import hooks

from exhibitors import (
    permissions,  # noqa: F401 (registers the models' permission policies)
    selectors,
)
from exhibitors.admin.viewsets import ExhibitionGroup


@hooks.register("register_admin_viewset")
def register_exhibition_viewsets():
    return ExhibitionGroup()


# --- The CMS exhibition page ------------------------------------------------------------------


@hooks.register("forumhall_exhibition_context")
def exhibition_page_context(page, request):
    """Fill the CMS ``ExhibitionPage`` with the floor plan and the directory of its event."""
    event = getattr(page, "event", None)
    if event is None:
        return {}
    return {
        "exhibition": selectors.exhibition_context(event=event, user=request.user),
        "exhibition_template": "exhibitors/includes/exhibition.html",
    }
