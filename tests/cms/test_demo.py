"""The demo's text is data (cms/demo_data/*.toml): the files agree on their keys, and the site
``load_site`` builds carries exactly their text in both languages. (Moving the text out of
cms/demo.py was checked by dumping every page, speaker, image and document before and after:
identical.)"""

import tomllib

import pytest

from cms.demo import DATA_DIR, EN, FORUM, SESSIONS, VI
from cms.models import NewsPage, SessionPage, Speaker, StandardPage


def test_the_data_files_agree_on_their_keys():
    assert set(VI["sessions"]) == set(EN["sessions"]) == set(SESSIONS)
    assert set(VI["speakers"]) == set(EN["speakers"]) == set(FORUM["speakers"])
    assert set(EN["pages"]) == set(VI["pages"])
    assert set(VI["rooms"]) == set(EN["rooms"])
    rooms = {spec["room"] for spec in SESSIONS.values()} - {""}
    assert rooms <= set(VI["rooms"])
    for spec in SESSIONS.values():
        assert spec["start"] < spec["end"]
        assert {key for key, _role in spec["speakers"]} <= set(FORUM["speakers"])
    with (DATA_DIR / "vi.toml").open("rb") as file:
        assert tomllib.load(file)["home"]["slug"] == "trang-chu"


@pytest.mark.django_db
def test_the_demo_site_carries_the_data_files_text(demo_site):
    for slug, text in VI["sessions"].items():
        vi = SessionPage.objects.get(slug=slug, locale__language_code="vi")
        en = SessionPage.objects.get(slug=slug, locale__language_code="en")
        assert vi.title == text["title"]
        assert vi.abstract == "".join(f"<p>{p}</p>" for p in text["abstract"])
        assert en.title == EN["sessions"][slug]["title"]
        assert en.abstract == "".join(f"<p>{p}</p>" for p in EN["sessions"][slug]["abstract"])
        assert (vi.room, vi.room_en) == (en.room, en.room_en)
    opening = SessionPage.objects.get(slug="phat-bieu-khai-mac", locale__language_code="vi")
    assert [block.block_type for block in opening.body] == [
        "heading",
        "paragraph",
        "paragraph",
        "table",
        "paragraph",
        "quote",
        "paragraph",
    ]
    news = NewsPage.objects.get(locale__language_code="vi")
    # The article repeats the opening's two paragraphs and VINASA's address (shared blocks).
    paragraphs = [block.value.source for block in news.body if block.block_type == "paragraph"]
    assert paragraphs[2:4] == [f"<p>{b['text']}</p>" for b in VI["shared"]["opening_plan"]]
    assert paragraphs[7:9] == [f"<p>{b['text']}</p>" for b in VI["shared"]["khoa"]]
    assert news.lead == VI["home"]["lead"]
    for key in ("venue", "faq", "privacy"):
        vi = StandardPage.objects.get(slug=VI["pages"][key]["slug"])
        en = StandardPage.objects.get(slug=EN["pages"][key]["slug"])
        assert (vi.title, en.title) == (VI["pages"][key]["title"], EN["pages"][key]["title"])
        assert en.translation_key == vi.translation_key
    khoa = Speaker.objects.get(name=FORUM["speakers"]["khoa"]["name"])
    assert (khoa.position, khoa.position_en) == ("Chủ tịch", "Chairman")
    assert khoa.bio == "".join(f"<p>{p}</p>" for p in VI["speakers"]["khoa"]["bio"])
    dat = Speaker.objects.get(name=FORUM["speakers"]["dat"]["name"])
    assert dat.bio_en == "".join(f"<p>{p}</p>" for p in EN["illustrative_bio"])
