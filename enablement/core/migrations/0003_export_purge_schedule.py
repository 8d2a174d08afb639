"""Expired export files are removed every hour in the worker, as a durable django-q2 schedule
row (each job also purges before it runs)."""

from django.db import migrations


def create(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.get_or_create(
        name="enablement export purge",
        defaults={
            "func": "enablement.core.export_jobs.purge_expired_job",
            "schedule_type": "H",
            "repeats": -1,
        },
    )


def drop(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name="enablement export purge").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_export_job"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]
    operations = [migrations.RunPython(create, drop)]
