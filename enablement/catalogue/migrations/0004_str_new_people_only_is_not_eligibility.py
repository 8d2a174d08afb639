"""Seed 004 §1(6) says the STR model "applies only to new people": in 2012 people already in
the old service were reviewed instead of being moved across. It was a transition rule, not
eligibility, yet the product refused anyone whose STR had ever ended, for life (issue 10).

Every service whose current settings carry the rule gets a new version without it, written
like any other settings change (a new row, a change note, the seed section), so referrals
that started under the old version keep it. Then the setting goes: nothing reads it."""

from django.db import migrations
from django.utils import timezone

NOTE = (
    "Not eligibility: seed 004 §1(6)'s 'new people only' was the 2012 transition from the old "
    "service (people already in it were reviewed instead); someone STR supported before may "
    "be referred again"
)


def drop_the_rule(apps, schema_editor):
    ServiceSettings = apps.get_model("catalogue", "ServiceSettings")
    skip = {"id", "version", "created_at", "created_by", "change_note", "sources"}
    now = timezone.now()
    for service_id in (
        ServiceSettings.objects.values_list("service_id", flat=True).distinct().order_by()
    ):
        current = ServiceSettings.objects.filter(service_id=service_id).order_by("-version").first()
        if not current.new_people_only:
            continue
        values = {
            f.attname: getattr(current, f.attname)
            for f in ServiceSettings._meta.concrete_fields
            if f.attname not in skip and f.name not in skip
        }
        values["new_people_only"] = False
        sources = {k: v for k, v in (current.sources or {}).items() if k != "new_people_only"}
        # No event here: a historical model would skip the audit hash chain (governance), and
        # the version's change note already says who changed what and why.
        ServiceSettings.objects.create(
            **values,
            version=current.version + 1,
            created_at=now,
            created_by=None,
            change_note=NOTE,
            sources=sources,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0003_bounded_text"),
    ]

    operations = [
        # The field goes in the next migration: PostgreSQL will not alter a table that has
        # rows with checks still pending in the same transaction.
        migrations.RunPython(drop_the_rule, migrations.RunPython.noop),
    ]
