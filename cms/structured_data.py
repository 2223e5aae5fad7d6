"""schema.org ``Event`` JSON-LD of a forum page, for search engines."""

from __future__ import annotations

import json

from django.utils import timezone

from cms.enums import OrganizerRole
from cms.seo import public_url, share_image_url
from core.localized import localized_text


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
    # An organizer without a website of its own is reached through the forum's site.
    site_url = public_url("/")
    organizer_ld = [
        {"@type": "Organization", "name": o.name, "url": o.url or site_url} for o in org_list
    ] or (
        [{"@type": "Organization", "name": text("organizer"), "url": site_url}]
        if event.organizer
        else []
    )
    address = {
        "@type": "PostalAddress",
        "streetAddress": text("venue_address"),
        "addressLocality": event.venue_locality,
        "addressRegion": event.venue_region,
        "postalCode": event.venue_postal_code,
        "addressCountry": event.venue_country or "VN",
    }
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
        "url": public_url(forum.get_url()),
        "image": [share_image_url(forum.hero_image)],
        "location": {
            "@type": "Place",
            "name": text("venue"),
            "address": {key: value for key, value in address.items() if value},
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
            "url": public_url(registration_link or forum.get_url() or ""),
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
