from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class CoreConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "core"
    verbose_name = "Core"

    def ready(self):
        from django.urls import register_converter  # noqa: PLC0415 (when the app registry is ready)

        from core.converters import IdConverter  # noqa: PLC0415 (when the app registry is ready)

        register_converter(IdConverter, "id")
        # Each app registers its leased long jobs in its ``jobs`` module (core.leases), as
        # ``mail`` discovers ``mail_kinds``: ``core`` names no app.
        autodiscover_modules("jobs")
        # ... and their periodic sweeps in ``periodic`` (core.periodic, run by run_worker).
        autodiscover_modules("periodic")
