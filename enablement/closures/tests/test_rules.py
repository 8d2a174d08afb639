import pytest

from enablement.closures import rules

KERS = [
    "goals_achieved",
    "no_enablement_need",
    "not_ready",
    "did_not_engage",
    "declined",
    "missed_visits",
    "inadequate_progress",
    "too_unwell",
    "risk_to_staff",
]
STR = ["goals_achieved", "declined", "too_unwell"]


@pytest.mark.parametrize("reason", KERS)
def test_every_listed_reason_is_accepted(reason):
    assert rules.reason_problem(reason, KERS, discussed_with_senior=True) is None


def test_a_reason_the_service_does_not_list_is_refused():
    assert "this service's reasons" in rules.reason_problem(
        "missed_visits", STR, discussed_with_senior=False
    )


def test_an_unknown_reason_is_refused():
    assert rules.reason_problem("moved_abroad", KERS, discussed_with_senior=False)


def test_no_reason_is_refused():
    assert rules.reason_problem("", KERS, discussed_with_senior=False) == (
        "Select why the enablement is closing"
    )


def test_no_list_refuses_every_reason():
    assert rules.reason_problem("goals_achieved", None, discussed_with_senior=False)


def test_inadequate_progress_needs_the_senior_discussion():
    assert "discussion with the senior" in rules.reason_problem(
        "inadequate_progress", KERS, discussed_with_senior=False
    )
    assert rules.reason_problem("inadequate_progress", KERS, discussed_with_senior=True) is None


def test_other_reasons_do_not_need_the_senior_discussion():
    assert rules.reason_problem("declined", KERS, discussed_with_senior=False) is None


def test_every_goal_needs_a_result():
    problems = rules.outcome_problems([1, 2], {1: "achieved"}, reason="declined")
    assert set(problems) == {2}


def test_a_result_not_in_the_list_is_refused():
    assert set(rules.outcome_problems([1], {1: "maybe"}, reason="declined")) == {1}


def test_a_goal_not_in_the_plan_is_refused():
    assert set(rules.outcome_problems([1], {1: "not", 9: "achieved"}, reason="declined")) == {9}


def test_goals_achieved_needs_a_goal_achieved():
    problems = rules.outcome_problems([1, 2], {1: "partly", 2: "not"}, reason="goals_achieved")
    assert "No goal is recorded as achieved" in problems["reason"]
    assert not rules.outcome_problems([1, 2], {1: "achieved", 2: "partly"}, reason="goals_achieved")


def test_goals_achieved_needs_goals():
    assert "no goals" in rules.outcome_problems([], {}, reason="goals_achieved")["reason"]


def test_other_reasons_need_no_goals():
    assert rules.outcome_problems([], {}, reason="no_enablement_need") == {}


def test_not_agreed_returns_to_active_when_started_else_planning():
    assert rules.status_after_not_agreed(True) == "active"
    assert rules.status_after_not_agreed(False) == "planning"


@pytest.mark.parametrize(
    "answered,expected",
    [
        ([], "senior"),
        (["senior"], "provision_manager"),
        (["senior", "provision_manager"], "quality_manager"),
        (["senior", "provision_manager", "quality_manager"], None),
    ],
)
def test_a_dispute_climbs_senior_then_provision_manager_then_quality_manager(answered, expected):
    assert rules.next_dispute_level(answered) == expected


def test_a_dispute_out_of_order_is_a_mistake():
    with pytest.raises(ValueError):
        rules.next_dispute_level(["provision_manager"])


def test_a_new_dispute_starts_a_new_chain_at_the_senior():
    assert rules.current_chain(["senior", "provision_manager", "senior"]) == ["senior"]
    assert rules.current_chain(["senior", "provision_manager"]) == [
        "senior",
        "provision_manager",
    ]
    assert rules.current_chain([]) == []
