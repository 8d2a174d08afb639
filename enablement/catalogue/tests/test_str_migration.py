"""The STR "new people only" rule leaves as a settings change, not a silent edit (issue 10):
a service whose current settings carried it gets a new version without it, and the old
version is kept for the referrals that started under it."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from enablement.demo.services import SERVICES

BEFORE = [("catalogue", "0003_bounded_text")]
AFTER = [("catalogue", "0005_remove_servicesettings_new_people_only")]


@pytest.mark.django_db(transaction=True)
def test_the_rule_leaves_in_a_new_version_with_its_reason():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Service = old.get_model("catalogue", "Service")
    Settings = old.get_model("catalogue", "ServiceSettings")
    now = timezone.now()
    str_service = Service.objects.create(code="STRX", name="STR test", organisation="Kent")
    other = Service.objects.create(code="OTHX", name="Other test", organisation="Kent")
    # Today's demo values, less the settings added after this migration.
    known = {f.name for f in Settings._meta.get_fields()}
    values = {
        k: v
        for k, v in next(s for s in SERVICES if s["code"] == "STR")["values"].items()
        if k in known
    }
    for service, rule in ((str_service, True), (other, False)):
        Settings.objects.create(
            **values,
            service=service,
            version=1,
            created_at=now,
            new_people_only=rule,
            sources={"new_people_only": "seed 004 §1(6)", "length_weeks": "seed 004 §1(5)"},
        )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    Settings = new.get_model("catalogue", "ServiceSettings")
    versions = list(Settings.objects.filter(service__code="STRX").order_by("version"))
    assert [v.version for v in versions] == [1, 2]
    assert "transition" in versions[1].change_note and "§1(6)" in versions[1].change_note
    assert versions[1].length_weeks == values["length_weeks"]
    assert versions[1].sources == {"length_weeks": "seed 004 §1(5)"}
    # A service that never had the rule gets no new version.
    assert Settings.objects.filter(service__code="OTHX").count() == 1
    assert not any(f.name == "new_people_only" for f in Settings._meta.get_fields())

    MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
