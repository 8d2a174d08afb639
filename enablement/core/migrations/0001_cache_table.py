"""The database table behind the "ratelimit" cache when no Redis is configured, so the
public form's limit is shared by every process (issue 9). Django makes it with
`createcachetable`; running that here means `migrate` is all a new machine needs."""

from django.core.management import call_command
from django.db import migrations


def create(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = []
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
