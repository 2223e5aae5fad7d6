from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "cms"
    verbose_name = _("Website")

    def ready(self):
        # Imported once the models are loaded (they import the models): the signal receivers, and
        # the pages' context providers (cms.page_context).
        from cms import page_views, signals  # noqa: F401, PLC0415
