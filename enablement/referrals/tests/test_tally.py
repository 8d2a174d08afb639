"""The referrals counted by place and status (ADR 0047): kept by the database's triggers
whatever writes the referrals, folded by the sweep, rebuilt on demand, and what the tracker
shows."""

import datetime as dt
from collections import Counter
from html import unescape

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from enablement.accounts import access
from enablement.catalogue.models import Team
from enablement.referrals import services, tally
from enablement.referrals.jobs import sweep
from enablement.referrals.models import Referral, StatusTally
from enablement.referrals.rules import Status

# The tally by place and the referrals counted by place (`tally.tallied`, `tally.counted`).
_tallied, _counted = tally.tallied, tally.counted


def _now():
    return timezone.now()


def test_the_tally_is_the_referrals_counted_after_every_kind_of_write(demo, user_for):
    assert _tallied() == _counted()
    assert _counted()  # the demo has referrals in several places and statuses
    admin = user_for("admin")
    received = Referral.objects.filter(
        status=Status.SUBMITTED, team__isnull=False, service_settings__case_system_step=False
    ).first()
    # An action (one row changed in its own transaction).
    services.validate_referral(referral=received, actor=admin, now=_now())
    assert _tallied() == _counted()
    # A bulk update of many rows at once, as the sweep writes them.
    Referral.objects.filter(status=Status.VALIDATED).update(status=Status.CLOSED_NOT_READY)
    assert _tallied() == _counted()
    # A move to another team, and a service's referrals with no team yet.
    other = Team.objects.exclude(pk=received.team_id).filter(service=received.service_id).first()
    Referral.objects.filter(pk=received.pk).update(team=other)
    Referral.objects.filter(pk=received.pk).update(team=None)
    assert _tallied() == _counted()
    # A row written outside any action (a shell, a data fix), and its delete.
    copy = Referral.objects.get(pk=received.pk)
    copy.pk, copy.reference = None, "COPY-1"
    copy.save()
    assert _tallied() == _counted()
    Referral.objects.filter(pk=copy.pk).delete()
    assert _tallied() == _counted()


def test_a_write_that_moves_no_referral_adds_no_row(demo):
    before = StatusTally.objects.count()
    Referral.objects.update(decision_reason="Checked")
    assert StatusTally.objects.count() == before


def test_folding_keeps_every_count_and_leaves_a_row_per_place_and_status(demo):
    Referral.objects.filter(status=Status.SUBMITTED).update(status=Status.VALIDATED)
    Referral.objects.filter(status=Status.VALIDATED).update(status=Status.SUBMITTED)
    expected = _counted()
    assert StatusTally.objects.count() > len(expected)  # the changes, row by row
    assert tally.compact() == len(expected)
    assert StatusTally.objects.count() == len(expected)
    assert _tallied() == expected
    assert tally.compact() == len(expected)  # again: nothing changes


def test_the_sweep_folds_the_tally(demo):
    Referral.objects.filter(status=Status.SUBMITTED).update(status=Status.VALIDATED)
    assert sweep()["tally_rows"] == len(_counted())
    assert StatusTally.objects.count() == len(_counted())


def test_a_lost_tally_is_counted_again(demo):
    StatusTally.objects.all().delete()
    StatusTally.objects.create(service_id=1, team_id=None, status=Status.SUBMITTED, n=5)
    tally.rebuild()
    assert _tallied() == _counted()


def test_counts_read_a_place_and_a_status(demo):
    team = Team.objects.get(service__code="KERS", name="Kent East")
    mine = Q(team_id=team.pk) | Q(team__isnull=True, service_id=team.service_id)
    expected = {}
    for status in Referral.objects.filter(mine).values_list("status", flat=True):
        expected[status] = expected.get(status, 0) + 1
    assert tally.counts(mine) == expected
    assert tally.counts(mine & Q(status=Status.SUBMITTED)) == {
        k: v for k, v in expected.items() if k == Status.SUBMITTED
    }


# --- The tracker ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "provision_manager", "quality_manager"])
def test_the_tracker_counts_a_place_from_the_tally_not_its_history(role, demo, client_for):
    """The counts are read from the tally (a row added to it shows on the page) and no
    statement counts the referrals themselves."""
    client = client_for(role)
    with CaptureQueriesContext(connection) as queries:
        before = client.get("/referrals/").context["total"].n
    counting = [
        q["sql"] for q in queries if "COUNT(" in q["sql"] and "referrals_referral" in q["sql"]
    ]
    assert counting == []
    assert any("referrals_statustally" in q["sql"] for q in queries)
    team = Team.objects.get(service__code="KERS", name="Kent East")
    StatusTally.objects.create(service=team.service, team=team, status=Status.SUBMITTED, n=3)
    after = client.get("/referrals/")
    assert after.context["total"].n == before + 3
    assert f'data-testid="total">{before + 3}</td>' in unescape(after.content.decode())


def test_a_referrers_own_referrals_are_counted_from_the_referrals(demo, client_for, user_for):
    """A referrer sees their own referrals wherever they are: not a place, so not tallied."""
    referrer = user_for("referrer")
    own = Referral.objects.filter(Q(referrer=referrer) | Q(named_social_worker=referrer))
    response = client_for("referrer").get("/referrals/")
    assert response.context["total"].n == own.count() > 0
    counts = {status: n.n for status, _, n in response.context["counts"]}
    expected = {}
    for status in own.values_list("status", flat=True):
        expected[status] = expected.get(status, 0) + 1
    assert counts == expected


@pytest.mark.skipif(connection.vendor != "postgresql", reason="statement triggers: PostgreSQL")
def test_one_statement_moving_many_referrals_writes_a_row_per_place_and_status(demo):
    team = Team.objects.get(service__code="KERS", name="Kent East")
    moved = Referral.objects.filter(team=team).exclude(status=Status.WITHDRAWN)
    leaving = set(moved.values_list("status", flat=True))
    assert moved.count() > len(leaving) + 1  # more referrals than the rows below
    before = StatusTally.objects.count()
    moved.update(status=Status.WITHDRAWN, decided_at=dt.datetime(2026, 3, 2, tzinfo=dt.UTC))
    # One row per status the referrals left and one for the status they all reached, not
    # one per referral.
    assert StatusTally.objects.count() - before == len(leaving) + 1
    assert _tallied() == _counted()


def test_the_api_counts_its_list_from_the_tally(demo, client_for):
    admin = client_for("admin")
    url = "/api/v1/referrals"
    before = admin.get(url).json()["count"]
    submitted = admin.get(url, {"status": Status.SUBMITTED.value}).json()["count"]
    overdue = admin.get(url, {"overdue": True}).json()["count"]
    team = Team.objects.get(service__code="KERS", name="Kent East")
    StatusTally.objects.create(service=team.service, team=team, status=Status.SUBMITTED, n=3)
    assert admin.get(url).json()["count"] == before + 3
    assert admin.get(url, {"status": Status.SUBMITTED.value}).json()["count"] == submitted + 3
    assert admin.get(url, {"team": team.pk}).json()["count"] == before + 3
    assert admin.get(url, {"service": "KERS"}).json()["count"] == before + 3
    assert admin.get(url, {"service": "BEN"}).json()["count"] == 0  # not this admin's
    assert admin.get(url, {"status": Status.VALIDATED.value}).json()["count"] == (
        Referral.objects.filter(team=team, status=Status.VALIDATED).count()
    )
    # Overdue is a date, not a place: counted from the referrals.
    assert admin.get(url, {"overdue": True}).json()["count"] == overdue


def test_a_hub_counts_what_it_handed_on_once(demo, client_for, user_for):
    """What a hub handed on to another service is outside its places (counted from the
    referrals); what came back into its own team is inside them: each counted once."""
    admin = user_for("admin.bep")
    hub = admin.staff.team
    before = client_for("admin.bep").get("/referrals/").context["total"].n
    handed = access.visible_referrals(admin).first()  # its unassigned one
    elsewhere = Team.objects.exclude(service=hub.service_id).first()
    for n, team in enumerate((elsewhere, hub)):
        copy = Referral.objects.get(pk=handed.pk)
        copy.pk, copy.reference, copy.routed_from = None, f"HANDED-{n}", handed
        copy.team, copy.service_id = team, team.service_id
        copy.save()
    response = client_for("admin.bep").get("/referrals/")
    seen = Counter(access.visible_referrals(admin).values_list("status", flat=True))
    assert response.context["total"].n == sum(seen.values()) == before + 2
    counts = {status: n.n for status, _, n in response.context["counts"]}
    assert counts == dict(seen)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite drops triggers with a table")
def test_after_a_migration_remakes_the_referrals_table_the_triggers_are_put_back(demo):
    """As if a later migration had remade the table on SQLite (its triggers dropped with
    it): the next `migrate` puts them back and recounts."""
    from django.apps import apps
    from django.db.models.signals import post_migrate

    with connection.cursor() as cursor:
        for name in tally.TRIGGERS:
            cursor.execute(f"DROP TRIGGER {name}")
    Referral.objects.filter(status=Status.SUBMITTED).update(status=Status.WITHDRAWN)
    assert _tallied() != _counted()  # unseen without its triggers
    config = apps.get_app_config("referrals")
    post_migrate.send(
        config, app_config=config, using="default", verbosity=0, interactive=False, apps=apps
    )
    assert _tallied() == _counted()
    Referral.objects.filter(status=Status.WITHDRAWN).update(status=Status.SUBMITTED)
    assert _tallied() == _counted()  # the triggers are back


def test_a_count_below_zero_is_left_out_and_reported(demo, caplog):
    """Only if the triggers were bypassed: never shown as a negative number."""
    team = Team.objects.get(service__code="KERS", name="Kent East")
    StatusTally.objects.create(service=team.service, team=team, status=Status.DECLINED, n=-1000)
    with caplog.at_level("ERROR", logger="enablement.referrals.tally"):
        counts = tally.counts(Q(team_id=team.pk))
    assert Status.DECLINED not in counts
    assert "below zero" in caplog.text


def test_the_recount_command_finds_and_mends_a_tally_the_triggers_missed(demo):
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("recount_referrals", "--check", stdout=out)
    assert "agrees" in out.getvalue()
    team = Team.objects.get(service__code="KERS", name="Kent East")
    StatusTally.objects.create(service=team.service, team=team, status=Status.SUBMITTED, n=2)
    with pytest.raises(CommandError, match="differs from the referrals in 1 places"):
        call_command("recount_referrals", "--check", stdout=StringIO())
    out = StringIO()
    call_command("recount_referrals", stdout=out)
    assert "submitted: tally says" in out.getvalue()
    assert "recounted (1 places were wrong)" in out.getvalue()
    assert tally.differences() == {}


def test_the_home_queues_are_counted_from_the_tally(demo, client_for):
    """The admin's validation queue and the senior's screening queue say their totals as the
    tracker does: from the tally (a row added to it shows in the total)."""
    team = Team.objects.get(service__code="KERS", name="Kent East")
    for role, status in (("admin", Status.SUBMITTED), ("senior", Status.VALIDATED)):
        client = client_for(role)
        before = client.get("/", follow=True).context["queue_summary"].total.n
        StatusTally.objects.create(service=team.service, team=team, status=status, n=2)
        assert client.get("/", follow=True).context["queue_summary"].total.n == before + 2
