"""What a self- or carer referral must give was written into the code: every item of the
validation checklist but the named social worker and the risk information. It is now each
service's setting (`source_requirements`, seed 003 "Referral sources"), and a source the
setting does not list must give every item.

So that no service's self-referral starts failing on the day this runs, every service whose
current settings take the person themself or a carer, with no line for them, gets a new
version saying exactly what the code said, written like any other settings change (a new row,
a change note), so referrals that started under the old version keep it. The service's admin
can then set the minimum data the service wants. The checklist codes are written out here,
as they were on the day, not read from the code that may change after."""

from django.db import migrations
from django.utils import timezone

SELF_SOURCES = ("self", "carer")

# The checklist the hard-coded rule applied to a self- or carer referral.
WHAT_THEY_GAVE = [
    "source",
    "date_of_birth",
    "diagnosis_category",
    "need_identified",
    "work_requested",
    "work_specific",
    "deliverable",
    "consent",
]

NOTE = (
    "Minimum data became a setting (seed 003 'Referral sources'): the person themself and a "
    "carer give what they gave before, every item but the named social worker and the risks"
)


def write_what_they_gave(apps, schema_editor):
    ServiceSettings = apps.get_model("catalogue", "ServiceSettings")
    skip = {"id", "version", "created_at", "created_by", "change_note"}
    now = timezone.now()
    for service_id in (
        ServiceSettings.objects.values_list("service_id", flat=True).distinct().order_by()
    ):
        current = ServiceSettings.objects.filter(service_id=service_id).order_by("-version").first()
        requirements = dict(current.source_requirements or {})
        missing = [
            s
            for s in SELF_SOURCES
            if s in (current.referral_sources or []) and s not in requirements
        ]
        if not missing:
            continue
        for source in missing:
            requirements[source] = list(WHAT_THEY_GAVE)
        values = {
            f.attname: getattr(current, f.attname)
            for f in ServiceSettings._meta.concrete_fields
            if f.attname not in skip and f.name not in skip
        }
        values["source_requirements"] = requirements
        # No event here: a historical model would skip the audit hash chain (governance), and
        # the version's change note already says who changed what and why.
        ServiceSettings.objects.create(
            **values, version=current.version + 1, created_at=now, created_by=None, change_note=NOTE
        )


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0006_front_door_as_the_seeds_say"),
    ]

    operations = [
        migrations.RunPython(write_what_they_gave, migrations.RunPython.noop),
    ]
