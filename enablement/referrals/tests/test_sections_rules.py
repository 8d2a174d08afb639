"""A section's state on the referral's task list (issue 12), and where each problem is
shown."""

from enablement.referrals.forms import ReferralForm
from enablement.referrals.rules import RiskArea
from enablement.referrals.sections import (
    BY_SLUG,
    SECTIONS,
    SectionState,
    next_section,
    problems_by_section,
    ready_to_check,
    section_of,
    section_state,
)

RISK = BY_SLUG["risk"]


def test_a_section_not_saved_is_not_yet_started_even_with_problems():
    assert section_state(RISK, saved=set(), problems={}) == SectionState.NOT_STARTED
    state = section_state(RISK, saved=set(), problems={"risk_to_self_description": "x"})
    assert state == SectionState.NOT_STARTED
    assert state.label == "Not yet started"


def test_a_saved_section_with_a_problem_of_its_own_is_incomplete():
    found = {f"risk_{RiskArea.TO_SELF}_assessed_on": "Enter the date"}
    assert section_state(RISK, saved={"risk"}, problems=found) == SectionState.INCOMPLETE


def test_a_problem_of_another_section_does_not_hold_a_section_back():
    found = {"consent_to_share": "Confirm consent"}
    assert section_state(RISK, saved={"risk"}, problems=found) == SectionState.COMPLETED


def test_check_your_answers_waits_for_every_section():
    states = {s.slug: SectionState.COMPLETED for s in SECTIONS}
    assert ready_to_check(states)
    assert not ready_to_check(states | {"consent": SectionState.INCOMPLETE})
    assert not ready_to_check({k: v for k, v in states.items() if k != "work"})


def test_the_persons_record_problems_are_shown_with_the_person():
    assert section_of("__all__").slug == "person"
    assert section_of("date_of_birth").slug == "person"
    assert section_of("named_social_worker").slug == "referrer"
    assert section_of("something new").slug == "person"  # never dropped
    grouped = problems_by_section({"source": ["a"], "work_requested": ["b"]})
    assert grouped["referrer"] == {"source": ["a"]} and grouped["work"] == {"work_requested": ["b"]}


def test_every_field_of_todays_form_is_in_exactly_one_section():
    risks = {f"risk_{a}_{part}" for a in RiskArea for part in ("description", "assessed_on")}
    names = (set(ReferralForm.base_fields) - {"destination"}) | risks
    placed = [f for s in SECTIONS for f in s.fields if f != "team"]
    assert sorted(placed) == sorted(names)


def test_saving_a_section_goes_on_to_the_next_one_still_to_do():
    states = {s.slug: SectionState.NOT_STARTED for s in SECTIONS}
    person = BY_SLUG["person"]
    assert next_section(person, states).slug == "referrer"
    done = states | {"person": SectionState.COMPLETED, "referrer": SectionState.COMPLETED}
    assert next_section(person, done).slug == "risk"
    # After the last section, back to one left incomplete; none left, check your answers.
    rest = {s.slug: SectionState.COMPLETED for s in SECTIONS} | {"risk": SectionState.INCOMPLETE}
    assert next_section(BY_SLUG["consent"], rest).slug == "risk"
    assert next_section(BY_SLUG["risk"], rest | {"risk": SectionState.COMPLETED}) is None
