"""Models of events: the event and its registrations (registration.py), check-in (checkin.py)."""

from .checkin import *  # noqa: F403
from .registration import *  # noqa: F403
