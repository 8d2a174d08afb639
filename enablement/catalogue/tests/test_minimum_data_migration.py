"""What a self- or carer referral gave was hard-coded; it becomes each service's setting
without any service's self-referral failing on the day (issue 10 item 3): a service taking
them with no line for them gets a new settings version saying what the code said."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from enablement.demo.services import SERVICES

BEFORE = [("catalogue", "0006_front_door_as_the_seeds_say")]
AFTER = [("catalogue", "0007_minimum_data")]


@pytest.mark.django_db(transaction=True)
def test_self_and_carer_referrals_keep_what_they_gave_in_a_new_version():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Service = old.get_model("catalogue", "Service")
    Settings = old.get_model("catalogue", "ServiceSettings")
    known = {f.name for f in Settings._meta.get_fields()}
    bep = next(s for s in SERVICES if s["code"] == "BEP")["values"]
    kers = next(s for s in SERVICES if s["code"] == "KERS")["values"]
    now = timezone.now()
    for code, values, requirements in (
        ("BEPX", bep, {}),  # takes self and carers, says nothing about them
        ("SETX", bep, {"self": ["source", "consent"], "carer": ["source", "consent"]}),
        ("KERX", kers, {}),  # takes neither
    ):
        service = Service.objects.create(code=code, name=code, organisation="Test")
        Settings.objects.create(
            **{k: v for k, v in values.items() if k in known and k != "source_requirements"},
            source_requirements=requirements,
            service=service,
            version=1,
            created_at=now,
            sources={"length_weeks": "seed"},
        )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    Settings = new.get_model("catalogue", "ServiceSettings")
    versions = list(Settings.objects.filter(service__code="BEPX").order_by("version"))
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].source_requirements == {}  # kept for the referrals that used it
    given = versions[1].source_requirements
    assert set(given) == {"self", "carer"}
    assert "named_social_worker" not in given["self"]
    assert not any(code.startswith("risk") for code in given["carer"])
    assert {"date_of_birth", "work_requested", "deliverable", "consent"} <= set(given["self"])
    assert "seed 003" in versions[1].change_note
    assert versions[1].sources == {"length_weeks": "seed"}
    assert versions[1].length_weeks == bep["length_weeks"]
    # A service that says already, or takes neither, gets no new version.
    assert Settings.objects.filter(service__code="SETX").count() == 1
    assert Settings.objects.filter(service__code="KERX").count() == 1

    MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
