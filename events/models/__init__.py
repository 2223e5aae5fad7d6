"""Models of events: the event and its registrations (registration.py), certificates of
attendance (certificate.py), announcements (announcement.py), the organizer's registration
questions (questions.py); check-in's models live in events/checkin/models.py and belong to this
app (its migrations are the events app's)."""

from events.checkin.models import *  # noqa: F403
from events.models.announcement import *  # noqa: F403
from events.models.certificate import *  # noqa: F403
from events.models.questions import *  # noqa: F403
from events.models.registration import *  # noqa: F403
