from django.apps import AppConfig


class ExhibitorsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "exhibitors"

    def ready(self):
        from events.signals import personal_data_anonymised  # noqa: PLC0415 (apps ready)
        from exhibitors.privacy import leads_anonymise, staff_anonymise  # noqa: PLC0415

        personal_data_anonymised.connect(staff_anonymise, dispatch_uid="exhibitors.staff")
        personal_data_anonymised.connect(leads_anonymise, dispatch_uid="exhibitors.leads")
