"""On PostgreSQL, the event and access-log tables partitioned by month on their time column
(governance/partitions.py). Nothing changes on SQLite or in Django's model state."""

from django.db import migrations

from enablement.core import clock
from enablement.governance import partitions


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        partitions.partition_all(schema_editor.connection, clock.today())


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        partitions.unpartition_all(schema_editor.connection, clock.today())


class Migration(migrations.Migration):
    dependencies = [("governance", "0009_bounded_exported_people")]

    operations = [migrations.RunPython(forward, backward)]
