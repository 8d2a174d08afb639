"""The two instruments Enablement ships (three rows: the recovery-domain rating for the
person and for the carer, and SWEMWBS), so every installation has them to configure."""

from django.db import migrations

from enablement.outcomes.instruments import SHIPPED


def add(apps, schema_editor):
    instrument_model = apps.get_model("outcomes", "Instrument")
    item_model = apps.get_model("outcomes", "InstrumentItem")
    for spec in SHIPPED:
        values = {k: v for k, v in spec.items() if k not in ("code", "items")}
        instrument, created = instrument_model.objects.get_or_create(
            code=spec["code"], defaults=values
        )
        if created:
            item_model.objects.bulk_create(
                item_model(instrument=instrument, position=n, label=label)
                for n, label in enumerate(spec["items"], start=1)
            )


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0001_initial")]

    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
