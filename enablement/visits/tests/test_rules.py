import datetime as dt
from decimal import Decimal

import pytest

from enablement.visits import rules
from enablement.visits.rules import MissedCounts


@pytest.mark.parametrize(
    "outcomes,expected",
    [
        ([], 0),
        (["attended"], 0),
        (["cancelled_by_person"], 1),
        (["not_engaged"], 1),
        (["cancelled_by_service"], 0),
        (["ended_unsafe"], 0),
        (["cancelled_by_person", "not_engaged", "cancelled_by_service", "ended_unsafe"], 2),
        (["attended", "not_engaged", "not_engaged", "not_engaged"], 3),
    ],
)
def test_only_the_persons_cancellations_and_non_engagement_count(outcomes, expected):
    assert rules.missed_visit_count(outcomes) == expected


def test_missed_counts_split_before_the_planning_meeting():
    counts = rules.missed_counts(
        [
            ("not_engaged", True),
            ("cancelled_by_person", False),
            ("attended", True),
            ("cancelled_by_service", True),
        ]
    )
    assert counts == MissedCounts(before_planning=1, overall=2)


def _due(before, after, waiting=False, threshold=3, before_planning=2):
    return rules.prompt_due(
        MissedCounts(*before),
        MissedCounts(*after),
        threshold=threshold,
        before_planning_threshold=before_planning,
        waiting=waiting,
    )


def test_prompt_at_exactly_two_before_the_meeting():
    assert _due((0, 0), (1, 1)) is None
    assert _due((1, 1), (2, 2)) == rules.BEFORE_PLANNING


def test_prompt_at_exactly_three_overall():
    assert _due((1, 1), (1, 2)) is None
    assert _due((1, 2), (1, 3)) == rules.OVERALL


def test_no_prompt_past_the_threshold():
    assert _due((2, 3), (2, 4)) is None
    assert _due((2, 4), (3, 5)) is None
    # With no before-meeting guide, the third miss before the meeting reaches the overall one.
    assert _due((2, 2), (3, 3), before_planning=None) == rules.OVERALL


def test_overall_reaching_three_after_before_planning_prompt_was_discussed_prompts():
    # The counts restart after a discussion, so this is the case "after": 0 -> 3 overall.
    assert _due((0, 2), (0, 3)) == rules.OVERALL


def test_no_new_prompt_while_one_waits_for_discussion():
    assert _due((1, 2), (1, 3), waiting=True) is None
    assert _due((1, 1), (2, 2), waiting=True) is None


def test_a_service_with_no_threshold_never_prompts():
    for n in range(10):
        assert _due((n, n), (n + 1, n + 1), threshold=None, before_planning=None) is None


def test_zero_threshold_is_no_threshold():
    assert _due((0, 0), (0, 0), threshold=0, before_planning=0) is None


TODAY = dt.date(2026, 3, 9)


def _problems(**kw):
    values = {
        "outcome": "attended",
        "happened_on": TODAY,
        "hours": Decimal("1.5"),
        "note": "",
        "today": TODAY,
    }
    return rules.visit_problems(**(values | kw))


def test_a_complete_attended_visit_has_no_problems():
    assert _problems() == {}


@pytest.mark.parametrize("outcome", ["attended", "ended_unsafe"])
def test_hours_needed_when_time_was_spent(outcome):
    assert "hours" in _problems(outcome=outcome, hours=None, note="Drunk, aggressive")


@pytest.mark.parametrize("hours", ["-0.5", "12.01", "24"])
def test_hours_between_0_and_12(hours):
    assert _problems(hours=Decimal(hours))["hours"] == "Hours must be between 0 and 12"


def test_hours_edges_accepted():
    assert _problems(hours=Decimal(0)) == {}
    assert _problems(hours=Decimal(12)) == {}


def test_hours_not_needed_for_a_cancelled_visit():
    assert _problems(outcome="cancelled_by_person", hours=None) == {}


def test_ended_unsafe_needs_a_note():
    assert "note" in _problems(outcome="ended_unsafe", note="  ")
    assert _problems(outcome="ended_unsafe", note="Under the influence") == {}


def test_the_day_cannot_be_in_the_future_or_missing():
    assert "happened_on" in _problems(happened_on=TODAY + dt.timedelta(days=1))
    assert "happened_on" in _problems(happened_on=None)
    assert "outcome" in _problems(outcome="")


START = dt.date(2026, 3, 2)


def test_hours_by_week_counts_from_the_start():
    weeks = rules.hours_by_week(
        [
            (START, Decimal("2")),
            (START + dt.timedelta(days=6), Decimal("1.5")),  # still week 1
            (START + dt.timedelta(days=7), Decimal("1")),  # week 2
            (START + dt.timedelta(days=20), Decimal("0.5")),  # week 3
            (START - dt.timedelta(days=1), Decimal("5")),  # planning: not counted
            (None, None),
            (START, None),
        ],
        START,
        Decimal(3),
    )
    assert [(w.week, w.hours, w.over) for w in weeks] == [
        (1, Decimal("3.5"), True),
        (2, Decimal("1"), False),
        (3, Decimal("0.5"), False),
    ]
    assert weeks[0].starts_on == START and weeks[0].ends_on == dt.date(2026, 3, 8)
    assert weeks[1].starts_on == dt.date(2026, 3, 9)


def test_hours_exactly_at_the_guide_are_not_over():
    [week] = rules.hours_by_week([(START, Decimal(3))], START, Decimal(3))
    assert not week.over


def test_empty_weeks_up_to_today_are_listed():
    weeks = rules.hours_by_week([], START, Decimal(3), through=START + dt.timedelta(days=15))
    assert [(w.week, w.hours) for w in weeks] == [(1, 0), (2, 0), (3, 0)]


def test_no_guide_is_never_over_and_no_start_is_no_table():
    [week] = rules.hours_by_week([(START, Decimal(9))], START, None)
    assert not week.over
    assert rules.hours_by_week([(START, Decimal(1))], None, Decimal(3)) == []


def test_sample_order_is_stable_and_not_the_id_order():
    orders = [rules.sample_order(i) for i in range(1, 20)]
    assert orders == [rules.sample_order(i) for i in range(1, 20)]
    assert orders != sorted(orders)
