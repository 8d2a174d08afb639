"""Pure checks of service settings, FTE and leave."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from enablement.catalogue import rules
from enablement.demo.services import SERVICES

KERS = next(s for s in SERVICES if s["code"] == "KERS")["values"]


@pytest.mark.parametrize("spec", SERVICES, ids=lambda s: s["code"])
def test_every_seed_service_is_valid(spec):
    assert rules.settings_problems(spec["values"]) == {}


@pytest.mark.parametrize(
    "change,field,message",
    [
        ({"review_weeks": [6, 13]}, "review_weeks", "Review in week 13 is after the end"),
        ({"review_weeks": [0]}, "review_weeks", "1 or more"),
        ({"review_weeks": [3, 3]}, "review_weeks", "only once"),
        ({"extension_max_weeks": -1}, "extension_max_weeks", "0 weeks or more"),
        ({"extension_max_weeks": 2, "extension_rule": "none"}, "extension_rule", "who decides"),
        ({"caseload_per_fte": 0}, "caseload_per_fte", "1 or more"),
        ({"caseload_per_fte": 201}, "caseload_per_fte", "200 or fewer"),
        ({"length_weeks": 0}, "length_weeks", "at least 1 week"),
        ({"length_weeks": 105}, "length_weeks", "104 weeks or fewer"),
        ({"min_age": 30, "max_age": 20}, "max_age", "same as or more than"),
        ({"max_age": None}, "over_max_age_exception", "needs a maximum age"),
        ({"diagnosis_categories": []}, "diagnosis_categories", "at least one"),
        ({"excluded_categories": ["mental_health"]}, "excluded_categories", "both accepted"),
        (
            {"referral_sources": [], "routing": "hub", "levels": ["brief"]},
            "referral_sources",
            "at least one source",
        ),
        ({"self_referral_allowed": True}, "self_referral_allowed", "must match"),
        ({"screening_working_days": 0}, "screening_working_days", "1 working day"),
        ({"hold_timeout_working_days": None}, "hold_timeout_working_days", "needs a timeout"),
        ({"missed_visits_before_planning": 4}, "missed_visits_before_planning", "Cannot be more"),
        ({"missed_visits_threshold": None}, "missed_visits_before_planning", "threshold first"),
        ({"re_referral_window_months": -1}, "re_referral_window_months", "0 months or more"),
        ({"weekly_hours": Decimal("0")}, "weekly_hours", "more than 0"),
        ({"weekly_hours": Decimal("169")}, "weekly_hours", "no more than 168"),
        ({"total_support_weeks": 10}, "total_support_weeks", "shorter than"),
        ({"chargeable_after_weeks": 6}, "chargeable_after_weeks", "needs a total"),
        ({"routing": "panel"}, "route_destinations", "at least one service"),
        ({"routing": "hub"}, "levels", "levels"),
        ({"route_destinations": ["KPS"]}, "route_destinations", "Only a triage-panel"),
        ({"risk_current_days": 0}, "risk_current_days", "1 day or more"),
    ],
)
def test_bad_settings_are_refused_with_a_message(change, field, message):
    problems = rules.settings_problems({**KERS, **change})
    assert field in problems
    assert message in problems[field]


def test_a_direct_service_may_take_referrals_only_through_a_front_door():
    """Seed 001 §1: one front door; KPS and the specialist service take none of their own."""
    assert "referral_sources" not in rules.settings_problems({**KERS, "referral_sources": []})


BEP = next(s for s in SERVICES if s["code"] == "BEP")["values"]
BEP_NEEDS = BEP["source_requirements"]


@pytest.mark.parametrize(
    "requirements,message",
    [
        (
            {**BEP_NEEDS, "police": ["consent"]},
            "“police” is not a referral source. The sources are: community_mh_social_work "
            "(Community mental-health social work team), ",
        ),
        (
            {**BEP_NEEDS, "integrated_mh_team": ["consent"]},
            "Integrated mental-health team is given minimum data but the service does not take "
            "referrals from that source: add it to the referral sources, or remove its line",
        ),
        (
            {**BEP_NEEDS, "gp": ["source", "dob"]},
            "“dob” is not an item of the validation checklist. The items are: source, "
            "source_not_accepted, named_social_worker, date_of_birth, ",
        ),
        (
            {**BEP_NEEDS, "gp": []},
            "List at least one item GP must give, like “date_of_birth”",
        ),
        (
            {**BEP_NEEDS, "carer": ["source", "named_social_worker"]},
            "A carer cannot name a social worker: remove named_social_worker from the “carer” line",
        ),
        (
            {k: v for k, v in BEP_NEEDS.items() if k != "self"},
            "The service takes referrals from the person themself, who cannot name a social "
            "worker: add a line “self: …” with the items they must give",
        ),
        (
            {k: v for k, v in BEP_NEEDS.items() if k != "carer"},
            "The service takes referrals from a carer, who cannot name a social worker: add a "
            "line “carer: …” with the items they must give",
        ),
        ({"gp": "source"}, "Write each source on its own line"),
    ],
)
def test_minimum_data_settings_are_checked(requirements, message):
    problems = rules.settings_problems({**BEP, "source_requirements": requirements})
    assert problems["source_requirements"].startswith(message)


def test_minimum_data_is_optional_for_professional_sources_only():
    assert rules.settings_problems({**KERS, "source_requirements": {}}) == {}
    assert rules.settings_problems({**BEP, "source_requirements": BEP_NEEDS}) == {}
    without_gp = {k: v for k, v in BEP_NEEDS.items() if k != "gp"}
    assert rules.settings_problems({**BEP, "source_requirements": without_gp}) == {}


def test_chargeable_after_support_ends_is_refused():
    problems = rules.settings_problems(
        {**KERS, "total_support_weeks": 26, "chargeable_after_weeks": 30}
    )
    assert "after support has ended" in problems["chargeable_after_weeks"]


@given(length=st.integers(1, 104), weeks=st.lists(st.integers(1, 120), unique=True, max_size=6))
def test_review_weeks_are_accepted_exactly_when_within_the_length(length, weeks):
    problems = rules.settings_problems({**KERS, "length_weeks": length, "review_weeks": weeks})
    assert ("review_weeks" in problems) == any(w > length for w in weeks)


@pytest.mark.parametrize(
    "fte,ok",
    [
        (Decimal("0"), False),
        (Decimal("-0.1"), False),
        (Decimal("0.01"), True),
        (Decimal("0.6"), True),
        (Decimal("1"), True),
        (Decimal("1.01"), False),
        (Decimal("1.5"), False),
        (None, False),
    ],
)
def test_fte_is_more_than_0_and_at_most_1(fte, ok):
    assert (rules.fte_problem(fte) is None) == ok


def test_leave_must_not_end_before_it_starts():
    assert rules.leave_problem(date(2026, 4, 2), date(2026, 4, 1))
    assert rules.leave_problem(date(2026, 4, 2), date(2026, 4, 2)) is None


@pytest.mark.parametrize(
    "per_fte,fte,room",
    [(15, "1.00", 15), (15, "0.60", 9), (15, "0.50", 8), (15, "0.10", 2), (12, "0.75", 9)],
)
def test_caseload_capacity_is_rounded_pro_rata(per_fte, fte, room):
    assert rules.caseload_capacity(per_fte, Decimal(fte)) == room
