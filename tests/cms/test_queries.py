"""List pages run a fixed number of SQL queries whatever the number of sessions and speakers
(1 session and 1 speaker, then 40 sessions and 60 speakers): on a cold cache (everything read
from the database) and on a warm one (cached fragments)."""

from django.core.cache import cache

from cms.models import AgendaPage, ExhibitionPage, SpeakerIndexPage
from cms.sample import sample_sessions, sample_speakers

# Cold: Wagtail's routing (site, root page, the page in one query, its specific row, aliases,
# view restrictions), the language switcher, social tags (agenda, speakers: the forum above the
# page, whose share image and description they fall back to), navigation, the event open for
# registration (the header's Register button, cached a minute), then the page's own
# reads: agenda: session times, sessions, their speakers, the speaker index; speakers:
# speakers with their first session, photos, renditions; exhibition: its forum; home: the
# forum, sections, organizers with logos, performers, news. Warm: routing, plus the forum
# (home, exhibition); everything else comes from cached fragments.
COLD = {
    "agenda": 19,
    "speakers": 19,
    "exhibition": 20,
    "home": 17,
}  # exhibition: + the hall (exhibitors: booths, bookings, the hall's size and its shapes)
WARM = {"agenda": 7, "speakers": 7, "exhibition": 13, "home": 6}  # exhibition: its live plan


def _urls(forum) -> tuple[AgendaPage, dict[str, str]]:
    agenda = AgendaPage.objects.child_of(forum).get()
    speakers = SpeakerIndexPage.objects.child_of(forum).get()
    exhibition = ExhibitionPage.objects.child_of(forum).get()
    return agenda, {
        "agenda": agenda.url,
        "speakers": speakers.url,
        "exhibition": exhibition.url,
        "home": "/",
    }


def _assert_counts(client, django_assert_num_queries, urls, expected_text):
    for name, url in urls.items():
        assert client.get(url).status_code == 200  # makes the renditions
        cache.clear()
        with django_assert_num_queries(COLD[name]):
            response = client.get(url)
        assert response.status_code == 200
        with django_assert_num_queries(WARM[name]):
            warm = client.get(url)
        assert warm.content == response.content
        if name in expected_text:
            assert expected_text[name] in response.content.decode()


def test_list_pages_run_the_same_queries_at_1_and_at_40_sessions_60_speakers(
    client, sample_forum, django_assert_num_queries
):
    agenda, urls = _urls(sample_forum)
    first = sample_speakers(1)
    sample_sessions(agenda=agenda, count=1, speakers=first)
    _assert_counts(
        client,
        django_assert_num_queries,
        urls,
        {"agenda": "Phiên 000", "speakers": "Nguyễn Văn Diễn Giả 000"},
    )

    more = sample_speakers(59, start=1)
    sample_sessions(agenda=agenda, count=39, speakers=first + more, start=1)
    _assert_counts(
        client,
        django_assert_num_queries,
        urls,
        {"agenda": "Phiên 039", "speakers": "Nguyễn Văn Diễn Giả 059"},
    )
    html = client.get(urls["speakers"]).content.decode()
    assert html.count('class="speaker-card"') == 60
    # Every photo is a rendition of the same fixed size.
    assert html.count('height="240" loading="lazy"') == 60
    assert html.count('width="240">') == 60
    assert client.get(urls["agenda"]).content.decode().count('class="session ') == 40
