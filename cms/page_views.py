"""What the page models show beyond their own fields (registered in ``cms.page_context``, read
by each page's ``get_context``), and the speaker pages below the speaker index."""

from __future__ import annotations

from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.translation import get_language

from cms import selectors
from cms.models import (
    AgendaPage,
    ForumPage,
    HomePage,
    NewsIndexPage,
    SessionPage,
    Speaker,
    SpeakerIndexPage,
)
from cms.page_context import provides_context, provides_route


@provides_context(HomePage)
def home_context(page: HomePage, request) -> dict:
    forum = selectors.home_forum(home=page)
    context = {"forum": forum}
    if forum is not None:
        context.update(selectors.forum_page_context(page=page, forum=forum))
    context["latest_news"] = selectors.lazy(selectors.latest_news, root=page, limit=3)
    return context


@provides_context(ForumPage)
def forum_context(page: ForumPage, request) -> dict:
    return {"forum": page, **selectors.forum_page_context(page=page, forum=page)}


@provides_context(AgendaPage)
def agenda_context(page: AgendaPage, request) -> dict:
    return selectors.agenda_page_context(agenda=page)


@provides_context(SessionPage)
def session_context(page: SessionPage, request) -> dict:
    return selectors.session_context(session=page)


@provides_context(SpeakerIndexPage)
def speaker_index_context(page: SpeakerIndexPage, request) -> dict:
    return {
        "speakers": selectors.lazy(selectors.speakers_of_forum, index_page=page),
        "speakers_key": f"{page.pk}:{get_language()}",
    }


@provides_context(NewsIndexPage)
def news_index_context(page: NewsIndexPage, request) -> dict:
    return {"news_items": selectors.news_page(index=page, page_number=request.GET.get("p"))}


@provides_route(SpeakerIndexPage, "speaker")
def speaker_detail(request, index_page: SpeakerIndexPage, *, slug: str) -> TemplateResponse:
    """A speaker's page: photo, position, bio, links and their sessions at this forum."""
    speaker = (
        Speaker.objects.filter(slug=slug)
        .prefetch_related(
            selectors.Prefetch("photo", queryset=selectors.images_with(selectors.SPEAKER_PHOTO))
        )
        .first()
    )
    if speaker is None:
        raise Http404
    forum = index_page.get_parent()
    context = index_page.get_context(request)
    context.update(
        {
            "speaker": speaker,
            "speaker_sessions": selectors.speaker_sessions(speaker=speaker, forum=forum),
            "forum": forum,
        }
    )
    return TemplateResponse(request, "cms/speaker_page.html", context)
