"""The front door's pure rules: checklist, eligibility, re-referral window, clocks, transitions.

No database and no clock. The services' settings are the demo's real values
(enablement/demo/services.py) as plain namespaces, so a change to a seed value shows here.
"""

import dataclasses
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from enablement.core.workdays import ENGLAND_AND_WALES, WorkingCalendar
from enablement.demo.services import SERVICES
from enablement.people.rules import age_on
from enablement.referrals import rules
from enablement.referrals.rules import (
    Action,
    Eligibility,
    ReferralFacts,
    RiskArea,
    Status,
)


def _settings(code: str, **changes) -> SimpleNamespace:
    spec = next(s for s in SERVICES if s["code"] == code)
    return SimpleNamespace(**{**spec["values"], **changes})


KERS = _settings("KERS")
AFD = _settings("AFD")  # the autism front door
KPS = _settings("KPS")
STR = _settings("STR")
BEP = _settings("BEP")

TODAY = date(2026, 4, 2)  # a Thursday, before Easter
RECENT = TODAY - timedelta(days=10)


def _risks(**changes) -> dict:
    risks = dict.fromkeys(RiskArea, ("None known", RECENT))
    risks.update({RiskArea(k): v for k, v in changes.items()})
    return risks


COMPLETE = ReferralFacts(
    named_social_worker_id=7,
    source="community_mh_social_work",
    risks=_risks(),
    need_identified=True,
    work_requested="Travel training so she can take the bus to the day centre alone",
    intended_outcomes="Goes to the day centre twice a week without staff",
    deliverable_within_length=True,
    consent_to_share=True,
    date_of_birth=date(1980, 5, 1),
    diagnosis_category="mental_health",
)


def _facts(**changes) -> ReferralFacts:
    return dataclasses.replace(COMPLETE, **changes)


def _codes(settings, facts, today=TODAY) -> list[str]:
    return [m.code for m in rules.validation_problems(settings, facts, today=today)]


def _only(settings, facts, today=TODAY) -> rules.Missing:
    problems = rules.validation_problems(settings, facts, today=today)
    assert len(problems) == 1, problems
    return problems[0]


# --- Risk areas and complex features -------------------------------------------------------


def test_the_five_risk_areas_and_their_labels():
    assert [(a.value, a.label) for a in RiskArea] == [
        ("to_others", "Risk to others"),
        ("to_self", "Risk to self"),
        ("substance_misuse", "Substance misuse"),
        ("from_others", "Risk from others"),
        ("other", "Other risks, including environment"),
    ]
    assert RiskArea("to_self") is RiskArea.TO_SELF
    assert RiskArea.TO_SELF == "to_self"  # a StrEnum: stored and compared as its value


def test_the_eleven_complex_features_of_seed_000_6_2():
    codes = [code for code, _ in rules.COMPLEX_FEATURES]
    assert len(codes) == 11 == len(set(codes))
    labels = " | ".join(label for _, label in rules.COMPLEX_FEATURES)
    for words in (
        "History of service involvement",
        "Safeguarding",
        "Violence",
        "Non engagement",
        "Poor progress",
        "dual diagnosis",
        "homelessness",
        "Children and Families",
        "MAPPA",
        "MARAC",
        "domestic abuse",
    ):
        assert words in labels


# --- Validation: complete referrals --------------------------------------------------------


@pytest.mark.parametrize(
    "settings,source,diagnosis",
    [
        (KERS, "community_mh_social_work", "mental_health"),
        (AFD, "social_work_team", "autism"),
        (KPS, "social_work_team", "autism"),
        (STR, "integrated_mh_team", "mental_health"),
        (BEP, "gp", "mental_health"),
    ],
)
def test_a_complete_referral_has_no_problems(settings, source, diagnosis):
    facts = _facts(source=source, diagnosis_category=diagnosis)
    assert rules.validation_problems(settings, facts, today=TODAY) == []


@pytest.mark.parametrize("source", ["self", "carer"])
def test_a_self_or_carer_referral_needs_no_named_social_worker(source):
    assert _codes(BEP, _facts(source=source, named_social_worker_id=None)) == []


def test_risks_may_be_keyed_by_the_stored_strings():
    risks = {str(area): ("None known", RECENT) for area in RiskArea}
    assert _codes(KERS, _facts(risks=risks)) == []


# --- Validation: each problem alone --------------------------------------------------------


@pytest.mark.parametrize(
    "changes,code,field,message",
    [
        (
            {"named_social_worker_id": None},
            "named_social_worker",
            "named_social_worker",
            "Name the social worker who will hold case responsibility throughout the "
            "enablement period (seed 000 §6)",
        ),
        ({"source": "  "}, "source", "source", "Select who is making the referral"),
        (
            {"source": "gp"},
            "source_not_accepted",
            "source",
            "This service does not take referrals from GPs. It takes referrals from "
            "community mental-health social work teams",
        ),
        (
            {"date_of_birth": None},
            "date_of_birth",
            "date_of_birth",
            "Enter the person's date of birth: the service's age rule needs it",
        ),
        (
            {"date_of_birth": TODAY + timedelta(days=1)},
            "date_of_birth",
            "date_of_birth",
            "Date of birth must be in the past",
        ),
        (
            {"date_of_birth": date(1900, 1, 1)},
            "date_of_birth",
            "date_of_birth",
            "Date of birth must be the same as or after 2 April 1906",
        ),
        (
            {"diagnosis_category": None},
            "diagnosis_category",
            "diagnosis_category",
            "Select the person's primary diagnosis, or “No diagnosis recorded”",
        ),
        (
            {"need_identified": False},
            "need_identified",
            "need_identified",
            "Confirm that enablement or preventative work has been identified as a need "
            "(seed 000 §6)",
        ),
        ({"work_requested": ""}, "work_requested", "work_requested", rules.WORK_MISSING),
        ({"work_requested": " \n "}, "work_requested", "work_requested", rules.WORK_MISSING),
        (
            {"work_requested": "General support"},
            "work_specific",
            "work_requested",
            "Say exactly what enablement work is asked for, not a generalisation",
        ),
        (
            {"work_requested": "Cooking lessons"},
            "work_specific",
            "work_requested",
            rules.WORK_TOO_SHORT,
        ),
        (
            {"deliverable_within_length": False},
            "deliverable",
            "deliverable_within_length",
            "Confirm that the enablement work asked for can be delivered within 12 weeks, "
            "the length of this service",
        ),
        (
            {"consent_to_share": False},
            "consent",
            "consent_to_share",
            "Confirm the person agrees to their information being shared with the service",
        ),
    ],
)
def test_each_problem_alone(changes, code, field, message):
    assert _only(KERS, _facts(**changes)) == rules.Missing(code, field, message)


@pytest.mark.parametrize("area", list(RiskArea))
def test_a_risk_area_left_out_is_both_undescribed_and_undated(area):
    risks = _risks()
    del risks[area]
    assert rules.validation_problems(KERS, _facts(risks=risks), today=TODAY) == [
        rules.Missing(
            f"risk_{area}",
            f"risk_{area}_description",
            f"{area.label}: describe the risk, or write “None known” (seed 000 §6)",
        ),
        rules.Missing(
            f"risk_current_{area}",
            f"risk_{area}_assessed_on",
            f"{area.label}: enter the date the risk was assessed",
        ),
    ]


@pytest.mark.parametrize("area", list(RiskArea))
@pytest.mark.parametrize("description", ["", "   ", "\t\n"])
def test_a_blank_risk_description_is_a_problem(area, description):
    facts = _facts(risks=_risks(**{area: (description, RECENT)}))
    assert _only(KERS, facts).code == f"risk_{area}"


@pytest.mark.parametrize("area", list(RiskArea))
def test_a_risk_without_an_assessed_date_is_a_problem(area):
    facts = _facts(risks=_risks(**{area: ("Self-harm when anxious, last in 2024", None)}))
    assert _only(KERS, facts).code == f"risk_current_{area}"


def test_none_known_is_a_description():
    assert _codes(KERS, _facts(risks=_risks(to_self=("None known", RECENT)))) == []


# --- Validation: risk currency -------------------------------------------------------------


def test_risk_assessed_exactly_risk_current_days_ago_is_current():
    assert KERS.risk_current_days == 90
    assessed = date(2026, 1, 3)
    today = assessed + timedelta(days=90)
    assert _codes(KERS, _facts(risks=_risks(to_self=("None known", assessed))), today) == []


def test_risk_assessed_one_day_more_is_not_current():
    assessed = date(2026, 1, 3)
    today = assessed + timedelta(days=91)
    problem = _only(KERS, _facts(risks=_risks(to_self=("None known", assessed))), today)
    assert problem == rules.Missing(
        "risk_current_to_self",
        "risk_to_self_assessed_on",
        "Risk to self was assessed on 3 January 2026, more than 90 days ago: it must be current",
    )


def test_risk_assessed_today_is_current():
    assert _codes(KERS, _facts(risks=_risks(other=("Hoarding", TODAY)))) == []


def test_risk_assessed_in_the_future_is_a_mistake():
    tomorrow = TODAY + timedelta(days=1)
    problem = _only(KERS, _facts(risks=_risks(from_others=("None known", tomorrow))))
    assert problem.code == "risk_current_from_others"
    assert problem.message == (
        "Risk from others was assessed on 3 April 2026, which is in the future: check the date"
    )


def test_a_service_without_a_currency_limit_takes_old_risk_information_but_not_future():
    old = date(2019, 6, 1)
    assert STR.risk_current_days is None
    facts = _facts(source="integrated_mh_team", risks=_risks(to_others=("None known", old)))
    assert _codes(STR, facts) == []
    future = _facts(
        source="integrated_mh_team",
        risks=_risks(to_others=("None known", TODAY + timedelta(days=1))),
    )
    assert _codes(STR, future) == ["risk_current_to_others"]


def test_the_currency_limit_is_read_from_the_settings():
    settings = _settings("KERS", risk_current_days=30)
    facts = _facts(risks=_risks(substance_misuse=("None known", TODAY - timedelta(days=31))))
    assert "more than 30 days ago" in _only(settings, facts).message


# --- Validation: the work asked for --------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "general support",
        "General support.",
        "  SUPPORT!! ",
        "support",
        "Enablement",
        "as required",
        "To be assessed",
        "help",
        "Help.",
        "general enablement",
        "Support with mental health",
        "support with mental-health",
        "Support, with mental health!",
        "Support with their mental health",
        "General support and enablement",
        "support as required",
        "N/A",
        "TBC",
        "Increase independence",
    ],
)
def test_generalisations_are_refused(text):
    assert _only(KERS, _facts(work_requested=text)).message == rules.WORK_NOT_SPECIFIC


@pytest.mark.parametrize(
    "text",
    [
        "General support with budgeting and paying the gas bill each month",
        "Support with mental health: build a routine to attend the Tuesday walking group",
        "Help to apply for two volunteering roles at the library",
    ],
)
def test_specific_work_that_uses_general_words_is_accepted(text):
    assert _codes(KERS, _facts(work_requested=text)) == []


def test_twenty_characters_is_enough_and_nineteen_is_not():
    twenty = "Bus travel training!"
    assert len(twenty) == 20
    assert _codes(KERS, _facts(work_requested=twenty)) == []
    assert _only(KERS, _facts(work_requested=twenty[:19])).message == rules.WORK_TOO_SHORT


def test_length_is_counted_after_stripping():
    padded = "   " + "Bus travel training" + "   \n"  # 19 characters inside
    assert _only(KERS, _facts(work_requested=padded)).code == "work_specific"


def test_every_listed_generalisation_is_refused():
    for words in rules.GENERALISATIONS:
        problem = rules.work_requested_problem(words)
        assert problem is not None and problem.code == "work_specific", words


# --- Validation: the service's length and sources ------------------------------------------


@pytest.mark.parametrize(
    "settings,source,weeks",
    [(KERS, "community_mh_social_work", 12), (KPS, "social_work_team", 16), (BEP, "gp", 6)],
)
def test_deliverable_names_the_service_length(settings, source, weeks):
    facts = _facts(source=source, deliverable_within_length=False, diagnosis_category=None)
    messages = [m.message for m in rules.validation_problems(settings, facts, today=TODAY)]
    assert f"can be delivered within {weeks} weeks" in " ".join(messages)


@pytest.mark.parametrize(
    "settings,source",
    [
        (KERS, "social_work_team"),
        (KERS, "self"),
        (KERS, "carer"),
        (AFD, "community_mh_social_work"),
        (STR, "gp"),
        (BEP, "community_mh_social_work"),
        (BEP, "integrated_mh_team"),
    ],
)
def test_sources_a_service_does_not_take(settings, source):
    codes = _codes(settings, _facts(source=source))
    assert codes == ["source_not_accepted"]


@pytest.mark.parametrize("source", BEP.referral_sources)
def test_bep_takes_every_agreed_source(source):
    assert _codes(BEP, _facts(source=source)) == []


def test_self_referral_needs_self_referral_allowed_as_well_as_the_source():
    inconsistent = _settings("BEP", self_referral_allowed=False)
    problem = _only(inconsistent, _facts(source="self", named_social_worker_id=None))
    assert problem.code == "source_not_accepted"
    assert problem.message.startswith(
        "This service does not take referrals from the person themself (self-referral)"
    )


def test_an_unknown_source_is_shown_as_typed():
    problem = _only(KERS, _facts(source="police"))
    assert problem.message.startswith("This service does not take referrals from police.")


def test_a_named_social_worker_is_still_needed_from_a_professional_source_at_bep():
    problem = _only(BEP, _facts(source="gp", named_social_worker_id=None))
    assert problem.code == "named_social_worker"


# --- Validation: everything at once, and the checklist -------------------------------------

EVERYTHING_WRONG = ReferralFacts(
    named_social_worker_id=None,
    source="gp",
    risks={RiskArea.TO_SELF: ("Old", date(2020, 1, 1))},
    need_identified=False,
    work_requested="Support",
    intended_outcomes="",
    deliverable_within_length=False,
    consent_to_share=False,
    date_of_birth=None,
    diagnosis_category=None,
)


def test_all_problems_are_reported_together_in_checklist_order():
    assert _codes(KERS, EVERYTHING_WRONG) == [
        "source_not_accepted",
        "named_social_worker",
        "date_of_birth",
        "diagnosis_category",
        "risk_to_others",
        "risk_current_to_others",
        "risk_current_to_self",
        "risk_substance_misuse",
        "risk_current_substance_misuse",
        "risk_from_others",
        "risk_current_from_others",
        "risk_other",
        "risk_current_other",
        "need_identified",
        "work_specific",
        "deliverable",
        "consent",
    ]


def test_checklist_codes_are_unique_and_labelled():
    codes = [code for code, _ in rules.CHECKLIST]
    assert len(codes) == len(set(codes))
    assert all(label.strip() for _, label in rules.CHECKLIST)
    assert rules.CHECKLIST_LABELS["named_social_worker"] == (
        "Named social worker who holds case responsibility"
    )
    assert rules.CHECKLIST_LABELS["risk_current_to_self"].startswith("Risk to self:")
    for area in RiskArea:
        assert f"risk_{area}" in codes and f"risk_current_{area}" in codes


def test_every_checklist_code_can_be_produced():
    produced = set(_codes(KERS, EVERYTHING_WRONG))
    produced |= set(_codes(KERS, _facts(source="")))
    produced |= set(_codes(KERS, _facts(work_requested="")))
    produced |= set(_codes(KERS, _facts(risks=_risks(to_self=("", RECENT)))))
    assert produced == {code for code, _ in rules.CHECKLIST}


_text = st.text(alphabet=st.characters(codec="utf-8"), max_size=60)
_maybe_date = st.none() | st.dates(date(1900, 1, 1), date(2030, 12, 31))


@given(
    named=st.none() | st.integers(1, 10_000),
    source=st.sampled_from(
        ["", "gp", "self", "carer", "social_work_team", "x", *KERS.referral_sources]
    ),
    risks=st.dictionaries(st.sampled_from(list(RiskArea)), st.tuples(_text, _maybe_date)),
    flags=st.tuples(st.booleans(), st.booleans(), st.booleans()),
    work=_text,
    dob=_maybe_date,
    diagnosis=st.none() | st.sampled_from(["", "mental_health", "autism"]),
    settings=st.sampled_from([KERS, AFD, STR, BEP]),
)
def test_validation_never_fails_and_speaks_only_checklist(
    named, source, risks, flags, work, dob, diagnosis, settings
):
    facts = ReferralFacts(
        named_social_worker_id=named,
        source=source,
        risks=risks,
        need_identified=flags[0],
        work_requested=work,
        intended_outcomes="",
        deliverable_within_length=flags[1],
        consent_to_share=flags[2],
        date_of_birth=dob,
        diagnosis_category=diagnosis,
    )
    order = [code for code, _ in rules.CHECKLIST]
    codes = _codes(settings, facts)
    assert all(code in order for code in codes)
    assert [order.index(c) for c in codes] == sorted(order.index(c) for c in codes)
    assert all(m.message for m in rules.validation_problems(settings, facts, today=TODAY))


# --- Eligibility ---------------------------------------------------------------------------

SCREENED_ON = date(2026, 4, 8)


def _born_aged(years: int, on: date = SCREENED_ON) -> date:
    """Born so that they turned `years` exactly on `on`."""
    return on.replace(year=on.year - years)


def _decide(settings, **changes) -> rules.EligibilityDecision:
    facts = {
        "date_of_birth": _born_aged(40),
        "on": SCREENED_ON,
        "diagnosis_category": settings.diagnosis_categories[0],
        "ongoing_cmh_social_work": False,
        "diagnosed_need": False,
        "eligible_needs": True,
        "preventative_entitlement": None,
        "not_appropriate": (),
    }
    return rules.eligibility(settings, **{**facts, **changes})


ELIGIBLE = rules.EligibilityDecision(Eligibility.ELIGIBLE, ())
OVER_65_REASON = (
    "Over 65 with ongoing community mental-health social work involvement and a diagnosed "
    "need (seed 000 §5)"
)


def test_kers_17_is_not_eligible():
    day_before_18th = _born_aged(18) + timedelta(days=1)
    assert _decide(KERS, date_of_birth=day_before_18th) == rules.EligibilityDecision(
        Eligibility.NOT_ELIGIBLE, ("Aged 17: the service is for people aged 18 and over",)
    )


def test_kers_18_on_the_birthday_is_eligible():
    assert _decide(KERS, date_of_birth=_born_aged(18)) == ELIGIBLE


def test_kers_65_up_to_the_day_before_the_66th_birthday_is_eligible():
    assert _decide(KERS, date_of_birth=_born_aged(65)) == ELIGIBLE
    assert _decide(KERS, date_of_birth=_born_aged(66) + timedelta(days=1)) == ELIGIBLE


@pytest.mark.parametrize(
    "ongoing,diagnosed,lacking",
    [
        (
            False,
            False,
            "no ongoing community mental-health social work involvement and no diagnosed need",
        ),
        (True, False, "no diagnosed need"),
        (False, True, "no ongoing community mental-health social work involvement"),
    ],
)
def test_kers_66_without_the_exception_facts_is_not_eligible(ongoing, diagnosed, lacking):
    decision = _decide(
        KERS,
        date_of_birth=_born_aged(66),
        ongoing_cmh_social_work=ongoing,
        diagnosed_need=diagnosed,
    )
    assert decision == rules.EligibilityDecision(
        Eligibility.NOT_ELIGIBLE,
        (
            "Aged 66: over 65, the service is only for people with ongoing community "
            "mental-health social work involvement and a diagnosed need (seed 000 §5); "
            f"recorded: {lacking}",
        ),
    )


def test_kers_66_with_ongoing_involvement_and_a_diagnosed_need_is_eligible():
    decision = _decide(
        KERS, date_of_birth=_born_aged(66), ongoing_cmh_social_work=True, diagnosed_need=True
    )
    assert decision == rules.EligibilityDecision(Eligibility.ELIGIBLE, (OVER_65_REASON,))


@pytest.mark.parametrize("eligible_needs", [None, False, True])
def test_the_over_65_limb_does_not_ask_for_a_care_act_needs_assessment(eligible_needs):
    decision = _decide(
        KERS,
        date_of_birth=_born_aged(80),
        ongoing_cmh_social_work=True,
        diagnosed_need=True,
        eligible_needs=eligible_needs,
    )
    assert decision.outcome == Eligibility.ELIGIBLE


def test_the_over_65_limb_still_needs_a_mental_health_diagnosis():
    decision = _decide(
        KERS,
        date_of_birth=_born_aged(70),
        ongoing_cmh_social_work=True,
        diagnosed_need=True,
        diagnosis_category="dementia",
    )
    assert decision.outcome == Eligibility.NOT_ELIGIBLE
    assert decision.reasons[0] == OVER_65_REASON


def test_a_29_february_birthday_turns_18_on_1_march_in_a_common_year():
    born = date(2008, 2, 29)
    assert _decide(KERS, date_of_birth=born, on=date(2026, 2, 28)).outcome == (
        Eligibility.NOT_ELIGIBLE
    )
    assert _decide(KERS, date_of_birth=born, on=date(2026, 3, 1)) == ELIGIBLE


def test_kers_needs_a_care_act_assessment():
    assert _decide(KERS, eligible_needs=None) == rules.EligibilityDecision(
        Eligibility.NEEDS_JUDGEMENT, ("No Care Act assessment of unmet eligible needs recorded",)
    )
    decision = _decide(KERS, eligible_needs=False)
    assert decision.outcome == Eligibility.NOT_ELIGIBLE
    assert "no unmet eligible needs" in decision.reasons[0]


@pytest.mark.parametrize("category", ["autism", "learning_disability", "none_recorded"])
def test_kers_is_for_a_primary_mental_health_diagnosis(category):
    decision = _decide(KERS, diagnosis_category=category)
    assert decision.outcome == Eligibility.NOT_ELIGIBLE
    assert decision.reasons[0].endswith(
        "this service is for people with a primary diagnosis of mental health"
    )


@pytest.mark.parametrize("settings", [AFD, KPS], ids=["front door", "KPS"])
def test_autism_services_take_autism_only(settings):
    assert _decide(settings, diagnosis_category="autism") == ELIGIBLE
    decision = _decide(settings, diagnosis_category="mental_health")
    assert decision == rules.EligibilityDecision(
        Eligibility.NOT_ELIGIBLE,
        (
            "The primary diagnosis recorded is mental health: this service is for people "
            "with a primary diagnosis of autism",
        ),
    )


def test_autism_has_no_over_65_exception():
    decision = _decide(
        AFD, date_of_birth=_born_aged(66), ongoing_cmh_social_work=True, diagnosed_need=True
    )
    assert decision == rules.EligibilityDecision(
        Eligibility.NOT_ELIGIBLE, ("Aged 66: the service is for people aged 18 to 65",)
    )


def test_autism_lists_the_seven_not_appropriate_factors():
    assert len(AFD.not_appropriate_factors) == 7


@pytest.mark.parametrize("factor", AFD.not_appropriate_factors)
def test_each_autism_not_appropriate_factor_makes_the_person_not_eligible(factor):
    assert _decide(AFD, not_appropriate=[factor]) == rules.EligibilityDecision(
        Eligibility.NOT_ELIGIBLE, (f"Not appropriate for this service: {factor}",)
    )


def test_all_ticked_factors_are_listed_in_the_services_order():
    ticked = list(reversed(AFD.not_appropriate_factors))
    decision = _decide(AFD, not_appropriate=ticked)
    assert decision.reasons == tuple(
        f"Not appropriate for this service: {f}" for f in AFD.not_appropriate_factors
    )


@pytest.mark.parametrize("settings", [AFD, KERS])
def test_a_factor_the_service_does_not_list_is_an_error(settings):
    with pytest.raises(ValueError, match="not appropriate"):
        _decide(settings, not_appropriate=["The person lives in Kent"])


@pytest.mark.parametrize(
    "category,reason",
    [
        ("dementia", "Dementia is outside this service"),
        ("frail_elderly", "Frail elderly is outside this service"),
    ],
)
def test_bep_excludes_dementia_and_frail_elderly(category, reason):
    assert _decide(BEP, diagnosis_category=category) == rules.EligibilityDecision(
        Eligibility.NOT_ELIGIBLE, (reason,)
    )


@pytest.mark.parametrize(
    "eligible_needs,preventative,outcome",
    [
        (True, None, Eligibility.ELIGIBLE),
        (None, True, Eligibility.ELIGIBLE),
        (False, True, Eligibility.ELIGIBLE),
        (True, False, Eligibility.ELIGIBLE),
        (True, True, Eligibility.ELIGIBLE),
        (None, None, Eligibility.NEEDS_JUDGEMENT),
        (False, None, Eligibility.NEEDS_JUDGEMENT),
        (None, False, Eligibility.NEEDS_JUDGEMENT),
        (False, False, Eligibility.NOT_ELIGIBLE),
    ],
)
def test_bep_takes_care_act_needs_or_a_preventative_entitlement(
    eligible_needs, preventative, outcome
):
    decision = _decide(BEP, eligible_needs=eligible_needs, preventative_entitlement=preventative)
    assert decision.outcome == outcome
    assert (decision.reasons == ()) == (outcome == Eligibility.ELIGIBLE)


def test_bep_has_no_upper_age():
    assert _decide(BEP, date_of_birth=_born_aged(95)) == ELIGIBLE


def test_str_does_not_refuse_someone_it_supported_before():
    # Seed 004 §1(6)'s "new people only" was how the 2012 service moved from the old model:
    # people already in it were reviewed instead. It is not eligibility (issue 10).
    assert not hasattr(STR, "new_people_only")
    assert _decide(STR) == ELIGIBLE


@pytest.mark.parametrize("eligible_needs", [None, False, True])
def test_str_has_no_needs_test(eligible_needs):
    assert _decide(STR, eligible_needs=eligible_needs) == ELIGIBLE


def test_every_reason_is_collected_and_the_worst_outcome_wins():
    decision = _decide(
        BEP,
        date_of_birth=_born_aged(17),
        diagnosis_category="dementia",
        eligible_needs=None,
        preventative_entitlement=None,
    )
    assert decision.outcome == Eligibility.NOT_ELIGIBLE
    assert decision.reasons == (
        "Aged 17: the service is for people aged 18 and over",
        "Dementia is outside this service",
        "Neither Care Act eligible needs nor a preventative entitlement is recorded",
    )


def test_needs_judgement_outweighs_eligible():
    decision = _decide(KERS, date_of_birth=None, diagnosis_category=None)
    assert decision == rules.EligibilityDecision(
        Eligibility.NEEDS_JUDGEMENT,
        (
            "No date of birth recorded: the age rule is not checked",
            "No primary diagnosis recorded",
        ),
    )


def test_a_date_of_birth_after_screening_is_an_error():
    with pytest.raises(ValueError):
        _decide(KERS, date_of_birth=SCREENED_ON + timedelta(days=1))


def test_an_unknown_needs_basis_is_an_error():
    with pytest.raises(ValueError, match="needs basis"):
        _decide(_settings("KERS", needs_basis="vibes"))


@given(
    dob=st.dates(date(1920, 1, 1), SCREENED_ON),
    diagnosis=st.sampled_from(["mental_health", "autism", "dementia", None]),
    ongoing=st.booleans(),
    diagnosed=st.booleans(),
    needs=st.sampled_from([None, False, True]),
    preventative=st.sampled_from([None, False, True]),
    factors=st.lists(st.sampled_from(AFD.not_appropriate_factors), unique=True),
    settings=st.sampled_from([KERS, AFD, STR, BEP]),
)
def test_eligibility_properties(
    dob, diagnosis, ongoing, diagnosed, needs, preventative, factors, settings
):
    factors = factors if settings is AFD else []
    decision = _decide(
        settings,
        date_of_birth=dob,
        diagnosis_category=diagnosis,
        ongoing_cmh_social_work=ongoing,
        diagnosed_need=diagnosed,
        eligible_needs=needs,
        preventative_entitlement=preventative,
        not_appropriate=factors,
    )
    # Any ticked factor refuses; a refusal always says why.
    if factors:
        assert decision.outcome == Eligibility.NOT_ELIGIBLE
    if decision.outcome != Eligibility.ELIGIBLE:
        assert decision.reasons
    # Below the minimum age is never eligible, whatever else is true.
    if age_on(dob, SCREENED_ON) < settings.min_age:
        assert decision.outcome == Eligibility.NOT_ELIGIBLE


@given(dob=st.dates(date(1920, 1, 1), SCREENED_ON))
def test_kers_age_band_by_completed_years(dob):
    decision = _decide(KERS, date_of_birth=dob)
    in_band = 18 <= age_on(dob, SCREENED_ON) <= 65
    assert (decision == ELIGIBLE) == in_band


# --- Re-referral window --------------------------------------------------------------------

ENDED = date(2025, 3, 15)


def test_re_referral_eleven_months_on_is_flagged():
    flag = rules.re_referral_flag(KERS, last_ended_on=ENDED, submitted_on=date(2026, 2, 15))
    assert flag == rules.ReReferral(
        last_ended_on=ENDED,
        window_ends_on=date(2026, 3, 15),
        message="The person's last enablement ended on 15 March 2025. A new enablement is "
        "considered only from 15 March 2026 (12 months on), and only where the person's "
        "needs have significantly changed (seed 000 §9)",
    )


def test_re_referral_twelve_months_and_a_day_on_is_not_flagged():
    assert rules.re_referral_flag(KERS, last_ended_on=ENDED, submitted_on=date(2026, 3, 16)) is None


def test_re_referral_on_the_anniversary_is_not_flagged_and_the_day_before_is():
    # "Only ... after a period of 12 months": on 15 March 2026 the 12 months have passed.
    assert rules.re_referral_flag(KERS, last_ended_on=ENDED, submitted_on=date(2026, 3, 15)) is None
    assert rules.re_referral_flag(KERS, last_ended_on=ENDED, submitted_on=date(2026, 3, 14))


def test_re_referral_on_the_day_the_last_enablement_ended_is_flagged():
    assert rules.re_referral_flag(KERS, last_ended_on=ENDED, submitted_on=ENDED)
    assert rules.re_referral_flag(KERS, last_ended_on=ENDED, submitted_on=date(2025, 3, 1))


def test_no_previous_enablement_no_flag():
    assert rules.re_referral_flag(KERS, last_ended_on=None, submitted_on=TODAY) is None


@pytest.mark.parametrize("settings", [STR, BEP], ids=["STR", "BEP"])
def test_services_without_a_window_never_flag(settings):
    assert rules.re_referral_flag(settings, last_ended_on=TODAY, submitted_on=TODAY) is None


def test_the_window_runs_from_the_end_of_the_last_month_when_the_day_is_missing():
    ended = date(2025, 1, 31)
    one_month = _settings("KERS", re_referral_window_months=1)
    flag = rules.re_referral_flag(one_month, last_ended_on=ended, submitted_on=date(2025, 2, 27))
    assert flag is not None and flag.window_ends_on == date(2025, 2, 28)
    assert (
        rules.re_referral_flag(one_month, last_ended_on=ended, submitted_on=date(2025, 2, 28))
        is None
    )


def test_ended_on_29_february_the_window_ends_on_28_february():
    flag = rules.re_referral_flag(
        KERS, last_ended_on=date(2024, 2, 29), submitted_on=TODAY.replace(year=2025)
    )
    assert flag is None  # 2 April 2025 is after 28 February 2025
    flag = rules.re_referral_flag(
        KERS, last_ended_on=date(2024, 2, 29), submitted_on=date(2025, 2, 27)
    )
    assert flag is not None and flag.window_ends_on == date(2025, 2, 28)


@pytest.mark.parametrize(
    "start,months,expected",
    [
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2025, 3, 15), 12, date(2026, 3, 15)),
        (date(2025, 12, 31), 1, date(2026, 1, 31)),
        (date(2025, 8, 31), 1, date(2025, 9, 30)),
        (date(2025, 3, 31), -1, date(2025, 2, 28)),
        (date(2025, 1, 15), -1, date(2024, 12, 15)),
        (date(2025, 5, 10), 0, date(2025, 5, 10)),
    ],
)
def test_add_months(start, months, expected):
    assert rules.add_months(start, months) == expected


@given(d=st.dates(date(1950, 1, 1), date(2100, 12, 31)), months=st.integers(0, 240))
def test_add_months_properties(d, months):
    later = rules.add_months(d, months)
    assert (later.year * 12 + later.month) - (d.year * 12 + d.month) == months
    assert later.day == d.day or (later.day < d.day and (later + timedelta(days=1)).day == 1)
    assert rules.add_months(d, months) <= rules.add_months(d + timedelta(days=1), months)


@given(
    ended=st.dates(date(2015, 1, 1), date(2030, 12, 31)),
    a=st.dates(date(2014, 1, 1), date(2032, 12, 31)),
    b=st.dates(date(2014, 1, 1), date(2032, 12, 31)),
)
def test_the_re_referral_flag_is_monotonic_in_the_submission_date(ended, a, b):
    early, late = sorted((a, b))
    flag_late = rules.re_referral_flag(KERS, last_ended_on=ended, submitted_on=late)
    flag_early = rules.re_referral_flag(KERS, last_ended_on=ended, submitted_on=early)
    if flag_late is not None:
        assert flag_early is not None
    if flag_early is None:
        assert flag_late is None
    if flag_late is not None:
        assert late < flag_late.window_ends_on


@pytest.mark.parametrize(
    "statement,ok",
    [
        ("", False),
        ("   ", False),
        ("New diagnosis, move", False),  # 19 characters
        ("New diagnosis, moved", True),  # 20 characters
        ("Now homeless after eviction in January", True),
    ],
)
def test_may_go_on_needs_a_changed_needs_statement_inside_the_window(statement, ok):
    flag = rules.re_referral_flag(KERS, last_ended_on=ENDED, submitted_on=date(2026, 2, 15))
    assert flag is not None
    assert rules.may_go_on(flag, statement) is ok


def test_may_go_on_at_twenty_characters_but_not_nineteen():
    flag = rules.re_referral_flag(KERS, last_ended_on=ENDED, submitted_on=date(2026, 2, 15))
    assert rules.may_go_on(flag, "x" * 20)
    assert not rules.may_go_on(flag, "  " + "x" * 19 + "  ")


def test_may_go_on_without_a_flag_whatever_the_statement():
    assert rules.may_go_on(None, "")
    assert rules.may_go_on(None, "short")


# --- Clocks --------------------------------------------------------------------------------

EASTER_THURSDAY = date(2026, 4, 2)


def test_kers_screening_is_due_two_working_days_after_receipt_across_easter():
    assert rules.screening_due(KERS, EASTER_THURSDAY, ENGLAND_AND_WALES) == date(2026, 4, 8)


def test_received_on_a_saturday_counts_from_the_next_working_day():
    assert rules.screening_due(KERS, date(2026, 4, 4), ENGLAND_AND_WALES) == date(2026, 4, 8)
    assert rules.screening_due(KERS, date(2026, 4, 11), ENGLAND_AND_WALES) == date(2026, 4, 14)


def test_a_council_closure_day_moves_the_screening_deadline():
    calendar = WorkingCalendar(extra_closures={date(2026, 4, 7)})
    assert rules.screening_due(KERS, EASTER_THURSDAY, calendar) == date(2026, 4, 9)


@pytest.mark.parametrize("settings", [AFD, STR, BEP], ids=["AFD", "STR", "BEP"])
def test_services_without_a_screening_clock_have_no_due_date(settings):
    assert rules.screening_due(settings, EASTER_THURSDAY, ENGLAND_AND_WALES) is None


def test_overdue_only_after_the_due_day():
    due = date(2026, 4, 8)
    assert not rules.is_overdue(due, date(2026, 4, 7))
    assert not rules.is_overdue(due, due)
    assert rules.is_overdue(due, date(2026, 4, 9))
    assert not rules.is_overdue(None, date(2099, 1, 1))


def test_a_hold_started_before_easter_is_open_throughout_monday_13_april():
    assert rules.hold_expires_after(KERS, EASTER_THURSDAY, ENGLAND_AND_WALES) == date(2026, 4, 13)
    for day in (EASTER_THURSDAY, date(2026, 4, 6), date(2026, 4, 10), date(2026, 4, 13)):
        assert not rules.hold_has_expired(KERS, EASTER_THURSDAY, day, ENGLAND_AND_WALES), day
    assert rules.hold_has_expired(KERS, EASTER_THURSDAY, date(2026, 4, 14), ENGLAND_AND_WALES)


def test_a_hold_ending_on_a_friday_has_expired_by_the_weekend():
    started = date(2026, 4, 17)  # Friday; 5 working days on is Friday 24 April
    assert rules.hold_expires_after(KERS, started, ENGLAND_AND_WALES) == date(2026, 4, 24)
    assert rules.hold_has_expired(KERS, started, date(2026, 4, 25), ENGLAND_AND_WALES)


@pytest.mark.parametrize("settings", [STR, BEP], ids=["STR", "BEP"])
def test_a_service_without_a_hold_timeout_has_no_hold_clock(settings):
    with pytest.raises(ValueError, match="no complex-risk hold timeout"):
        rules.hold_expires_after(settings, EASTER_THURSDAY, ENGLAND_AND_WALES)


_days = st.dates(date(2024, 1, 1), date(2028, 12, 31))


@given(started=_days, a=st.integers(0, 60), b=st.integers(0, 60))
def test_hold_expiry_is_monotonic_and_agrees_with_working_days_used(started, a, b):
    early, late = started + timedelta(days=min(a, b)), started + timedelta(days=max(a, b))
    cal = ENGLAND_AND_WALES
    if rules.hold_has_expired(KERS, started, early, cal):
        assert rules.hold_has_expired(KERS, started, late, cal)
    if cal.is_working_day(late):
        used = cal.working_days_between(started, late)
        assert rules.hold_has_expired(KERS, started, late, cal) == (used > 5)


@given(received=_days)
def test_screening_due_is_a_working_day_after_receipt(received):
    due = rules.screening_due(KERS, received, ENGLAND_AND_WALES)
    assert due is not None and due > received and ENGLAND_AND_WALES.is_working_day(due)


# --- Transitions ---------------------------------------------------------------------------

ROUTINGS = ["direct", "panel", "hub"]


@pytest.mark.parametrize(
    "routing,status,action,expected",
    [(r, Status.SUBMITTED, Action.RETURN, Status.RETURNED) for r in ROUTINGS]
    + [(r, Status.RETURNED, Action.RESUBMIT, Status.SUBMITTED) for r in ROUTINGS]
    + [
        ("direct", Status.SUBMITTED, Action.VALIDATE, Status.VALIDATED),
        ("panel", Status.SUBMITTED, Action.VALIDATE, Status.IN_TRIAGE),
        ("hub", Status.SUBMITTED, Action.VALIDATE, Status.IN_TRIAGE),
        ("panel", Status.IN_TRIAGE, Action.TRIAGE_ROUTE, Status.REDIRECTED),
        ("hub", Status.IN_TRIAGE, Action.ASSESS, Status.VALIDATED),
        ("hub", Status.IN_TRIAGE, Action.SIGNPOST, Status.SIGNPOSTED),
        ("hub", Status.IN_TRIAGE, Action.REFER_ON, Status.REDIRECTED),
    ]
    + [
        (r, Status.VALIDATED, action, status)
        for r in ROUTINGS
        for action, status in [
            (Action.SCREEN_ACCEPT, Status.ACCEPTED),
            (Action.SCREEN_DECLINE, Status.DECLINED),
            (Action.SCREEN_NOT_READY, Status.NOT_READY),
            (Action.HOLD, Status.ON_HOLD),
        ]
    ]
    + [(r, Status.ON_HOLD, Action.ANSWER_HOLD, Status.VALIDATED) for r in ROUTINGS]
    + [(r, Status.ON_HOLD, Action.EXPIRE_HOLD, Status.CLOSED_NOT_READY) for r in ROUTINGS]
    + [
        (r, s, Action.WITHDRAW, Status.WITHDRAWN)
        for r in ROUTINGS
        for s in (Status.SUBMITTED, Status.RETURNED, Status.VALIDATED, Status.ON_HOLD)
    ]
    + [(r, Status.IN_TRIAGE, Action.WITHDRAW, Status.WITHDRAWN) for r in ("panel", "hub")],
)
def test_the_transition_table(routing, status, action, expected):
    assert rules.next_status(status, action, routing=routing) == expected


@pytest.mark.parametrize(
    "routing,status,action",
    [
        ("direct", Status.IN_TRIAGE, Action.TRIAGE_ROUTE),
        ("hub", Status.IN_TRIAGE, Action.TRIAGE_ROUTE),
        ("panel", Status.IN_TRIAGE, Action.ASSESS),
        ("panel", Status.IN_TRIAGE, Action.SIGNPOST),
        ("panel", Status.IN_TRIAGE, Action.REFER_ON),
        ("direct", Status.VALIDATED, Action.REFER_ON),
        ("hub", Status.VALIDATED, Action.REFER_ON),
        ("direct", Status.VALIDATED, Action.SIGNPOST),
        ("panel", Status.IN_TRIAGE, Action.SCREEN_ACCEPT),
        ("direct", Status.SUBMITTED, Action.SCREEN_ACCEPT),
        ("direct", Status.RETURNED, Action.VALIDATE),
        ("direct", Status.VALIDATED, Action.RETURN),
        ("direct", Status.ON_HOLD, Action.SCREEN_ACCEPT),
        ("direct", Status.ACCEPTED, Action.WITHDRAW),
        ("direct", Status.VALIDATED, Action.EXPIRE_HOLD),
    ],
)
def test_transitions_the_table_refuses(routing, status, action):
    with pytest.raises(rules.TransitionNotAllowed) as caught:
        rules.next_status(status, action, routing=routing)
    assert (caught.value.status, caught.value.action) == (status, action)


def test_a_refusal_reads_as_a_sentence():
    with pytest.raises(rules.TransitionNotAllowed) as caught:
        rules.next_status(Status.WITHDRAWN, Action.SCREEN_ACCEPT, routing="direct")
    assert str(caught.value) == "“Accept” is not possible for a referral that is withdrawn"
    with pytest.raises(rules.TransitionNotAllowed) as caught:
        rules.next_status(Status.VALIDATED, Action.RESUBMIT, routing="direct")
    assert str(caught.value) == (
        "“Resubmit” is not possible for a referral that is waiting for screening"
    )


def test_stored_strings_are_accepted():
    assert rules.next_status("validated", "screen_accept", routing="direct") == Status.ACCEPTED
    assert rules.allowed_actions("on_hold", routing="direct") == (
        Action.ANSWER_HOLD,
        Action.EXPIRE_HOLD,
        Action.WITHDRAW,
    )


def test_unknown_strings_and_routings_are_errors():
    with pytest.raises(ValueError):
        rules.next_status("lost", Action.VALIDATE, routing="direct")
    with pytest.raises(ValueError):
        rules.next_status(Status.SUBMITTED, "approve", routing="direct")
    with pytest.raises(ValueError, match="routing"):
        rules.next_status(Status.SUBMITTED, Action.VALIDATE, routing="carrier pigeon")
    with pytest.raises(ValueError, match="routing"):
        rules.allowed_actions(Status.SUBMITTED, routing="")


@pytest.mark.parametrize(
    "routing,status,actions",
    [
        ("direct", Status.SUBMITTED, (Action.RETURN, Action.VALIDATE, Action.WITHDRAW)),
        ("direct", Status.RETURNED, (Action.RESUBMIT, Action.WITHDRAW)),
        (
            "direct",
            Status.VALIDATED,
            (
                Action.SCREEN_ACCEPT,
                Action.SCREEN_DECLINE,
                Action.SCREEN_NOT_READY,
                Action.HOLD,
                Action.WITHDRAW,
            ),
        ),
        ("direct", Status.IN_TRIAGE, ()),
        ("panel", Status.IN_TRIAGE, (Action.TRIAGE_ROUTE, Action.WITHDRAW)),
        (
            "hub",
            Status.IN_TRIAGE,
            (Action.ASSESS, Action.REFER_ON, Action.SIGNPOST, Action.WITHDRAW),
        ),
        ("direct", Status.ACCEPTED, (Action.ALLOCATE,)),
        ("direct", Status.ALLOCATED, ()),
        ("hub", Status.SIGNPOSTED, ()),
    ],
)
def test_allowed_actions(routing, status, actions):
    assert rules.allowed_actions(status, routing=routing) == actions


def test_open_and_ended_statuses_split_every_status():
    assert set(Status) == rules.OPEN_STATUSES | rules.WAITING_STATUSES | rules.ENDED_STATUSES
    assert not rules.OPEN_STATUSES & rules.ENDED_STATUSES
    assert not rules.WAITING_STATUSES & (rules.OPEN_STATUSES | rules.ENDED_STATUSES)
    assert {Status.ACCEPTED} == rules.WAITING_STATUSES
    assert {
        Status.SUBMITTED,
        Status.RETURNED,
        Status.VALIDATED,
        Status.IN_TRIAGE,
        Status.ON_HOLD,
    } == rules.OPEN_STATUSES


@pytest.mark.parametrize("enum", [Status, Action, Eligibility, RiskArea])
def test_every_member_has_its_own_label(enum):
    labels = [m.label for m in enum]
    assert all(label.strip() for label in labels)
    assert len(set(labels)) == len(labels)


def _reachable(routing: str) -> set[Status]:
    table = rules.transitions_for(routing)
    seen, todo = {Status.SUBMITTED}, [Status.SUBMITTED]
    while todo:
        status = todo.pop()
        for (source, _), target in table.items():
            if source == status and target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


@pytest.mark.parametrize(
    "routing,unreachable",
    [
        ("direct", {Status.IN_TRIAGE, Status.REDIRECTED, Status.SIGNPOSTED}),
        (
            "panel",
            {
                Status.VALIDATED,
                Status.ON_HOLD,
                Status.ACCEPTED,
                Status.ALLOCATED,
                Status.DECLINED,
                Status.NOT_READY,
                Status.CLOSED_NOT_READY,
                Status.SIGNPOSTED,
            },
        ),
        # Enhanced and Specialist refer on from a hub (seed 003 "Enablement Plans").
        ("hub", set()),
    ],
)
def test_which_statuses_each_routing_reaches(routing, unreachable):
    assert set(Status) - _reachable(routing) == unreachable


@pytest.mark.parametrize("routing", ROUTINGS)
def test_every_reachable_open_status_can_be_withdrawn_and_can_end(routing):
    for status in _reachable(routing) & rules.OPEN_STATUSES:
        assert Action.WITHDRAW in rules.allowed_actions(status, routing=routing)


_routing = st.sampled_from(ROUTINGS)


@given(status=st.sampled_from(Status), action=st.sampled_from(Action), routing=_routing)
def test_every_pair_either_moves_or_is_refused(status, action, routing):
    try:
        result = rules.next_status(status, action, routing=routing)
    except rules.TransitionNotAllowed as refused:
        assert (refused.status, refused.action) == (status, action)
        assert action not in rules.allowed_actions(status, routing=routing)
    else:
        assert isinstance(result, Status)
        assert action in rules.allowed_actions(status, routing=routing)


@given(
    status=st.sampled_from(sorted(rules.ENDED_STATUSES)),
    action=st.sampled_from(Action),
    routing=_routing,
)
def test_nothing_leaves_an_ended_status(status, action, routing):
    assert rules.allowed_actions(status, routing=routing) == ()
    with pytest.raises(rules.TransitionNotAllowed):
        rules.next_status(status, action, routing=routing)


@given(status=st.sampled_from(Status), routing=_routing)
def test_allowed_actions_agree_with_next_status(status, routing):
    allowed = rules.allowed_actions(status, routing=routing)
    for action in Action:
        moves = True
        try:
            rules.next_status(status, action, routing=routing)
        except rules.TransitionNotAllowed:
            moves = False
        assert moves == (action in allowed)


@given(routing=_routing, choices=st.lists(st.integers(0, 100), max_size=30))
def test_a_random_walk_only_takes_allowed_steps_and_stops_when_ended(routing, choices):
    status = Status.SUBMITTED
    for choice in choices:
        allowed = rules.allowed_actions(status, routing=routing)
        if not allowed:
            assert status in rules.ENDED_STATUSES
            break
        status = rules.next_status(status, allowed[choice % len(allowed)], routing=routing)
    assert status in _reachable(routing)


@pytest.mark.parametrize("routing", ROUTINGS)
def test_an_accepted_referral_can_only_be_allocated(routing):
    assert rules.allowed_actions(Status.ACCEPTED, routing=routing) == (Action.ALLOCATE,)
    assert rules.next_status(Status.ACCEPTED, Action.ALLOCATE, routing=routing) == (
        Status.ALLOCATED
    )


def test_the_merged_tables_are_read_only():
    with pytest.raises(TypeError):
        rules.transitions_for("direct")[(Status.ACCEPTED, Action.WITHDRAW)] = Status.WITHDRAWN  # type: ignore[index]
