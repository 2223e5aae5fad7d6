"""Business rules of events. Views, forms, admin, commands and tasks call these functions."""

from .event import event_upsert

__all__ = ["event_upsert"]
