from django.apps import AppConfig


class ExhibitorsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "exhibitors"

    def ready(self):
        from events.signals import (  # noqa: PLC0415 (apps ready)
            personal_data_anonymised,
            personal_data_collected,
        )
        from exhibitors.privacy import (  # noqa: PLC0415 (models loaded)
            leads_anonymise,
            leads_of_visitor,
            staff_anonymise,
        )

        personal_data_anonymised.connect(staff_anonymise, dispatch_uid="exhibitors.staff")
        personal_data_anonymised.connect(leads_anonymise, dispatch_uid="exhibitors.leads")
        personal_data_collected.connect(leads_of_visitor, dispatch_uid="exhibitors.leads")
