from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("events", "0006_registration_emails_to_the_outbox")]

    operations = [migrations.DeleteModel(name="RegistrationEmail")]
