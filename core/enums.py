"""Choices every app shares."""

from django.db import models


class Language(models.TextChoices):
    """The languages of the site, of emails and of badges: Vietnamese first."""

    VI = "vi", "Tiếng Việt"
    EN = "en", "English"
