from django.db import models
from django.utils.translation import gettext_lazy as _


class SessionKind(models.TextChoices):
    OPENING = "opening", _("Opening")
    KEYNOTE = "keynote", _("Keynote")
    PANEL = "panel", _("Panel discussion")
    TALK = "talk", _("Talk")
    BREAK = "break", _("Break")
    EXHIBITION = "exhibition", _("Exhibition")


class SpeakerRole(models.TextChoices):
    MODERATOR = "moderator", _("Moderator")
    SPEAKER = "speaker", _("Speaker")


class OrganizerRole(models.TextChoices):
    ORGANIZER = "organizer", _("Organizer")
    CO_ORGANIZER = "co_organizer", _("Co-organizer")
    SPONSOR = "sponsor", _("Sponsor")
    PARTNER = "partner", _("Partner")
