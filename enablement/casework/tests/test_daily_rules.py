"""The next thing due on an episode (pure: no database)."""

from datetime import date, timedelta

import pytest

from enablement.casework.daily_rules import (
    KINDS,
    Due,
    EpisodeFacts,
    due_items,
    next_due,
    sort_key,
)

TODAY = date(2026, 3, 2)
D = timedelta(days=1)


def test_closed_episode_has_nothing_due():
    assert next_due(EpisodeFacts(status="closed"), TODAY) is None
    assert due_items(EpisodeFacts(status="closed", planned_end=TODAY), TODAY) == []


def test_just_allocated_needs_its_planning_meeting_now():
    due = next_due(EpisodeFacts(status="planning"), TODAY)
    assert due == Due("meeting", None, False)
    assert due.label == "Hold the planning meeting"


def test_after_the_meeting_the_plan_is_to_sign():
    due = next_due(EpisodeFacts(status="planning", has_meeting=True), TODAY)
    assert due.kind == "sign_plan"
    assert not due.overdue


def test_planning_with_meeting_and_signed_plan_has_nothing_due():
    facts = EpisodeFacts(status="planning", has_meeting=True, has_signed_plan=True)
    assert next_due(facts, TODAY) is None


def test_active_without_signed_plan_asks_for_the_signature_first():
    facts = EpisodeFacts(status="active", has_meeting=True, next_visit=TODAY + 2 * D)
    assert next_due(facts, TODAY).kind == "sign_plan"


def test_active_next_visit_before_review_and_end():
    facts = EpisodeFacts(
        status="active",
        has_meeting=True,
        has_signed_plan=True,
        next_visit=TODAY + 2 * D,
        next_review_due=TODAY + 10 * D,
        planned_end=TODAY + 40 * D,
    )
    assert next_due(facts, TODAY) == Due("visit", TODAY + 2 * D, False)
    assert [d.kind for d in due_items(facts, TODAY)] == ["visit", "review", "end"]


def test_review_sooner_than_the_visit_comes_first():
    facts = EpisodeFacts(
        status="active",
        has_meeting=True,
        has_signed_plan=True,
        next_visit=TODAY + 5 * D,
        next_review_due=TODAY + 1 * D,
        planned_end=TODAY + 40 * D,
    )
    assert next_due(facts, TODAY).kind == "review"


def test_review_due_today_is_not_overdue_and_overdue_the_day_after():
    facts = EpisodeFacts(status="active", has_meeting=True, has_signed_plan=True)
    today = EpisodeFacts(**{**facts.__dict__, "next_review_due": TODAY})
    assert next_due(today, TODAY) == Due("review", TODAY, False)
    yesterday = EpisodeFacts(**{**facts.__dict__, "next_review_due": TODAY - D})
    assert next_due(yesterday, TODAY) == Due("review", TODAY - D, True)


def test_a_past_visit_with_no_outcome_is_overdue():
    facts = EpisodeFacts(
        status="active", has_meeting=True, has_signed_plan=True, next_visit=TODAY - 3 * D
    )
    assert next_due(facts, TODAY) == Due("visit", TODAY - 3 * D, True)


def test_overdue_beats_undated_items():
    facts = EpisodeFacts(
        status="active", has_meeting=True, next_review_due=TODAY - D, extension_waiting=True
    )
    assert next_due(facts, TODAY).kind == "review"
    assert [d.kind for d in due_items(facts, TODAY)] == ["review", "sign_plan", "extension"]


def test_extension_waiting_for_a_decision():
    facts = EpisodeFacts(
        status="active",
        has_meeting=True,
        has_signed_plan=True,
        extension_waiting=True,
        planned_end=TODAY + 7 * D,
    )
    assert next_due(facts, TODAY) == Due("extension", None, False)
    assert next_due(facts, TODAY).label == "Decide the extension"


def test_planned_end_passed_is_overdue():
    facts = EpisodeFacts(
        status="active", has_meeting=True, has_signed_plan=True, planned_end=TODAY - D
    )
    assert next_due(facts, TODAY) == Due("end", TODAY - D, True)


def test_on_hold_waits_for_the_answer_by_its_expiry():
    facts = EpisodeFacts(
        status="on_hold",
        has_meeting=True,
        has_signed_plan=True,
        hold_expires_on=TODAY + 3 * D,
        planned_end=TODAY + 30 * D,
    )
    assert next_due(facts, TODAY) == Due("hold", TODAY + 3 * D, False)


def test_on_hold_before_the_meeting_lists_both():
    facts = EpisodeFacts(status="on_hold", hold_expires_on=TODAY + 3 * D)
    assert [d.kind for d in due_items(facts, TODAY)] == ["meeting", "hold"]


def test_hold_expiry_passed_is_overdue():
    facts = EpisodeFacts(status="on_hold", has_meeting=True, hold_expires_on=TODAY - D)
    assert next_due(facts, TODAY).overdue


def test_closing_waits_for_the_senior():
    facts = EpisodeFacts(
        status="closing", has_meeting=True, has_signed_plan=True, planned_end=TODAY + 5 * D
    )
    assert next_due(facts, TODAY).kind == "closure"


def test_same_day_items_follow_the_fixed_order():
    facts = EpisodeFacts(
        status="active",
        has_meeting=True,
        has_signed_plan=True,
        next_visit=TODAY,
        next_review_due=TODAY,
        planned_end=TODAY,
    )
    assert [d.kind for d in due_items(facts, TODAY)] == ["visit", "review", "end"]


def test_every_kind_has_a_label_and_a_distinct_order():
    assert len({order for _, order in KINDS.values()}) == len(KINDS)
    assert all(label for label, _ in KINDS.values())


@pytest.mark.parametrize(
    "dues, expected",
    [
        # overdue first (oldest first), then by date, undated as today, nothing due last
        (
            [
                None,
                Due("end", TODAY + 9 * D, False),
                Due("meeting", None, False),
                Due("review", TODAY - D, True),
                Due("visit", TODAY - 5 * D, True),
                Due("visit", TODAY + D, False),
            ],
            [
                Due("visit", TODAY - 5 * D, True),
                Due("review", TODAY - D, True),
                Due("meeting", None, False),
                Due("visit", TODAY + D, False),
                Due("end", TODAY + 9 * D, False),
                None,
            ],
        ),
    ],
)
def test_sort_key_orders_overdue_first_then_by_date(dues, expected):
    assert sorted(dues, key=lambda d: sort_key(d, TODAY)) == expected
