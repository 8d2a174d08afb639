"""The audit tables' months ahead are made once a month in the worker (governance/jobs.py)."""

from django.db import migrations

NAME = "enablement audit partitions"


def create(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.get_or_create(
        name=NAME,
        defaults={
            "func": "enablement.governance.jobs.audit_partitions_job",
            "schedule_type": "M",
            "repeats": -1,
        },
    )


def drop(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0010_partition_audit_tables_by_month"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]
    operations = [migrations.RunPython(create, drop)]
