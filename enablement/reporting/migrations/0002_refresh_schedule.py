"""The default dashboards are stamped again every 15 minutes in the worker, as a durable
django-q2 schedule row (ADR 0043; stamps.REFRESH_MINUTES says the same to the page)."""

from django.db import migrations

NAME = "enablement dashboard refresh"


def create(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.get_or_create(
        name=NAME,
        defaults={
            "func": "enablement.reporting.jobs.refresh_dashboards",
            "schedule_type": "I",
            "minutes": 15,
            "repeats": -1,
        },
    )


def drop(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0001_stamped_figures"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]
    operations = [migrations.RunPython(create, drop)]
