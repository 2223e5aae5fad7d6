"""Views of the site that are not plain Wagtail pages: calendars, speaker pages, search,
robots.txt, favicon.ico."""

from __future__ import annotations

from django.contrib.staticfiles import finders
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from wagtail.models import Site
from wagtail.views import serve as wagtail_serve

from cms import selectors
from cms.calendar import session_event
from cms.models import AgendaPage, SessionPage, SpeakerIndexPage
from cms.seo import public_url
from events.ics import build_calendar

ICS_CONTENT_TYPE = "text/calendar; charset=utf-8"


@require_GET
def privacy_policy(request):
    """``/privacy/`` (``/en/privacy/``), the address the consent box links to: the privacy page
    in the page's language, wherever editors put it (``cms.selectors.privacy_page``)."""
    page = selectors.privacy_page(site=Site.find_for_request(request))
    if page is None:
        raise Http404
    url = page.get_url(request)
    if url == request.path:  # the page itself lives at /<lang>/privacy/: Wagtail serves it
        return wagtail_serve(request, "privacy/")
    return redirect(url)


@require_GET
def robots_txt(request):
    sitemap_url = public_url(reverse("sitemap"))
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /api/", f"Sitemap: {sitemap_url}"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_GET
@cache_control(max_age=86400, public=True)
def favicon_ico(request):
    """``/favicon.ico``, where browsers and crawlers look for it whatever the page says."""
    path = finders.find("img/favicon.ico")
    if path is None:
        raise Http404
    return FileResponse(open(path, "rb"), content_type="image/x-icon")  # noqa: SIM115


def _ics_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=ICS_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.ics"'
    return response


def _live_page_or_404(model, page_id: int):
    page = model.objects.live().filter(pk=page_id).first()
    if page is None:
        raise Http404
    return page


@require_GET
def session_ics(request, page_id: int) -> HttpResponse:
    """One live session as an .ics file ("add to calendar")."""
    session = _live_page_or_404(SessionPage, page_id)
    forum = selectors.forum_of(session)
    event = forum.event if forum else None
    speakers = list(selectors.session_speakers_queryset().filter(page=session))
    vevent = session_event(session=session, event=event, speakers=speakers, request=request)
    body = build_calendar(name=session.title, vevents=[vevent])
    return _ics_response(body, session.slug)


@require_GET
def agenda_ics(request, page_id: int) -> HttpResponse:
    """The whole agenda of a live agenda page as an .ics feed (subscribe or import)."""
    agenda = _live_page_or_404(AgendaPage, page_id)
    forum = selectors.forum_of(agenda)
    event = forum.event if forum else None
    vevents = [
        session_event(
            session=s, event=event, speakers=list(s.session_speakers.all()), request=request
        )
        for s in selectors.agenda_sessions(agenda=agenda)
    ]
    name = event.name if event else agenda.title
    body = build_calendar(name=name, vevents=vevents)
    response = _ics_response(body, forum.slug if forum else agenda.slug)
    response["Content-Disposition"] = response["Content-Disposition"].replace(
        "attachment", "inline"
    )
    return response


@require_GET
def search(request) -> TemplateResponse:
    """One search box for the whole site: accent-blind, answers 200 to any query."""
    query = request.GET.get("q", "")
    language = (get_language() or "vi").split("-")[0]
    results = selectors.site_search(query=query, language_code=language)
    speaker_index = None
    if results["speakers"]:
        speaker_index = (
            SpeakerIndexPage.objects.live()
            .filter(locale__language_code=language)
            .select_related("locale")
            .first()
        )
    index_url = (speaker_index.get_url(request) or "") if speaker_index else ""
    speaker_results = [
        {"speaker": speaker, "url": SpeakerIndexPage.speaker_url(index_url, speaker)}
        for speaker in results["speakers"]
    ]
    site = Site.find_for_request(request)
    context = {
        "query": query[:200],
        "results": results,
        "page_results": results["pages"],
        "speaker_results": speaker_results,
        "searched": bool(query.strip()),
        "site_root": site.root_page if site else None,
    }
    return TemplateResponse(request, "cms/search.html", context)
