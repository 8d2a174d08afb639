"""Stored referral deadlines (issue 14 item 1, ADR 0032): the screening due date on the
referral and the hold's last day are written by the action that starts, moves or stops the
clock, equal the pure rule's answer after every action on every path (across Easter and
Christmas 2026), are put right by `recompute_deadlines`, and the lists read them in SQL."""

import datetime as dt
from io import StringIO
from types import SimpleNamespace

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from enablement.catalogue.models import Team
from enablement.core.workdays import ENGLAND_AND_WALES
from enablement.people.models import Person
from enablement.referrals import rules, selectors, services
from enablement.referrals.jobs import sweep
from enablement.referrals.models import Hold, Referral
from enablement.referrals.rules import Status
from enablement.referrals.tests.test_front_door import _risks, _values


def _at(y, m, d, h=10):
    return timezone.make_aware(dt.datetime(y, m, d, h, 0))


def _rule_due(referral):
    if referral.status not in (Status.SUBMITTED, Status.VALIDATED, Status.ON_HOLD):
        return None
    return rules.screening_due(
        referral.service_settings, timezone.localdate(referral.received_at), ENGLAND_AND_WALES
    )


def assert_every_stored_date_is_the_rules():
    """Every referral and hold in the database, the demo's included, against the pure rule
    on its own settings version and the calendar."""
    checked = 0
    for referral in Referral.objects.select_related("service_settings"):
        assert referral.screening_due == _rule_due(referral), (
            referral.reference,
            referral.status,
        )
        checked += 1
    for hold in Hold.objects.select_related("referral__service_settings"):
        assert hold.expires_on == rules.hold_expires_after(
            hold.referral.service_settings, hold.started_on, ENGLAND_AND_WALES
        ), hold
    assert checked


@pytest.fixture
def kers_east(demo):
    return Team.objects.get(service__code="KERS", name="Kent East")


@pytest.fixture
def submit(user_for, kers_east):
    def make(now, family="Sample"):
        referrer = user_for("referrer")
        with time_machine.travel(now, tick=False):
            return services.submit_referral(
                service=kers_east.service,
                team=kers_east,
                person=Person.objects.get(family_name=family),
                values=_values(referrer),
                risks=_risks(now.date()),
                referrer=referrer,
                actor=referrer,
                now=now,
            )

    return make


def _fresh(referral):
    return Referral.objects.select_related("service_settings").get(pk=referral.pk)


def test_the_demo_as_loaded_stores_the_rules_dates(demo):
    """The demo is made through the actions, on all four services and every status."""
    assert_every_stored_date_is_the_rules()
    statuses = set(Referral.objects.values_list("status", flat=True))
    assert {Status.SUBMITTED, Status.VALIDATED, Status.ON_HOLD} <= statuses


def test_every_action_on_the_way_through_keeps_the_rules_date(submit, user_for):
    admin, senior, referrer = user_for("admin"), user_for("senior"), user_for("referrer")
    # Thursday 2 April 2026: Good Friday and Easter Monday fall inside the clock.
    referral = submit(_at(2026, 4, 2))
    assert referral.screening_due == dt.date(2026, 4, 8)
    assert_every_stored_date_is_the_rules()

    services.return_referral(
        referral=referral, missing=["work_specific"], note="", actor=admin, now=_at(2026, 4, 3)
    )
    assert _fresh(referral).screening_due is None  # no clock runs while it is returned
    assert_every_stored_date_is_the_rules()

    # Resubmitted on Christmas Eve 2026: Christmas Day and the Boxing Day substitute
    # (Monday 28 December) are not working days. The clock starts again.
    christmas_eve = _at(2026, 12, 24)
    services.resubmit_referral(
        referral=referral,
        values={},
        risks=_risks(christmas_eve.date()),
        actor=referrer,
        now=christmas_eve,
    )
    assert _fresh(referral).screening_due == dt.date(2026, 12, 30)
    assert_every_stored_date_is_the_rules()

    steps = [
        lambda now: services.validate_referral(
            referral=referral, actor=admin, now=now, case_system_already_open=True
        ),
        lambda now: services.undo_validation(
            referral=referral, reason="Validated the wrong referral", actor=admin, now=now
        ),
        lambda now: services.validate_referral(
            referral=referral, actor=admin, now=now, case_system_already_open=True
        ),
        lambda now: services.hold_referral(
            referral=referral, concern="Recent violence at home", actor=senior, now=now
        ),
        lambda now: services.answer_hold(
            referral=referral, answer="Safe: I visited", actor=referrer, now=now
        ),
    ]
    for day, step in zip((29, 29, 30, 31, 31), steps, strict=True):
        step(_at(2026, 12, day))
        assert _fresh(referral).screening_due == dt.date(2026, 12, 30)
        assert_every_stored_date_is_the_rules()
    # The hold started on New Year's Eve ran five working days past New Year's Day.
    assert Hold.objects.get(referral=referral).expires_on == dt.date(2027, 1, 8)

    services.screen_referral(
        referral=referral,
        desktop_check_complete=True,
        complex_features=[],
        risk_notes="",
        not_appropriate=[],
        appropriate_factors=[],
        skills_needed=[],
        decision="accept",
        reason="Eligible and appropriate",
        actor=senior,
        now=_at(2027, 1, 4),
    )
    assert _fresh(referral).screening_due is None  # accepted: the clock has stopped
    assert_every_stored_date_is_the_rules()


def test_an_unanswered_hold_and_a_withdrawal_stop_the_clock(submit, user_for):
    admin, senior = user_for("admin"), user_for("senior")
    held = submit(_at(2026, 4, 2))
    withdrawn = submit(_at(2026, 12, 23), family="Specimen")
    services.validate_referral(
        referral=held, actor=admin, now=_at(2026, 4, 2), case_system_already_open=True
    )
    services.hold_referral(referral=held, concern="Housing?", actor=senior, now=_at(2026, 4, 2))
    hold = Hold.objects.get(referral=held)
    assert hold.expires_on == dt.date(2026, 4, 13)  # Easter inside the five days
    assert _fresh(held).screening_due == dt.date(2026, 4, 8)  # kept while paused
    with time_machine.travel(_at(2026, 4, 13, 23), tick=False):
        sweep()
    assert _fresh(held).status == Status.ON_HOLD  # open throughout its last day
    with time_machine.travel(_at(2026, 4, 14, 9), tick=False):
        sweep()
    assert _fresh(held).status == Status.CLOSED_NOT_READY
    assert _fresh(held).screening_due is None
    services.withdraw_referral(
        referral=withdrawn, reason="No longer wanted", actor=admin, now=_at(2026, 12, 24)
    )
    assert _fresh(withdrawn).screening_due is None
    assert_every_stored_date_is_the_rules()


def test_the_overdue_filter_is_the_rule_on_the_stored_date(submit, user_for):
    """The SQL filter picks exactly the referrals the pure rule calls overdue, every day
    over Easter, a hold pausing the clock."""
    a = submit(_at(2026, 4, 1))
    b = submit(_at(2026, 4, 2), family="Specimen")
    services.validate_referral(
        referral=b, actor=user_for("admin"), now=_at(2026, 4, 2), case_system_already_open=True
    )
    services.hold_referral(
        referral=b, concern="Housing?", actor=user_for("senior"), now=_at(2026, 4, 2)
    )
    assert a.pk
    for offset in range(12):
        today = dt.date(2026, 4, 1) + dt.timedelta(days=offset)
        expected = {
            r.pk
            for r in Referral.objects.select_related("service_settings")
            if rules.is_overdue(_rule_due(r), today) and r.status != Status.ON_HOLD
        }
        found = set(
            Referral.objects.filter(selectors.screening_overdue(today)).values_list("pk", flat=True)
        )
        assert found == expected, today
    assert a.pk in found and b.pk not in found


def test_recompute_puts_a_wrong_date_right_and_a_second_run_changes_nothing(submit, user_for):
    referral = submit(_at(2026, 4, 2))
    services.validate_referral(
        referral=referral,
        actor=user_for("admin"),
        now=_at(2026, 4, 2),
        case_system_already_open=True,
    )
    services.hold_referral(
        referral=referral, concern="Housing?", actor=user_for("senior"), now=_at(2026, 4, 2)
    )
    declined = submit(_at(2026, 4, 2), family="Specimen")
    # As a row would be after the calendar or a settings version was corrected (or a date
    # left behind by a status written without its clock).
    Referral.objects.filter(pk=referral.pk).update(screening_due=dt.date(2026, 4, 6))
    Hold.objects.filter(referral=referral).update(expires_on=dt.date(2026, 4, 9))
    Referral.objects.filter(pk=declined.pk).update(status=Status.DECLINED)
    out = StringIO()
    call_command("recompute_deadlines", "--batch-size", "3", stdout=out)
    assert out.getvalue().strip().endswith(", 3 changed")
    assert _fresh(referral).screening_due == dt.date(2026, 4, 8)
    assert Hold.objects.get(referral=referral).expires_on == dt.date(2026, 4, 13)
    assert _fresh(declined).screening_due is None
    assert_every_stored_date_is_the_rules()
    again = StringIO()
    call_command("recompute_deadlines", stdout=again)
    assert again.getvalue().strip().endswith(", 0 changed")


def test_a_settings_correction_moves_dates_only_when_recomputed(submit, kers_east):
    """A version corrected in place (an admin's fix) keeps told dates until the command."""
    referral = submit(_at(2026, 4, 2))
    settings = referral.service_settings
    type(settings).objects.filter(pk=settings.pk).update(screening_working_days=3)
    assert _fresh(referral).screening_due == dt.date(2026, 4, 8)
    call_command("recompute_deadlines", stdout=StringIO())
    assert _fresh(referral).screening_due == dt.date(2026, 4, 9)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan is PostgreSQL's")
def test_a_teams_overdue_queue_is_an_index_range_on_postgresql(kers_east):
    """The composite index fits the queue's filter: team, status and due date in one range.
    The team is given a few thousand decided referrals and the table its statistics, as a
    live team has: on a handful of rows any index costs the same to the planner."""
    model = Referral.objects.filter(team=kers_east).first()
    decided = [s for s in Status if s not in (Status.SUBMITTED, Status.VALIDATED)]
    Referral.objects.bulk_create(
        Referral(
            reference=f"PLAN-{i:05d}",
            service_id=model.service_id,
            service_settings_id=model.service_settings_id,
            team=kers_east,
            person_id=model.person_id,
            status=decided[i % len(decided)],
            source=model.source,
            created_at=model.created_at,
            first_submitted_at=model.first_submitted_at,
            received_at=model.received_at,
        )
        for i in range(3000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE referrals_referral")
    # The count of the queue, as the home page's prompts ask: no order to satisfy besides.
    queue = (
        Referral.objects.filter(team=kers_east, status=Status.VALIDATED)
        .filter(selectors.screening_overdue(dt.date(2026, 3, 20)))
        .order_by()
        .values("pk")
    )
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queue.explain()
    assert "referral_team_due" in plan, plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan is PostgreSQL's")
@pytest.mark.django_db
def test_the_sweeps_due_holds_are_read_from_the_index_of_open_holds():
    from enablement.referrals.services import due_holds

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = due_holds(dt.date(2026, 3, 20)).values_list("pk", flat=True).explain()
    assert "hold_open_expires" in plan, plan


@pytest.mark.parametrize("status", list(Status))
def test_the_rule_stores_a_screening_date_only_while_the_clock_runs(status):
    kers = SimpleNamespace(screening_working_days=2, hold_timeout_working_days=5)
    none = SimpleNamespace(screening_working_days=None, hold_timeout_working_days=None)
    # Christmas Day, the Boxing Day substitute (28 December) and New Year's Day are skipped.
    christmas_eve = dt.date(2026, 12, 24)
    runs = status in (Status.SUBMITTED, Status.VALIDATED, Status.ON_HOLD)
    assert rules.stored_screening_due(status, kers, christmas_eve, ENGLAND_AND_WALES) == (
        dt.date(2026, 12, 30) if runs else None
    )
    assert rules.stored_screening_due(status, none, christmas_eve, ENGLAND_AND_WALES) is None
    assert rules.stored_hold_expiry(kers, christmas_eve, ENGLAND_AND_WALES) == dt.date(2027, 1, 5)
    assert rules.stored_hold_expiry(none, christmas_eve, ENGLAND_AND_WALES) is None


def test_a_panels_route_stops_its_clock_and_the_destination_starts_none(demo, user_for):
    """The autism panel routes its referral to KPS (seed 001 §10): the panel's referral is
    decided and the destination's arrives accepted, neither with a screening clock."""
    from enablement.referrals.tests.test_autism_front_door import PANEL_DAY, _route

    panel = Referral.objects.get(person__family_name="Notreal", service__code="AFD")
    kps = Team.objects.get(service__code="KPS", name="KPS Kent")
    _route(panel, kps, user_for("senior.autism"), now=timezone.make_aware(PANEL_DAY))
    routed = Referral.objects.get(routed_from=panel)
    assert (_fresh(panel).screening_due, routed.screening_due) == (None, None)
    assert routed.status == Status.ACCEPTED
    assert_every_stored_date_is_the_rules()
