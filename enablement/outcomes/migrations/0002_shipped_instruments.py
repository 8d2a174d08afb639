"""The two instruments Enablement ships (three rows: the recovery-domain rating for the
person and for the carer, and SWEMWBS), so every installation has them to configure."""

from django.db import migrations

from enablement.outcomes.instruments import install_shipped


def add(apps, schema_editor):
    install_shipped(apps)


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0001_initial")]

    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
