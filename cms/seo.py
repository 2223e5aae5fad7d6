"""What search engines and chat apps read about a page: addresses on the public host
(``BASE_URL``, whatever host the request came by), the canonical address, the language
alternates with ``x-default``, and the image and description to share (with fallbacks: the
forum's, then the site's default share image)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.templatetags.static import static

from core.links import absolute_url

#: The site's share image (1200 × 630), when neither the page nor a forum has one.
DEFAULT_SHARE_IMAGE = "img/share.png"
SHARE_RENDITION = "fill-1200x630-c50"
#: Query parameters that make another page of content (kept in the canonical address).
CANONICAL_PARAMETERS = ("p",)


def public_url(path: str) -> str:
    """``path`` (``/en/forum-2023/``) on the public address; an absolute URL (a rendition on
    a storage of its own, an organizer's website) is kept."""
    if not path or path.startswith(("http://", "https://")):
        return path
    return absolute_url(path)


def canonical_url(request) -> str:
    """The page's canonical address: its path on the public host, without the query string
    except a page number (``?p=2`` of the news)."""
    url = public_url(request.path)
    kept = [
        (name, request.GET[name])
        for name in CANONICAL_PARAMETERS
        if request.GET.get(name, "1") not in ("", "1")
    ]
    if kept:
        url += "?" + urlencode(kept)
    return url


def hreflang_links(links: list[dict]) -> list[dict]:
    """``[{"code", "url"}]`` (``language_links``) on the public host, plus ``x-default``: the
    address in the site's default language."""
    out = [{"code": link["code"], "url": public_url(link["url"])} for link in links]
    default = next((link for link in out if link["code"] == settings.LANGUAGE_CODE), None)
    if default is not None:
        out.append({"code": "x-default", "url": default["url"]})
    return out


def share_image_url(image) -> str:
    """The public address of ``image``'s 1200 × 630 share rendition, or of the default share
    image without one."""
    if image is None:
        return public_url(static(DEFAULT_SHARE_IMAGE))
    return public_url(image.get_rendition(SHARE_RENDITION).url)
