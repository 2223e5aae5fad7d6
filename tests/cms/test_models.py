"""Editors' rules: the page tree, required alt text, session times, search text."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from wagtail.models import Page

from cms.enums import SpeakerRole
from cms.models import (
    AgendaPage,
    ExhibitionPage,
    ForumPage,
    HomePage,
    NewsIndexPage,
    NewsPage,
    SessionPage,
    SessionSpeaker,
    Speaker,
    SpeakerIndexPage,
    StandardPage,
)
from cms.sample import sample_speakers
from cms.selectors import search_terms, session_speakers_queryset
from core.time import HCM


def test_page_tree_allows_sessions_only_under_an_agenda():
    assert SessionPage.allowed_parent_page_models() == [AgendaPage]
    assert SessionPage not in NewsIndexPage.allowed_subpage_models()
    assert SessionPage not in ForumPage.allowed_subpage_models()
    assert NewsPage.allowed_parent_page_models() == [NewsIndexPage]
    assert AgendaPage.allowed_subpage_models() == [SessionPage]
    assert ForumPage.allowed_parent_page_models() == [HomePage]
    assert set(ForumPage.allowed_subpage_models()) == {
        AgendaPage,
        SpeakerIndexPage,
        ExhibitionPage,
        NewsIndexPage,
        StandardPage,
    }
    assert SpeakerIndexPage.allowed_subpage_models() == []
    assert HomePage.allowed_parent_page_models() == [Page]


def test_editor_cannot_add_a_session_under_the_news_index(sample_forum):
    news = NewsIndexPage(title="Tin tức", slug="tin-tuc")
    sample_forum.add_child(instance=news)
    assert not SessionPage.can_create_at(news)
    agenda = AgendaPage.objects.child_of(sample_forum).get()
    assert SessionPage.can_create_at(agenda)
    # One agenda per forum.
    assert not AgendaPage.can_create_at(sample_forum)


def test_speaker_photo_requires_alt_text(db):
    speaker = sample_speakers(1)[0]
    speaker.photo_alt = "  "
    with pytest.raises(ValidationError) as error:
        speaker.full_clean()
    assert "photo_alt" in error.value.message_dict
    speaker.photo = None
    speaker.full_clean()  # no photo, no alt text needed


def test_news_image_requires_alt_text(sample_forum):
    image = sample_speakers(1)[0].photo
    news = NewsPage(title="Tin", slug="tin", image=image, image_alt="")
    with pytest.raises(ValidationError) as error:
        news.clean()
    assert "image_alt" in error.value.message_dict


def test_session_cannot_end_before_it_starts(sample_forum):
    agenda = AgendaPage.objects.child_of(sample_forum).get()
    session = SessionPage(
        title="Phiên sai giờ",
        slug="sai-gio",
        starts_at=dt.datetime(2023, 12, 27, 10, 0, tzinfo=HCM),
        ends_at=dt.datetime(2023, 12, 27, 9, 0, tzinfo=HCM),
    )
    with pytest.raises(ValidationError) as error:
        session.clean()
    assert "ends_at" in error.value.message_dict
    with pytest.raises(ValidationError):
        agenda.add_child(instance=session)  # Wagtail validates before saving
    session.ends_at = dt.datetime(2023, 12, 27, 11, 0, tzinfo=HCM)
    agenda.add_child(instance=session)
    with pytest.raises(IntegrityError), transaction.atomic():  # the database refuses it too
        SessionPage.objects.filter(pk=session.pk).update(
            ends_at=dt.datetime(2023, 12, 27, 9, 0, tzinfo=HCM)
        )


def test_speaker_slug_is_folded_and_unique(db):
    first = Speaker.objects.create(name="Đỗ Đức Đạt")
    second = Speaker.objects.create(name="Đỗ Đức Đạt")
    assert first.slug == "do-duc-dat"
    assert second.slug == "do-duc-dat-2"


def test_search_text_is_folded_on_save(sample_forum):
    page = StandardPage(title="Đăng ký tham dự", slug="dang-ky", lead="Chuyển Đổi Số")
    sample_forum.add_child(instance=page)
    page.refresh_from_db()
    assert page.search_text == "dang ky tham du chuyen doi so"


def test_a_draft_does_not_change_what_search_finds(sample_forum):
    page = StandardPage(title="Giới thiệu", slug="gioi-thieu")
    sample_forum.add_child(instance=page)
    page.save_revision().publish()
    page.title = "Bí mật chưa công bố"
    page.save_revision()  # a draft of a live page
    page.refresh_from_db()
    assert page.search_text == "gioi thieu"
    page.get_latest_revision().publish()
    page.refresh_from_db()
    assert page.search_text == "bi mat chua cong bo"


def test_moderators_come_first_whatever_the_editor_order(sample_forum):
    agenda = AgendaPage.objects.child_of(sample_forum).get()
    a, b, c = sample_speakers(3)
    session = SessionPage(
        title="Tọa đàm",
        slug="toa-dam",
        starts_at=dt.datetime(2023, 12, 27, 10, 0, tzinfo=HCM),
        ends_at=dt.datetime(2023, 12, 27, 11, 0, tzinfo=HCM),
    )
    session.session_speakers = [
        SessionSpeaker(speaker=a, role=SpeakerRole.SPEAKER, sort_order=0),
        SessionSpeaker(speaker=b, role=SpeakerRole.SPEAKER, sort_order=1),
        SessionSpeaker(speaker=c, role=SpeakerRole.MODERATOR, sort_order=2),
    ]
    agenda.add_child(instance=session)
    names = [link.speaker.name for link in session_speakers_queryset().filter(page=session)]
    assert names == [c.name, a.name, b.name]


def test_renaming_a_speaker_updates_the_search_text_of_their_sessions(sample_forum):
    agenda = AgendaPage.objects.child_of(sample_forum).get()
    speaker = sample_speakers(1)[0]
    session = SessionPage(
        title="Phiên",
        slug="phien",
        starts_at=dt.datetime(2023, 12, 27, 10, 0, tzinfo=HCM),
        ends_at=dt.datetime(2023, 12, 27, 11, 0, tzinfo=HCM),
    )
    session.session_speakers = [SessionSpeaker(speaker=speaker, sort_order=0)]
    agenda.add_child(instance=session)
    speaker.name = "Trần Thị Ánh"
    speaker.save()
    session.refresh_from_db()
    assert "tran thi anh" in session.search_text


@pytest.mark.parametrize(
    ("query", "terms"),
    [
        ("Chuyển đổi số", ["chuyen", "doi", "so"]),
        ("  ĐĂNG   KÝ ", ["dang", "ky"]),
        ("dang\x00ky", ["dang", "ky"]),
        ("\u200b\u202e", []),
        ("", []),
        ("a" * 1000, ["a" * 200]),
        (" ".join(["x"] * 50), ["x"] * 8),
    ],
)
def test_search_terms_fold_and_bound_the_query(query, terms):
    assert search_terms(query) == terms


def test_deleting_a_live_page_makes_cached_content_stale(sample_forum):
    from cms.cache import content_version

    live = sample_forum.get_children().live().first().specific
    before = content_version()
    live.delete()
    assert content_version() != before
    draft = sample_forum.add_child(
        instance=type(sample_forum.get_children().first().specific)(title="Nháp", live=False)
    )
    before = content_version()
    draft.delete()
    assert content_version() == before  # a draft was never shown
