"""Admin views of the proceedings (under /admin/proceedings/): the forum's builds with their
stage and progress, the pre-flight report, build, publish. They call the services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cms.models import ForumPage
from cms.proceedings import selectors, services
from cms.proceedings.exceptions import ProceedingsError
from cms.proceedings.models import ProceedingsBuild


def _forum(request: HttpRequest, forum_id: int, *, publish: bool = False) -> ForumPage:
    forum = get_object_or_404(ForumPage.objects.select_related("event", "locale"), pk=forum_id)
    permissions = forum.permissions_for_user(request.user)
    if not permissions.can_edit() or (publish and not permissions.can_publish()):
        raise PermissionDenied
    return forum


def _context(forum: ForumPage, title: str, **extra) -> dict:
    crumbs = [
        {"url": reverse("wagtailadmin_explore_root"), "label": _("Pages")},
        {"url": reverse("wagtailadmin_pages:edit", args=[forum.pk]), "label": forum.title},
        {"url": reverse("cms_proceedings:index", args=[forum.pk]), "label": _("Proceedings")},
    ]
    if title != crumbs[-1]["label"]:
        crumbs.append({"url": "", "label": title})
    return {
        "forum": forum,
        "header_title": title,
        "header_icon": "doc-full",
        "breadcrumbs_items": crumbs,
        **extra,
    }


def index(request: HttpRequest, forum_id: int):
    """The forum's builds, newest first; refreshes itself while one is running."""
    forum = _forum(request, forum_id)
    builds = list(selectors.forum_builds(forum=forum))
    context = _context(
        forum,
        _("Proceedings"),
        builds=builds,
        running=any(build.is_active for build in builds),
        can_publish=forum.permissions_for_user(request.user).can_publish(),
    )
    return TemplateResponse(request, "cms/proceedings/admin/index.html", context)


def preflight(request: HttpRequest, forum_id: int):
    """The pre-flight report, with the button that starts a build."""
    forum = _forum(request, forum_id)
    report = services.proceedings_preflight(forum=forum)
    context = _context(forum, _("Pre-flight check"), report=report)
    return TemplateResponse(request, "cms/proceedings/admin/preflight.html", context)


@require_POST
def build(request: HttpRequest, forum_id: int):
    forum = _forum(request, forum_id)
    try:
        services.proceedings_build_create(forum=forum, user=request.user)
    except ProceedingsError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The build has started. This page shows its progress."))
    return redirect("cms_proceedings:index", forum.pk)


@require_POST
def retry(request: HttpRequest, build_id: int):
    """Take up a build whose worker stopped (``proceedings_build_retry``)."""
    target = get_object_or_404(ProceedingsBuild, pk=build_id)
    forum = _forum(request, target.forum_id)
    try:
        services.proceedings_build_retry(build=target, user=request.user)
    except ProceedingsError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The build has started again. This page shows its progress."))
    return redirect("cms_proceedings:index", forum.pk)


@require_POST
def publish(request: HttpRequest, build_id: int):
    return _publication(request, build_id, publish=True)


@require_POST
def unpublish(request: HttpRequest, build_id: int):
    return _publication(request, build_id, publish=False)


def _publication(request: HttpRequest, build_id: int, *, publish: bool):
    target = get_object_or_404(ProceedingsBuild, pk=build_id)
    forum = _forum(request, target.forum_id, publish=True)
    try:
        if publish:
            services.proceedings_publish(build=target, user=request.user)
            messages.success(request, _("Published: the forum page now links this PDF."))
        else:
            services.proceedings_unpublish(build=target, user=request.user)
            messages.success(request, _("Withdrawn: the forum page no longer links this PDF."))
    except ProceedingsError as error:
        messages.error(request, error.message)
    return redirect("cms_proceedings:index", forum.pk)
