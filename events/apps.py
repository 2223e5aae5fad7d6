from django.apps import AppConfig


class EventsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "events"
    verbose_name = "Events"

    def ready(self):
        # The registration questions' cache is dropped when a question changes (its signals).
        from events.services import questions  # noqa: F401, PLC0415
