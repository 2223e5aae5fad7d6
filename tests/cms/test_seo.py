"""What search engines and chat apps read: the sitemap on the public address with language
alternates, canonical/hreflang/OpenGraph tags on every page of it, one calendar UID per session
in both languages, the favicon."""

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import icalendar
import pytest

from cms.models import ForumPage, SessionPage

SITEMAP = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def _sitemap(client) -> list[tuple[str, dict[str, str]]]:
    """``[(loc, {hreflang: href})]`` of /sitemap.xml."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314 - our own sitemap
    return [
        (
            url.find("s:loc", SITEMAP).text,
            {link.get("hreflang"): link.get("href") for link in url.findall("x:link", SITEMAP)},
        )
        for url in root.findall("s:url", SITEMAP)
    ]


class _Head(HTMLParser):
    """The <link> and <meta> tags of a page."""

    def __init__(self):
        super().__init__()
        self.links: list[dict] = []
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link":
            self.links.append(attrs)
        elif tag == "meta" and "content" in attrs:
            self.meta[attrs.get("property") or attrs.get("name") or ""] = attrs["content"]


def _session_in_both_languages() -> tuple[SessionPage, SessionPage]:
    vietnamese = SessionPage.objects.get(locale__language_code="vi", slug="phat-bieu-khai-mac")
    english = SessionPage.objects.get(
        translation_key=vietnamese.translation_key, locale__language_code="en"
    )
    return vietnamese, english


def _head(client, url: str) -> _Head:
    response = client.get(url)
    assert response.status_code == 200, url
    head = _Head()
    head.feed(response.content.decode())
    return head


def test_sitemap_is_on_the_public_address_with_language_alternates(client, demo_site, public_url):
    entries = _sitemap(client)
    assert len(entries) > 40
    for loc, alternates in entries:
        assert loc.startswith(public_url + "/"), loc
        # Every demo page exists in both languages: vi, en and x-default (the Vietnamese one).
        assert set(alternates) == {"vi", "en", "x-default"}, loc
        assert loc in (alternates["vi"], alternates["en"])
        assert alternates["x-default"] == alternates["vi"]
        assert alternates["en"].startswith(public_url + "/en/")
    by_loc = dict(entries)
    agenda = by_loc[f"{public_url}/dien-dan-2023/chuong-trinh/"]
    assert agenda["en"] == f"{public_url}/en/forum-2023/agenda/"
    assert by_loc[agenda["en"]] == agenda  # the English entry lists the same alternates


def test_sitemap_leaves_out_a_translation_that_is_not_published(client, demo_site, public_url):
    _vietnamese, english = _session_in_both_languages()
    english.unpublish()
    by_loc = dict(_sitemap(client))
    loc = f"{public_url}/dien-dan-2023/chuong-trinh/phat-bieu-khai-mac/"
    assert set(by_loc[loc]) == {"vi", "x-default"}
    # The page says the same (its language switcher still offers the English site).
    head = _head(client, loc.removeprefix(public_url))
    assert [link["hreflang"] for link in head.links if link.get("rel") == "alternate"] == [
        "vi",
        "x-default",
    ]


def test_every_sitemap_page_has_canonical_hreflang_and_share_tags(client, demo_site, public_url):
    forum_image = None
    for loc, alternates in _sitemap(client):
        head = _head(client, loc.removeprefix(public_url))
        canonical = [link["href"] for link in head.links if link.get("rel") == "canonical"]
        assert canonical == [loc]
        hreflang = {
            link["hreflang"]: link["href"] for link in head.links if link.get("rel") == "alternate"
        }
        assert hreflang == alternates, loc
        meta = head.meta
        assert meta["og:url"] == loc
        assert meta["og:title"] and meta["og:description"], loc
        assert meta["description"] == meta["og:description"]
        assert meta["og:image"].startswith(public_url + "/"), loc
        assert meta["twitter:image"] == meta["og:image"]
        if loc == f"{public_url}/dien-dan-2023/":
            forum_image = meta["og:image"]
    # Pages without an image of their own share the forum's.
    assert re.search(r"/media/images/.+\.fill-1200x630-c50\.\w+$", forum_image)
    for path in ("/dien-dan-2023/chuong-trinh/", "/dien-dan-2023/dien-gia/", "/tin-tuc/"):
        assert _head(client, path).meta["og:image"] == forum_image, path


def test_without_any_image_pages_share_the_site_image(client, demo_site, public_url):
    ForumPage.objects.filter(pk=demo_site.pk).update(hero_image=None)
    for path in ("/dien-dan-2023/", "/dien-dan-2023/chuong-trinh/", "/tim-kiem/?q=a"):
        meta = _head(client, path).meta
        assert meta["og:image"] == f"{public_url}/static/img/share.png", path
        assert meta["og:description"], path
    assert client.get("/static/img/share.png").status_code == 200


def test_views_that_are_not_pages_have_canonical_and_alternates(client, demo_site, public_url):
    head = _head(client, "/en/tim-kiem/?q=hai+phong&utm_source=x")
    links = {(link.get("rel"), link.get("hreflang")): link["href"] for link in head.links}
    assert links[("canonical", None)] == f"{public_url}/en/tim-kiem/"
    assert links[("alternate", "vi")].startswith(f"{public_url}/tim-kiem/")
    assert links[("alternate", "x-default")] == links[("alternate", "vi")]


def test_organizer_without_a_website_is_reached_through_the_site(client, demo_site, public_url):
    import json

    demo_site.organizers.filter(name="VINASA").update(url="")
    html = client.get("/dien-dan-2023/").content.decode()
    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    urls = {o["name"]: o["url"] for o in json.loads(raw)["organizer"]}
    assert urls["VINASA"] == f"{public_url}/"
    assert urls["UBND TP Hải Phòng"] == "https://haiphong.gov.vn/"


def test_a_session_has_one_calendar_uid_in_both_languages(client, demo_site):
    vietnamese, english = _session_in_both_languages()

    def uid(url):
        [vevent] = icalendar.Calendar.from_ical(client.get(url).content).walk("VEVENT")
        return str(vevent["UID"]), str(vevent["SUMMARY"])

    vi_uid, vi_summary = uid(vietnamese.ics_url)
    en_uid, en_summary = uid("/en" + english.ics_url)
    assert vi_uid == en_uid
    assert (vi_summary, en_summary) == ("Phát biểu khai mạc diễn đàn", "Opening speech")


@pytest.mark.parametrize("path", ["/", "/en/forum-2023/", "/tim-kiem/"])
def test_every_page_links_the_favicon(client, demo_site, path):
    head = _head(client, path)
    icons = {link["href"] for link in head.links if link.get("rel") in ("icon", "apple-touch-icon")}
    assert icons == {"/favicon.ico", "/static/img/favicon.svg", "/static/img/apple-touch-icon.png"}
    for icon in icons:
        response = client.get(icon)
        assert response.status_code == 200, icon
        body = b"".join(response.streaming_content if response.streaming else [response.content])
        assert body, icon


def test_favicon_ico_answers_at_the_root(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert response["Cache-Control"] == "max-age=86400, public"
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file
