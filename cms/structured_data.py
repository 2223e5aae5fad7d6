"""schema.org ``Event`` JSON-LD of a forum page, for search engines."""

from __future__ import annotations

import json

from django.conf import settings
from django.utils import timezone

from cms.enums import OrganizerRole
from core.localized import localized_text


def _absolute(path: str) -> str:
    if not path or path.startswith(("http://", "https://")):
        return path
    return settings.BASE_URL.rstrip("/") + path


def forum_event_jsonld(
    *, forum, organizers: dict, performers: list, registration_link: str, registration_open: bool
) -> str:
    """The JSON-LD text (safe to put inside ``<script type="application/ld+json">``)."""
    event = forum.event

    def text(field: str) -> str:
        return localized_text(event, field)

    starts = timezone.localtime(event.starts_at)
    ends = timezone.localtime(event.ends_at)
    org_list = [
        o
        for role in (OrganizerRole.ORGANIZER, OrganizerRole.CO_ORGANIZER)
        for o in organizers.get(role, [])
    ]
    organizer_ld = [
        {"@type": "Organization", "name": o.name, **({"url": o.url} if o.url else {})}
        for o in org_list
    ] or ([{"@type": "Organization", "name": text("organizer")}] if event.organizer else [])
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": text("name"),
        "description": forum.lead or text("theme"),
        "startDate": starts.isoformat(),
        "endDate": ends.isoformat(),
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "inLanguage": forum.locale.language_code if forum.locale_id else "vi",
        "url": _absolute(forum.get_url()),
        "location": {
            "@type": "Place",
            "name": text("venue"),
            "address": {
                "@type": "PostalAddress",
                "streetAddress": text("venue_address"),
                "addressCountry": "VN",
            },
        },
        "organizer": organizer_ld,
        "performer": [
            {
                "@type": "Person",
                "name": p.name,
                **({"jobTitle": p.position} if p.position else {}),
                **(
                    {"affiliation": {"@type": "Organization", "name": p.organization}}
                    if p.organization
                    else {}
                ),
            }
            for p in performers
        ],
        "offers": {
            "@type": "Offer",
            "price": "0",
            "priceCurrency": "VND",
            "availability": (
                "https://schema.org/InStock" if registration_open else "https://schema.org/SoldOut"
            ),
            "url": _absolute(registration_link or forum.get_url() or ""),
            **(
                {"validFrom": timezone.localtime(event.registration_opens_at).isoformat()}
                if event.registration_opens_at
                else {}
            ),
        },
    }
    if event.theme:
        data["about"] = text("theme")
    text = json.dumps(data, ensure_ascii=False)
    # Inside a <script> element only "</" can break out: escape the slash.
    return text.replace("</", "<\\/")
