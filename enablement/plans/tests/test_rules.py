"""The plan's pure rules: a goal's problems, the window its target date falls in, levels,
scans judged by content, and comparing two versions."""

from datetime import date

import pytest

from enablement.plans import rules
from enablement.plans.rules import GoalInput, PlanInput

START, END = date(2026, 3, 2), date(2026, 5, 25)


def good(**changes):
    values = {
        "description": "Cook a meal for my sister",
        "measure": "Cooks one meal a week for 4 weeks",
        "target_date": date(2026, 4, 20),
    }
    return GoalInput(**(values | changes))


def test_a_complete_goal_has_no_problems():
    assert rules.goal_problems(good(), starts_on=START, ends_on=END) == {}


@pytest.mark.parametrize(
    "changes,field,message",
    [
        ({"description": "  "}, "description", "Enter the goal in the person's own words"),
        ({"measure": ""}, "measure", "Enter how you will measure this goal"),
        (
            {"target_date": None},
            "target_date",
            "Enter the date the person aims to reach this goal by",
        ),
        (
            {"target_date": date(2026, 5, 26)},
            "target_date",
            "The target date must be on or before the planned end, 25 May 2026",
        ),
        (
            {"target_date": START},
            "target_date",
            "The target date must be after the start, 2 March 2026",
        ),
        (
            {"target_date": date(2026, 1, 1)},
            "target_date",
            "The target date must be after the start, 2 March 2026",
        ),
    ],
)
def test_each_missing_part_is_named(changes, field, message):
    assert rules.goal_problems(good(**changes), starts_on=START, ends_on=END) == {field: message}


def test_the_planned_end_itself_is_a_good_target():
    assert rules.goal_problems(good(target_date=END), starts_on=START, ends_on=END) == {}


def test_every_problem_at_once():
    problems = rules.goal_problems(GoalInput(description="x"), starts_on=START, ends_on=END)
    assert set(problems) == {"measure", "target_date"}


def test_before_the_start_the_window_is_the_allocation_and_the_length():
    window = rules.goal_window(
        allocated_on=date(2026, 3, 2), length_weeks=12, started_on=None, planned_end=None
    )
    assert (window.starts_on, window.ends_on, window.started) == (
        date(2026, 3, 2),
        date(2026, 5, 25),
        False,
    )


def test_after_the_start_the_window_is_the_start_and_the_stored_planned_end():
    window = rules.goal_window(
        allocated_on=date(2026, 1, 5),
        length_weeks=12,
        started_on=date(2026, 2, 2),
        planned_end=date(2026, 5, 11),  # an extension moved it
    )
    assert (window.starts_on, window.ends_on, window.started) == (
        date(2026, 2, 2),
        date(2026, 5, 11),
        True,
    )


WINDOW = rules.Window(START, END, True)


def test_a_plan_needs_at_least_one_goal_and_blank_rows_are_ignored():
    assert rules.plan_problems(PlanInput(goals=(GoalInput(),)), window=WINDOW) == {
        "goals": "Add at least one goal the person has chosen"
    }
    assert rules.plan_problems(PlanInput(goals=(GoalInput(), good())), window=WINDOW) == {}


def test_plan_problems_are_keyed_by_goal_row():
    plan = PlanInput(goals=(good(), GoalInput(), good(measure="")))
    assert rules.plan_problems(plan, window=WINDOW) == {
        "goals.2.measure": "Enter how you will measure this goal"
    }


def test_too_many_goals():
    plan = PlanInput(goals=tuple(good() for _ in range(rules.MAX_GOALS + 1)))
    assert "goals" in rules.plan_problems(plan, window=WINDOW)


def test_a_level_is_needed_where_levels_are_offered():
    plan = PlanInput(goals=(good(),))
    levels = ["brief", "enhanced"]
    assert rules.plan_problems(plan, window=WINDOW, levels=levels) == {
        "level": "Select the level of support in this plan"
    }
    plan = PlanInput(goals=(good(),), level="brief")
    assert rules.plan_problems(plan, window=WINDOW, levels=levels) == {}


def test_level_choices():
    hub = ["signposting", "brief", "enhanced", "specialist"]
    assert rules.level_choices(routing="hub", service_levels=hub, referral_level="") == [
        "brief",
        "enhanced",
        "specialist",
    ]
    # The Network: a direct service taking the hubs' Enhanced level.
    assert rules.level_choices(routing="direct", service_levels=[], referral_level="enhanced")
    assert rules.level_choices(routing="direct", service_levels=[], referral_level="") == []


@pytest.mark.parametrize(
    "head,kind",
    [
        (b"%PDF-1.7\n", "application/pdf"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "image/png"),
        (b"GIF89a", None),
        (b"MZ\x90\x00", None),  # a Windows program named scan.pdf
        (b"<html>%PDF-", None),
    ],
)
def test_a_scan_is_judged_by_its_first_bytes(head, kind):
    assert rules.scan_type(head) == kind


def test_scan_problems():
    assert rules.scan_problem(b"%PDF-", 100) is None
    assert rules.scan_problem(b"%PDF-", rules.MAX_SCAN_BYTES + 1) == (
        "The scan must be 10 MB or smaller"
    )
    assert rules.scan_problem(b"GIF89a", 100) == "The scan must be a PDF, JPEG or PNG file"
    assert rules.scan_problem(b"", 0)


def test_paper_signature_date():
    today, made = date(2026, 3, 10), date(2026, 3, 2)
    assert rules.paper_date_problem(today, today=today, plan_made_on=made) is None
    assert rules.paper_date_problem(None, today=today, plan_made_on=made)
    assert rules.paper_date_problem(date(2026, 3, 11), today=today, plan_made_on=made) == (
        "The date the person signed must be today or in the past"
    )
    assert "on or after 2 March 2026" in rules.paper_date_problem(
        date(2026, 3, 1), today=today, plan_made_on=made
    )


def test_compare_matches_goals_by_key_and_tags_changes():
    a = PlanInput(
        goals=(good(key=1), good(key=2, description="Join a walking group")),
        strengths="Kind",
        resources=("Peer support",),
    )
    b = PlanInput(
        goals=(
            good(key=2, description="Join a walking group", target_date=date(2026, 5, 1)),
            good(key=3, description="Open a bank account"),
        ),
        strengths="Kind",
        resources=("Peer support", "Navigator support"),
    )
    rows = {r.label: r for r in rules.compare(a, b)}
    assert not rows["Strengths"].changed
    assert rows["Resources"].changed
    # Goal 1 (key 1) was removed; goal 2 (key 2) moved its date; goal 3 (key 3) is new.
    assert rows["Goal 1: what the person wants"].b == ""
    assert rows["Goal 2: what the person wants"].a == rows["Goal 2: what the person wants"].b
    assert rows["Goal 2: by when"].a == "20 April 2026"
    assert rows["Goal 2: by when"].b == "1 May 2026"
    assert rows["Goal 3: what the person wants"].a == ""
    assert rows["Goal 3: what the person wants"].b == "Open a bank account"


def test_unkeyed_goals_never_match_each_other():
    a = PlanInput(goals=(good(),))
    b = PlanInput(goals=(good(),))
    labels = [r.label for r in rules.compare(a, b) if r.label.startswith("Goal")]
    assert "Goal 2: what the person wants" in labels


def test_no_level_where_none_is_offered():
    plan = PlanInput(goals=(good(),), level="enhanced")
    assert rules.plan_problems(plan, window=WINDOW) == {
        "level": "This service's plans have no level of support"
    }
