"""Signals of events for the apps that build on it (events imports none of them)."""

from django.dispatch import Signal

#: Sent (sender: Registration; ``registration_ids``: a list) inside the transaction that
#: anonymised those registrations (the retention purge, an erasure request): an app that keeps
#: its own copy of their details (exhibitors' staff passes) forgets it too.
personal_data_anonymised = Signal()

#: Sent (sender: Registration; ``registration``) when the guest downloads their data
#: (``registration_personal_data``): an app that keeps records about the guest answers a dict
#: ``{section: JSON-ready data}`` that the download includes (exhibitors: the leads of the
#: companies that scanned their badge).
personal_data_collected = Signal()
