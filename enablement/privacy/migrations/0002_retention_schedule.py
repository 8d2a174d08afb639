"""The retention sweep runs once a day in the worker, as a durable django-q2 schedule row."""

from django.db import migrations


def create(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.get_or_create(
        name="enablement retention sweep",
        defaults={
            "func": "enablement.privacy.jobs.retention_sweep_job",
            "schedule_type": "D",
            "repeats": -1,
        },
    )


def drop(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(
        name="enablement retention sweep"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0001_legal_hold_and_anonymisation"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]
    operations = [migrations.RunPython(create, drop)]
