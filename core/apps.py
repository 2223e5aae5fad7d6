from django.apps import AppConfig


class CoreConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "core"
    verbose_name = "Core"

    def ready(self):
        from django.urls import register_converter  # noqa: PLC0415 (when the app registry is ready)

        from core.converters import IdConverter  # noqa: PLC0415 (when the app registry is ready)

        register_converter(IdConverter, "id")
