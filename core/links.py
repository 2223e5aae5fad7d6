"""Links that leave the site: in emails, badges, PDFs and calendars."""

from django.conf import settings


def absolute_url(path: str) -> str:
    """``path`` on the site's public address (``BASE_URL``)."""
    return settings.BASE_URL.rstrip("/") + path
