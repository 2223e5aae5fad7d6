from django.apps import AppConfig


class CoreConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "core"
    verbose_name = "Core"

    def ready(self):
        from django.urls import register_converter

        from core.converters import IdConverter

        register_converter(IdConverter, "id")
