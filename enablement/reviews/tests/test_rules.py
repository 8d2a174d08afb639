"""The approval chains and the review checks, without a database."""

import datetime as dt

import pytest

from enablement.accounts.roles import Role
from enablement.catalogue.vocab import ExtensionRule
from enablement.reviews import rules
from enablement.reviews.rules import GoalFact

# --- approval_steps ----------------------------------------------------------------------------


def test_kers_senior_discusses_then_the_provision_manager_decides():
    discuss, decide = rules.approval_steps("senior_then_pm")
    assert (discuss.kind, discuss.role, discuss.waits_in) == ("discuss", Role.SENIOR, "requested")
    assert (decide.kind, decide.role, decide.waits_in) == (
        "decide",
        Role.PROVISION_MANAGER,
        "discussed",
    )
    assert not decide.needs_agreed_with and not decide.needs_review


def test_autism_provision_manager_decides_with_the_ot_assessment_manager():
    [decide] = rules.approval_steps("pm_with_ot")
    assert (decide.kind, decide.role, decide.waits_in) == (
        "decide",
        Role.PROVISION_MANAGER,
        "requested",
    )
    assert decide.needs_agreed_with and decide.action == "decide_extension"


def test_str_senior_decides_at_the_review():
    [decide] = rules.approval_steps("at_review")
    assert (decide.kind, decide.role) == ("decide", Role.SENIOR)
    assert decide.needs_review and decide.action == "decide_extension_at_review"


@pytest.mark.parametrize("rule", ["next_level", "none", "", None, "unknown"])
def test_services_that_do_not_extend_have_no_steps(rule):
    assert rules.approval_steps(rule) == ()
    assert rules.no_extension_message(rule)


def test_every_rule_of_the_settings_is_known():
    for rule in ExtensionRule.values:
        steps = rules.approval_steps(rule)
        assert bool(steps) == (rules.no_extension_message(rule) is None), rule


def test_next_level_names_the_service_that_offers_a_longer_programme():
    assert rules.no_extension_message("next_level", "Barnet Enablement Network").startswith(
        "This service does not extend an enablement. Barnet Enablement Network offers a "
        "longer programme: if the person needs more time, refer them on to it"
    )
    # A service whose settings name no next level still says where to look.
    assert "The service of its next level offers" in rules.no_extension_message("next_level")
    assert "Network" not in rules.no_extension_message("none", "Barnet Enablement Network")


@pytest.mark.parametrize(
    "rule,status,expected",
    [
        ("senior_then_pm", "requested", ("discuss", Role.SENIOR)),
        ("senior_then_pm", "discussed", ("decide", Role.PROVISION_MANAGER)),
        ("senior_then_pm", "approved", None),
        ("senior_then_pm", "refused", None),
        ("pm_with_ot", "requested", ("decide", Role.PROVISION_MANAGER)),
        ("pm_with_ot", "discussed", None),
        ("at_review", "requested", ("decide", Role.SENIOR)),
        ("at_review", "approved", None),
        ("none", "requested", None),
    ],
)
def test_waiting_step(rule, status, expected):
    step = rules.waiting_step(rule, status)
    assert (None if step is None else (step.kind, step.role)) == expected


def test_the_review_a_decision_waits_for_is_the_first_scheduled_one():
    assert rules.review_week_for_decision([4]) == 4
    assert rules.review_week_for_decision([9, 3, 6]) == 3
    assert rules.review_week_for_decision([]) is None
    assert rules.review_week_for_decision(None) is None


# --- request_problems ----------------------------------------------------------------------


def _request(**over):
    values = {
        "extension_rule": "senior_then_pm",
        "started": True,
        "status_allows": True,
        "open_request": False,
        "weeks_problem": None,
        "reasons": "Still building confidence on the bus",
        "evidence": "Travelled alone twice in week 11",
    }
    return rules.request_problems(**{**values, **over})


def test_a_sound_request_has_no_problem():
    assert _request() == {}


def test_a_service_that_does_not_extend_says_what_happens_instead():
    assert "longer programme" in _request(extension_rule="next_level")["weeks"]


def test_request_before_the_start_or_after_it_stops():
    assert "started" in _request(started=False)["__all__"]
    assert "running" in _request(status_allows=False)["__all__"]


def test_a_second_request_while_one_waits_is_refused():
    assert "already been asked for" in _request(open_request=True)["__all__"]


def test_weeks_problem_reasons_and_evidence_beside_their_fields():
    problems = _request(
        weeks_problem="An extension can be at most 2 weeks", reasons=" ", evidence=""
    )
    assert problems == {
        "weeks": "An extension can be at most 2 weeks",
        "reasons": "Enter the reasons for the extension",
        "evidence": "Enter the evidence that the extra time will meet the goals",
    }


# --- discussion and decision -------------------------------------------------------------------

KERS_DISCUSS, KERS_DECIDE = rules.approval_steps("senior_then_pm")
[AUTISM] = rules.approval_steps("pm_with_ot")
[STR] = rules.approval_steps("at_review")


def test_discussion_needs_a_note_and_a_discussion_step():
    assert rules.discussion_problems(step=KERS_DISCUSS, note="Agreed to ask") == {}
    assert rules.discussion_problems(step=KERS_DISCUSS, note=" ") == {
        "note": "Enter what was discussed"
    }
    assert "not waiting" in rules.discussion_problems(step=KERS_DECIDE, note="x")["__all__"]
    assert "not waiting" in rules.discussion_problems(step=None, note="x")["__all__"]


def _decide(step, **over):
    values = {
        "approve": True,
        "note": "",
        "agreed_with": "",
        "review_week": None,
        "review_held": False,
    }
    return rules.decision_problems(step=step, **{**values, **over})


def test_kers_approval_needs_nothing_more_refusal_needs_a_note():
    assert _decide(KERS_DECIDE) == {}
    assert _decide(KERS_DECIDE, approve=False) == {
        "note": "Enter the reason the extension is refused"
    }
    assert _decide(KERS_DECIDE, approve=False, note="Goals met already") == {}
    assert "approved or refused" in _decide(KERS_DECIDE, approve=None)["approve"]


def test_a_discussion_step_is_not_a_decision():
    assert "not waiting for a decision" in _decide(KERS_DISCUSS)["__all__"]
    assert "not waiting for a decision" in _decide(None)["__all__"]


def test_autism_approval_names_the_ot_assessment_manager():
    assert "occupational therapy" in _decide(AUTISM)["agreed_with"]
    assert _decide(AUTISM, agreed_with="Oakley Therapist") == {}
    # A refusal is the provision manager's: no agreement is asked for.
    assert _decide(AUTISM, approve=False, note="Not exceptional") == {}


def test_str_decides_only_once_the_week_4_review_is_held():
    problem = _decide(STR, review_week=4, review_held=False)["__all__"]
    assert (
        problem
        == "This service decides an extension at the week 4 review: record that review first"
    )
    assert _decide(STR, review_week=4, review_held=True) == {}


# --- review_problems ---------------------------------------------------------------------------

TODAY = dt.date(2026, 4, 20)
START = dt.date(2026, 3, 9)
GOALS = [GoalFact(id=11, position=1), GoalFact(id=12, position=2)]


def _review(**over):
    values = {
        "today": TODAY,
        "started_on": START,
        "held_on": TODAY,
        "goals": GOALS,
        "progress": {11: "on_track", 12: "some"},
        "engagement": "good",
        "participants": "Bo, Wren",
        "summary": "Going well",
        "plan_changes": False,
        "plan_revision": "",
    }
    return rules.review_problems(**{**values, **over})


def test_a_complete_review_has_no_problem():
    assert _review() == {}


def test_progress_is_required_against_every_goal():
    assert _review(progress={11: "on_track"}) == {"progress_12": "Select the progress on goal 2"}
    assert _review(progress={11: "on_track", 12: "great"}) == {
        "progress_12": "Select the progress on goal 2"
    }


def test_progress_on_a_goal_not_in_the_plan_is_refused():
    problems = _review(progress={11: "on_track", 12: "some", 99: "achieved"})
    assert "not in the current plan" in problems["progress"]


def test_a_review_needs_goals_and_a_start():
    assert "no goals yet" in _review(goals=[], progress={})["__all__"]
    assert "started" in _review(started_on=None)["__all__"]


def test_held_on_not_in_the_future_nor_before_the_start():
    assert "today or in the past" in _review(held_on=TODAY + dt.timedelta(days=1))["held_on"]
    assert "9 March 2026" in _review(held_on=START - dt.timedelta(days=1))["held_on"]
    assert _review(held_on=START) == {}
    assert _review(held_on=None) == {"held_on": "Enter the date the review was held"}


def test_engagement_participants_summary_and_the_revision_when_the_plan_changes():
    problems = _review(engagement="", participants=" ", summary="", plan_changes=True)
    assert problems == {
        "engagement": "Select the level of engagement",
        "participants": "Enter who took part in the review",
        "summary": "Enter a summary of the review",
        "plan_revision": "Say what changes in the plan, as agreed with the person",
    }
    assert _review(plan_changes=True, plan_revision="Add a second bus route") == {}
