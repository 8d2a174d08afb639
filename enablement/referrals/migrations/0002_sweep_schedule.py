"""The sweep runs every five minutes in the worker, as a durable django-q2 schedule row."""

from django.db import migrations


def create(apps, schema_editor):
    schedule = apps.get_model("django_q", "Schedule")
    schedule.objects.get_or_create(
        name="enablement sweep",
        defaults={
            "func": "enablement.referrals.jobs.sweep",
            "schedule_type": "I",
            "minutes": 5,
            "repeats": -1,
        },
    )


def drop(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name="enablement sweep").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0001_initial"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]
    operations = [migrations.RunPython(create, drop)]
