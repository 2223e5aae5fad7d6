from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class MailConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "mail"
    verbose_name = "Mail"

    def ready(self):
        # Each app that sends email registers its kinds in its own ``mail_kinds`` module
        # (as Django's admin discovers ``admin`` modules): ``mail`` names no app.
        autodiscover_modules("mail_kinds")
