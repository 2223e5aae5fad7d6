"""The admin speaks Vietnamese: Wagtail's own catalogue is partial, ours (locale/vi, first in
LOCALE_PATHS) completes it. A walk through the main admin pages finds none of the common
English UI strings; a duplicate speaker is reported by its label, not by internal fields."""

import json

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model

from cms.models import SessionPage

#: Common English strings of Wagtail's admin UI (the ones seen in English before our catalogue:
#: menus, buttons, listings, the page editor, the account page).
ENGLISH = [
    "Images", "Documents", "Reports", "Help", "Create", "Submit", "Translate page",
    "Save draft", "More actions", "Bulk actions", "Sort by", "Filter by", "Show filters",
    "Add child page", "Edit this page", "View history", "Visit the live page", "Live",
    "Last published", "Page type", "Content", "Promote", "Comments", "Checks", "Toggle preview",
    "Skip to main content", "Keyboard shortcuts", "Profile", "Notifications", "Site history",
    "Locked pages", "Aging pages", "Workflows", "Redirects", "Collections", "Locales",
    "Other searches", "Previous", "Next", "Usage", "Add images", "Add an image",
    "Are you sure you want to delete this page?", "Yes, delete it", "Delete selected pages",
    "Choose which type of page you'd like to create.", "Search all pages…", "Search…",
    "There is 1 match", "There are 2 matches", "There are no results.",
]  # fmt: skip
#: Hard-coded in English in Wagtail 8.0.1's templates (not translatable): reported upstream.
#: "Actions" (aria-label of the header buttons), the hidden "Search" submit, a rendered "None".


def _ui_texts(html: str) -> set[str]:
    """Text a person sees or hears: text nodes, labels, titles, placeholders, and the strings
    of the JSON the admin's scripts render (sidebar menus, editor labels)."""
    soup = BeautifulSoup(html, "html.parser")
    texts: set[str] = set()

    def walk(value):
        if isinstance(value, str):
            texts.add(value.strip())
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for script in soup.find_all("script", attrs={"type": "application/json"}):
        walk(json.loads(script.string or "null"))
    for element in soup(["script", "style"]):
        element.decompose()
    texts.update(" ".join(text.split()) for text in soup.stripped_strings)
    for attribute in ("aria-label", "title", "placeholder"):
        texts.update(el[attribute].strip() for el in soup.find_all(attrs={attribute: True}))
    return texts


@pytest.fixture
def editor(client, demo_site):
    user = get_user_model().objects.create_superuser("bientap", "bientap@example.org", "pw")
    client.force_login(user)
    return client


def test_main_admin_pages_show_no_common_english_string(editor, demo_site):
    session = SessionPage.objects.filter(locale__language_code="vi").first()
    home = demo_site.get_parent()
    pages = [
        "/admin/",
        f"/admin/pages/{home.pk}/",
        f"/admin/pages/{session.pk}/edit/",
        f"/admin/pages/{demo_site.pk}/add_subpage/",
        f"/admin/pages/{session.pk}/delete/",
        f"/admin/pages/{session.pk}/history/",
        f"/admin/translation/submit/page/{session.pk}/",
        "/admin/pages/search/?q=dien+dan",
        "/admin/pages/search/?q=khongcogi",
        "/admin/images/",
        "/admin/images/multiple/add/",
        "/admin/documents/",
        "/admin/snippets/cms/speaker/",
        "/admin/reports/locked/",
        "/admin/reports/aging-pages/",
        "/admin/reports/site-history/",
        "/admin/users/",
        "/admin/account/",
    ]
    found = {}
    for url in pages:
        response = editor.get(url, HTTP_ACCEPT_LANGUAGE="vi")
        assert response.status_code == 200, url
        english = sorted(_ui_texts(response.content.decode()) & set(ENGLISH))
        if english:
            found[url] = english
    assert found == {}
    # The walk did see the Vietnamese it expects.
    dashboard = _ui_texts(editor.get("/admin/").content.decode())
    assert {"Hình ảnh", "Tài liệu", "Báo cáo", "Trợ giúp"} <= dashboard


def test_admin_avatars_do_not_come_from_gravatar(editor):
    assert "gravatar" not in editor.get("/admin/account/").content.decode()


def test_duplicate_speaker_is_named_by_its_label(demo_site):
    """The session editor's speakers formset (the class the admin builds) with one speaker
    twice: the message names the speaker field by its label, not "page and speaker"."""
    from django.utils import translation
    from wagtail.test.utils.form_data import inline_formset, nested_form_data

    session = SessionPage.objects.filter(
        locale__language_code="vi", session_speakers__isnull=False
    ).first()
    speaker = session.session_speakers.first().speaker
    formset_class = SessionPage.get_edit_handler().get_form_class().formsets["session_speakers"]
    row = {"speaker": speaker.pk, "role": "speaker", "ORDER": "1"}
    data = nested_form_data({"session_speakers": inline_formset([row, row])})
    formset = formset_class(data, instance=session, prefix="session_speakers")
    with translation.override("vi"):
        assert not formset.is_valid()
        message = " ".join(formset.non_form_errors())
    assert message == "Dữ liệu bị trùng: mỗi diễn giả chỉ được có một lần.", message
