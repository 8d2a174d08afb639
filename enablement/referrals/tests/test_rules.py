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
            "enablement period",
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
            "Confirm that enablement or preventative work has been identified as a need",
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
            f"{area.label}: describe the risk, or write “None known”",
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
    [
        (KERS, "community_mh_social_work", 12),
        (KPS, "social_work_team", 16),
        (BEP, "agreed_organisation", 6),
    ],
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


def test_a_named_social_worker_is_still_needed_from_an_agreed_organisation_at_bep():
    # Not listed in BEP's minimum data: it gives every item.
    problem = _only(BEP, _facts(source="agreed_organisation", named_social_worker_id=None))
    assert problem.code == "named_social_worker"


# --- Minimum data: what each source must give (seed 003 "Referral sources") ---------------

# A GP's referral as seed 003 describes it: the basics, no social worker, no risk information.
GP_MINIMUM = _facts(
    source="gp",
    named_social_worker_id=None,
    risks={},
    deliverable_within_length=False,
    intended_outcomes="",
)


@pytest.mark.parametrize("source", ["gp", "council_service"])
def test_a_gp_or_council_service_refers_to_the_barnet_hubs_with_basic_minimum_data(source):
    assert _codes(BEP, dataclasses.replace(GP_MINIMUM, source=source)) == []


def test_the_same_minimum_referral_is_refused_by_kers_which_takes_full_data_from_cmh_only():
    codes = _codes(KERS, GP_MINIMUM)
    assert codes[:2] == ["source_not_accepted", "named_social_worker"]
    assert {f"risk_{a}" for a in RiskArea} <= set(codes)
    assert "deliverable" in codes


@pytest.mark.parametrize(
    "changes,code",
    [
        ({"date_of_birth": None}, "date_of_birth"),
        ({"diagnosis_category": None}, "diagnosis_category"),
        ({"need_identified": False}, "need_identified"),
        ({"work_requested": ""}, "work_requested"),
        ({"work_requested": "General support"}, "work_specific"),
        ({"consent_to_share": False}, "consent"),
    ],
)
def test_a_gp_must_still_give_the_basic_minimum(changes, code):
    assert _codes(BEP, dataclasses.replace(GP_MINIMUM, **changes)) == [code]


def test_a_listed_source_is_asked_for_nothing_else_whatever_else_is_wrong():
    every_other = dataclasses.replace(
        EVERYTHING_WRONG,
        source="gp",
        date_of_birth=date(1980, 5, 1),
        diagnosis_category="mental_health",
        need_identified=True,
        work_requested="Help to find a volunteering place near home",
        consent_to_share=True,
    )
    assert _codes(BEP, every_other) == []
    # The rule reads the setting, nothing hard-coded: an empty setting asks everything.
    assert "named_social_worker" in _codes(_settings("BEP", source_requirements={}), every_other)


@pytest.mark.parametrize("source", ["self", "carer"])
def test_the_person_or_a_carer_gives_what_the_public_form_asks(source):
    # The form asks none of: a social worker, risks, a need "identified", specific wording.
    public = dataclasses.replace(
        GP_MINIMUM, source=source, need_identified=False, work_requested="Getting out more"
    )
    assert _codes(BEP, dataclasses.replace(public, deliverable_within_length=True)) == []
    # It does ask that they understand the support is short term, and their agreement.
    assert _codes(BEP, dataclasses.replace(public, consent_to_share=False)) == [
        "deliverable",
        "consent",
    ]


def test_a_source_the_service_does_not_take_is_refused_whatever_it_lists():
    listed = _settings("BEP", source_requirements={"police": ["consent"]})
    assert _codes(listed, _facts(source="police")) == ["source_not_accepted"]
    assert _codes(BEP, _facts(source="")) == ["source"]


def test_what_a_minimum_referral_did_not_give_is_gathered_at_the_assessment():
    gathered = [m.code for m in rules.to_gather(BEP, GP_MINIMUM, today=TODAY)]
    assert gathered == [
        "named_social_worker",
        *(code for a in RiskArea for code in (f"risk_{a}", f"risk_current_{a}")),
        "deliverable",
    ]
    # What it gave anyway is not asked again; a full-data source has nothing to gather.
    with_worker = dataclasses.replace(GP_MINIMUM, named_social_worker_id=7, risks=_risks())
    assert [m.code for m in rules.to_gather(BEP, with_worker, today=TODAY)] == ["deliverable"]
    assert rules.to_gather(KERS, _facts(), today=TODAY) == []


def test_minimum_data_reads_as_words():
    given = dict(rules.minimum_data(BEP))
    assert list(given) == ["GP", "Other council service", "The person themself", "A carer"]
    assert given["GP"][:3] == [
        "Who is making the referral",
        "The person's date of birth",
        "The person's primary diagnosis",
    ]
    assert "Named social worker who holds case responsibility" not in given["A carer"]
    assert rules.minimum_data(KERS) == []


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
    "Over 65 with ongoing community mental-health social work involvement and a diagnosed need"
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
            "mental-health social work involvement and a diagnosed need; "
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


# --- Re-referral (seed 000 §9, seed 001 §15) -----------------------------------------------


# --- Ordinary residence (seed 000 §1) ------------------------------------------------------

BARNET = BEP.area_postcode_districts


@pytest.mark.parametrize(
    "districts,postcode,expected",
    [
        # A postcode area ("CT") takes every district in it.
        (KERS.area_postcode_districts, "CT9 1AA", True),
        (KERS.area_postcode_districts, "CT16 1AA", True),
        (KERS.area_postcode_districts, "ME14 1XQ", True),
        (KERS.area_postcode_districts, "TN23 1AA", True),
        (KERS.area_postcode_districts, "DA1 1AA", True),
        (KERS.area_postcode_districts, "SW1A 1AA", False),
        (KERS.area_postcode_districts, "EN5 4BE", False),
        # Typed any way: case and spaces do not matter.
        (KERS.area_postcode_districts, "ct91aa", True),
        (KERS.area_postcode_districts, "  ct9   1aa ", True),
        # A district ("N2") takes only itself: Barnet has N2 and NW9, not N1 or NW1.
        (BARNET, "N2 0AA", True),
        (BARNET, "NW9 6RR", True),
        (BARNET, "N1 1AA", False),
        (BARNET, "NW1 1AA", False),
        (BARNET, "EN5 4BE", True),
        (BARNET, "EN1 1AA", False),
        # The letters of "NW9" are "NW", not an area "N".
        (["N"], "NW9 6RR", False),
        (["N"], "N1 1AA", True),
        (["E"], "EN5 4BE", False),
        # The service's list is read as typed by a person.
        ([" ct ", "me"], "CT9 1AA", True),
        (["nw9"], "NW9 6RR", True),
        # Nothing to tell: no area, no postcode, or half a postcode.
        ([], "CT9 1AA", None),
        (KERS.area_postcode_districts, "", None),
        (KERS.area_postcode_districts, "   ", None),
        (KERS.area_postcode_districts, None, None),
        (KERS.area_postcode_districts, "CT9", None),
        (KERS.area_postcode_districts, "CT91AAAA", None),
    ],
)
def test_in_area(districts, postcode, expected):
    assert rules.in_area(districts, postcode) is expected


def test_a_postcode_outside_the_area_is_a_problem_naming_it_and_the_area():
    assert rules.residence_problem(KERS, "sw1a1aa") == (
        "SW1A 1AA is outside Kent: the service is for people ordinarily resident in Kent"
    )
    assert rules.residence_problem(BEP, "CT9 1AA").startswith("CT9 1AA is outside Barnet")


@pytest.mark.parametrize("postcode", ["CT9 1AA", "", None, "CT9"])
def test_no_residence_problem_inside_the_area_or_when_it_cannot_be_told(postcode):
    assert rules.residence_problem(KERS, postcode) is None


def test_a_service_with_no_area_has_no_residence_problem():
    assert (
        rules.residence_problem(_settings("KERS", area_postcode_districts=[]), "SW1A 1AA") is None
    )


def test_an_unnamed_area_is_the_services_area():
    unnamed = _settings("KERS", area_name="")
    assert rules.residence_problem(unnamed, "SW1A 1AA").startswith(
        "SW1A 1AA is outside the service's area"
    )


def test_outside_the_area_without_a_reason_is_refused_at_submission():
    refusal = rules.residence_refusal(KERS, rules.Residence("SW1A 1AA"))
    assert refusal == (
        "SW1A 1AA is outside Kent: the service is for people ordinarily resident in Kent"
        ". Refer them to the council where they live; or, if they are "
        "ordinarily resident in Kent all the same (for example, placed outside it by the "
        "council), say why"
    )
    assert rules.residence_refusal(KERS, rules.Residence("SW1A 1AA", "   ")) == refusal


@pytest.mark.parametrize(
    "residence",
    [
        rules.Residence("SW1A 1AA", "Placed in a London care home by Kent County Council"),
        rules.Residence("CT9 1AA"),
        rules.Residence("CT9 1AA", "Not needed, but given"),
        rules.Residence(""),
        rules.Residence(None),
    ],
)
def test_no_refusal_inside_with_a_reason_or_with_no_postcode(residence):
    assert rules.residence_refusal(KERS, residence) is None


def test_residence_inside_the_area_finds_nothing_at_screening():
    assert rules.residence_findings(KERS, rules.Residence("CT9 1AA")) == []
    assert rules.residence_findings(BEP, rules.Residence("NW9 6RR")) == []


@pytest.mark.parametrize("settings", [KERS, AFD, KPS, STR, BEP])
def test_every_demo_service_has_an_area(settings):
    assert settings.area_name and settings.area_postcode_districts


def test_no_area_no_residence_finding():
    anywhere = _settings("KERS", area_postcode_districts=[])
    for postcode in ("SW1A 1AA", "", None):
        assert rules.residence_findings(anywhere, rules.Residence(postcode)) == []


def test_outside_the_area_with_a_reason_needs_judgement_naming_the_district_only():
    reason = "Placed in a London care home by Kent County Council"
    findings = rules.residence_findings(KERS, rules.Residence("SW1A 1AA", reason))
    assert findings == [
        (
            Eligibility.NEEDS_JUDGEMENT,
            "Postcode district SW1A is outside Kent and the referrer gave a reason to refer "
            "them all the same: decide whether the person is ordinarily resident in Kent",
        )
    ]
    # The reason is free text about the person: it stays on the referral, not the finding.
    assert reason not in findings[0][1]


def test_outside_the_area_without_a_reason_still_asks_the_screener():
    # The postcode changed after submission, or it came another way: judge, do not refuse.
    assert rules.residence_findings(BEP, rules.Residence("ct9 1aa")) == [
        (
            Eligibility.NEEDS_JUDGEMENT,
            "Postcode district CT9 is outside Barnet and no reason was given to refer them all "
            "the same: decide whether the person is ordinarily resident in Barnet",
        )
    ]


@pytest.mark.parametrize(
    "postcode,opening",
    [
        ("", "No postcode recorded"),
        (None, "No postcode recorded"),
        ("  ", "No postcode recorded"),
        ("CT9", "The postcode recorded could not be read"),
    ],
)
def test_residence_that_cannot_be_checked_is_said_so_to_the_screener(postcode, opening):
    assert rules.residence_findings(KERS, rules.Residence(postcode)) == [
        (
            Eligibility.NEEDS_JUDGEMENT,
            f"{opening}: whether the person is ordinarily resident in Kent could not be checked",
        )
    ]


def test_residence_at_screening_joins_the_other_findings():
    in_kent = _decide(KERS, residence=rules.Residence("CT9 1AA"))
    assert in_kent == ELIGIBLE
    outside = _decide(KERS, residence=rules.Residence("SW1A 1AA", "Placed out of area"))
    assert outside.outcome == Eligibility.NEEDS_JUDGEMENT
    assert outside.reasons[0].startswith("Postcode district SW1A is outside Kent")
    # A refusal on another rule still refuses.
    young = _decide(
        KERS,
        date_of_birth=_born_aged(17),
        residence=rules.Residence("SW1A 1AA", "Placed out of area"),
    )
    assert young.outcome == Eligibility.NOT_ELIGIBLE
    assert len(young.reasons) == 2


# --- The eligibility assessment: face to face, and when (seed 000 §5, seed 001 §5) ---------

F2F_NOT_RECORDED = (
    "Not recorded whether the eligibility assessment was face to face: the service is for "
    "people assessed through a face-to-face assessment as having unmet social care needs"
)


@pytest.mark.parametrize("settings", [KERS, AFD, KPS], ids=["KERS", "front door", "KPS"])
def test_the_seed_services_ask_for_a_face_to_face_assessment(settings):
    assert settings.face_to_face_assessment_required


@pytest.mark.parametrize("settings", [KERS, AFD, KPS], ids=["KERS", "front door", "KPS"])
@pytest.mark.parametrize("assessed_on", [date(2026, 3, 1), None])
def test_a_face_to_face_assessment_finds_nothing(settings, assessed_on):
    assessment = rules.NeedsAssessment(True, assessed_on)
    assert rules.needs_assessment_findings(settings, assessment) == []


@pytest.mark.parametrize("settings", [KERS, AFD, KPS], ids=["KERS", "front door", "KPS"])
def test_no_answer_needs_judgement(settings):
    for assessed_on in (date(2026, 3, 1), None):
        findings = rules.needs_assessment_findings(
            settings, rules.NeedsAssessment(None, assessed_on)
        )
        assert findings == [(Eligibility.NEEDS_JUDGEMENT, F2F_NOT_RECORDED)]


def test_an_assessment_not_face_to_face_needs_judgement_with_its_date():
    dated = rules.needs_assessment_findings(KERS, rules.NeedsAssessment(False, date(2026, 3, 1)))
    assert dated == [
        (
            Eligibility.NEEDS_JUDGEMENT,
            "The eligibility assessment on 1 March 2026 was not face to face: the service is "
            "for people assessed through a face-to-face assessment as having unmet social "
            "care needs",
        )
    ]
    undated = rules.needs_assessment_findings(KERS, rules.NeedsAssessment(False))
    assert undated[0][1].startswith("The eligibility assessment was not face to face: ")


@pytest.mark.parametrize("settings", [STR, BEP], ids=["STR", "BEP"])
@pytest.mark.parametrize("face_to_face", [True, False, None])
def test_a_service_that_does_not_ask_finds_nothing(settings, face_to_face):
    assert not settings.face_to_face_assessment_required
    assert rules.needs_assessment_findings(settings, rules.NeedsAssessment(face_to_face)) == []


def test_the_assessment_at_screening_joins_the_other_findings():
    assert _decide(KERS, needs_assessment=rules.NeedsAssessment(True, RECENT)) == ELIGIBLE
    assert _decide(KERS, needs_assessment=rules.NeedsAssessment(None)) == (
        rules.EligibilityDecision(Eligibility.NEEDS_JUDGEMENT, (F2F_NOT_RECORDED,))
    )
    assert _decide(BEP, needs_assessment=rules.NeedsAssessment(False)) == ELIGIBLE


def test_the_over_65_limb_does_not_ask_for_a_face_to_face_assessment():
    # Seed 000 §5: the face-to-face needs assessment belongs to the 18-65 limb; the other
    # limb asks for ongoing social work involvement and a diagnosed need instead.
    decision = _decide(
        KERS,
        date_of_birth=_born_aged(70),
        ongoing_cmh_social_work=True,
        diagnosed_need=True,
        needs_assessment=rules.NeedsAssessment(None),
    )
    assert decision == rules.EligibilityDecision(Eligibility.ELIGIBLE, (OVER_65_REASON,))


BORN = date(1990, 6, 15)


@pytest.mark.parametrize(
    "assessed_on",
    [None, TODAY, TODAY - timedelta(days=1), BORN, date(2000, 1, 1)],
)
def test_an_assessment_date_from_birth_to_today_is_fine(assessed_on):
    assert rules.assessed_on_problem(assessed_on, BORN, TODAY) is None


def test_an_assessment_date_in_the_future_is_refused():
    assert rules.assessed_on_problem(TODAY + timedelta(days=1), BORN, TODAY) == (
        "The eligibility assessment date, 3 April 2026, is in the future: check the date"
    )
    assert rules.assessed_on_problem(TODAY + timedelta(days=1), None, TODAY) is not None


def test_an_assessment_date_before_birth_is_refused():
    assert rules.assessed_on_problem(BORN - timedelta(days=1), BORN, TODAY) == (
        "The eligibility assessment date, 14 June 1990, is before the person was born "
        "(15 June 1990): check the date"
    )
    # Without a date of birth only the future is known to be wrong.
    assert rules.assessed_on_problem(date(1900, 1, 1), None, TODAY) is None


# --- Factors that indicate a referral is appropriate (seed 000 §5, seed 001 §6) ------------


def _not_confirmed(factor: str) -> str:
    return f"Not confirmed, a factor that indicates the referral is appropriate: {factor}"


def test_kers_and_autism_list_the_seeds_appropriate_factors():
    assert len(KERS.appropriate_factors) == 6  # seed 000 §5
    assert len(AFD.appropriate_factors) == 5  # seed 001 §6
    assert KPS.appropriate_factors == AFD.appropriate_factors
    assert "12-week" in KERS.appropriate_factors[0]
    assert "16-week" in AFD.appropriate_factors[0]
    assert STR.appropriate_factors == [] and BEP.appropriate_factors == []


@pytest.mark.parametrize("settings", [KERS, AFD, KPS, STR, BEP])
def test_every_factor_confirmed_finds_nothing(settings):
    assert rules.appropriate_factor_findings(settings, settings.appropriate_factors) == []
    # In whatever order they come.
    reversed_ = list(reversed(settings.appropriate_factors))
    assert rules.appropriate_factor_findings(settings, reversed_) == []


@pytest.mark.parametrize("settings", [KERS, AFD], ids=["KERS", "autism"])
def test_each_factor_not_confirmed_needs_judgement_naming_it(settings):
    for factor in settings.appropriate_factors:
        confirmed = [f for f in settings.appropriate_factors if f != factor]
        assert rules.appropriate_factor_findings(settings, confirmed) == [
            (Eligibility.NEEDS_JUDGEMENT, _not_confirmed(factor))
        ]


def test_none_confirmed_lists_every_factor_in_the_services_order():
    assert rules.appropriate_factor_findings(KERS, []) == [
        (Eligibility.NEEDS_JUDGEMENT, _not_confirmed(f)) for f in KERS.appropriate_factors
    ]


def test_a_service_without_factors_asks_nothing():
    assert rules.appropriate_factor_findings(BEP, []) == []


@pytest.mark.parametrize("settings", [KERS, BEP])
def test_an_appropriate_factor_the_service_does_not_list_is_an_error(settings):
    with pytest.raises(ValueError, match="appropriate factors"):
        rules.appropriate_factor_findings(settings, ["The person likes gardening"])
    with pytest.raises(ValueError, match="appropriate factors"):
        _decide(settings, appropriate_factors=["The person likes gardening"])


def test_factors_at_screening_join_the_other_findings():
    assert _decide(KERS, appropriate_factors=KERS.appropriate_factors) == ELIGIBLE
    one_short = list(KERS.appropriate_factors[1:])
    assert _decide(KERS, appropriate_factors=one_short) == rules.EligibilityDecision(
        Eligibility.NEEDS_JUDGEMENT, (_not_confirmed(KERS.appropriate_factors[0]),)
    )
    # A "not appropriate" factor still refuses, and both are said.
    refused = _decide(
        AFD,
        diagnosis_category="autism",
        not_appropriate=[AFD.not_appropriate_factors[0]],
        appropriate_factors=[],
    )
    assert refused.outcome == Eligibility.NOT_ELIGIBLE
    assert len(refused.reasons) == 1 + len(AFD.appropriate_factors)


def test_all_three_questions_together_in_one_decision():
    decision = _decide(
        KERS,
        residence=rules.Residence(""),
        needs_assessment=rules.NeedsAssessment(None),
        appropriate_factors=KERS.appropriate_factors[:-1],
    )
    assert decision == rules.EligibilityDecision(
        Eligibility.NEEDS_JUDGEMENT,
        (
            "No postcode recorded: whether the person is ordinarily resident in Kent could "
            "not be checked",
            F2F_NOT_RECORDED,
            _not_confirmed(KERS.appropriate_factors[-1]),
        ),
    )
    everything = _decide(
        KERS,
        residence=rules.Residence("CT9 1AA"),
        needs_assessment=rules.NeedsAssessment(True, RECENT),
        appropriate_factors=KERS.appropriate_factors,
    )
    assert everything == ELIGIBLE


@given(
    postcode=st.sampled_from(["CT9 1AA", "SW1A 1AA", "NW9 6RR", "", None, "CT9"]),
    reason=st.sampled_from(["", "Placed out of area by the council"]),
    face_to_face=st.sampled_from([True, False, None]),
    confirmed=st.lists(st.sampled_from(KERS.appropriate_factors), unique=True),
    settings=st.sampled_from([KERS, BEP]),
)
def test_the_questions_never_refuse_and_always_say_why(
    postcode, reason, face_to_face, confirmed, settings
):
    confirmed = confirmed if settings is KERS else []
    decision = _decide(
        settings,
        residence=rules.Residence(postcode, reason),
        needs_assessment=rules.NeedsAssessment(face_to_face),
        appropriate_factors=confirmed,
    )
    # Each asks the screener's judgement at worst: the person decides, the rule does not.
    assert decision.outcome != Eligibility.NOT_ELIGIBLE
    assert (decision.outcome == Eligibility.ELIGIBLE) == (decision.reasons == ())


# --- Re-referral window --------------------------------------------------------------------

ENDED = date(2025, 3, 15)
CHANGED = "Moved out of supported housing and now lives alone for the first time"


def _re_referral(settings=KERS, *, ended=ENDED, on, statement=""):
    return rules.re_referral_problem(
        settings, last_ended_on=ended, submitted_on=on, changed_needs_statement=statement
    )


def test_inside_the_window_the_referral_is_refused_with_the_date_it_can_be_considered():
    problem = _re_referral(on=date(2026, 2, 15), statement=CHANGED)
    assert problem == rules.ReReferralProblem(
        field="previous_ended_on",
        message="The person's last enablement with this service ended on 15 March 2025. "
        "Further enablement is only considered 12 months after the last one ended, and only "
        "where the person's needs have significantly changed. A new enablement can be "
        "considered from 15 March 2026",
        considered_from=date(2026, 3, 15),
    )


@pytest.mark.parametrize("statement", ["", "short", CHANGED, "x" * 4000])
@pytest.mark.parametrize(
    "on", [ENDED, date(2025, 3, 16), date(2025, 9, 1), date(2026, 3, 14)], ids=str
)
def test_no_statement_lets_a_referral_through_inside_the_window(on, statement):
    problem = _re_referral(on=on, statement=statement)
    assert problem is not None
    assert problem.field == "previous_ended_on"
    assert problem.considered_from == date(2026, 3, 15)


def test_a_referral_dated_before_the_last_enablement_ended_is_inside_the_window():
    problem = _re_referral(on=date(2025, 3, 1), statement=CHANGED)
    assert problem is not None and problem.field == "previous_ended_on"


def test_on_the_anniversary_the_window_has_passed_and_the_day_before_it_has_not():
    # "Only ... after a period of 12 months": on 15 March 2026 the 12 months have passed.
    assert _re_referral(on=date(2026, 3, 15), statement=CHANGED) is None
    before = _re_referral(on=date(2026, 3, 14), statement=CHANGED)
    assert before is not None and before.field == "previous_ended_on"


@pytest.mark.parametrize("on", [date(2026, 3, 15), date(2026, 3, 16), date(2031, 1, 1)], ids=str)
@pytest.mark.parametrize(
    "statement,ok",
    [
        ("", False),
        ("   ", False),
        ("New diagnosis, move", False),  # 19 characters
        ("  " + "x" * 19 + "  ", False),  # 19 once the spaces at the ends are left out
        ("New diagnosis, moved", True),  # 20 characters
        (CHANGED, True),
    ],
)
def test_after_the_window_the_changed_needs_statement_is_required(on, statement, ok):
    problem = _re_referral(on=on, statement=statement)
    if ok:
        assert problem is None
    else:
        assert problem == rules.ReReferralProblem(
            field="changed_needs_statement",
            message="The person's last enablement with this service ended on 15 March 2025. "
            "Describe how their needs have significantly changed since then, in at least 20 "
            "characters",
        )


@pytest.mark.parametrize("statement", ["", CHANGED])
def test_no_previous_enablement_needs_no_statement(statement):
    assert _re_referral(ended=None, on=TODAY, statement=statement) is None


@pytest.mark.parametrize("settings", [STR, BEP], ids=["STR", "BEP"])
@pytest.mark.parametrize("on", [TODAY, TODAY + timedelta(days=800)], ids=["same day", "later"])
def test_a_service_with_no_window_has_no_re_referral_rule(settings, on):
    # STR's and BEP's seeds set no re-referral rule: no refusal and no statement asked for.
    assert settings.re_referral_window_months is None
    assert _re_referral(settings, ended=TODAY, on=on) is None
    assert rules.considered_from(settings, TODAY) is None


def test_a_window_of_0_months_refuses_nothing_but_still_asks_for_the_statement():
    no_wait = _settings("KERS", re_referral_window_months=0)
    problem = _re_referral(no_wait, ended=TODAY, on=TODAY)
    assert problem is not None and problem.field == "changed_needs_statement"
    assert _re_referral(no_wait, ended=TODAY, on=TODAY, statement=CHANGED) is None


@pytest.mark.parametrize("settings", [KERS, KPS, AFD], ids=["KERS", "KPS", "AFD"])
def test_the_seed_services_wait_12_months(settings):
    assert rules.considered_from(settings, ENDED) == date(2026, 3, 15)


def test_ended_on_29_february_2024_it_can_be_considered_from_1_march_2025():
    leap = date(2024, 2, 29)
    assert rules.considered_from(KERS, leap) == date(2025, 3, 1)
    inside = _re_referral(ended=leap, on=date(2025, 2, 28), statement=CHANGED)
    assert inside is not None and inside.considered_from == date(2025, 3, 1)
    assert "can be considered from 1 March 2025" in inside.message
    assert _re_referral(ended=leap, on=date(2025, 3, 1), statement=CHANGED) is None
    # In a leap year the anniversary is 29 February itself.
    assert rules.considered_from(_settings("KERS", re_referral_window_months=48), leap) == date(
        2028, 2, 29
    )


def test_ended_on_a_31st_the_window_ends_on_the_1st_after_a_short_month():
    one_month = _settings("KERS", re_referral_window_months=1)
    ended = date(2025, 1, 31)
    assert rules.considered_from(one_month, ended) == date(2025, 3, 1)
    assert _re_referral(one_month, ended=ended, on=date(2025, 2, 28), statement=CHANGED)
    assert _re_referral(one_month, ended=ended, on=date(2025, 3, 1), statement=CHANGED) is None


def test_the_window_agrees_with_ages_on_every_leap_day():
    # The window ends on the day someone born on the last enablement's end turns 1.
    for year in (2000, 2004, 2024, 2028):
        leap = date(year, 2, 29)
        opens = rules.considered_from(KERS, leap)
        assert age_on(leap, opens) == 1 and age_on(leap, opens - timedelta(days=1)) == 0


def test_referrals_rules_use_the_one_month_arithmetic():
    from enablement.core import dates

    assert rules.add_months is dates.add_months


@given(
    ended=st.dates(date(2015, 1, 1), date(2030, 12, 31)),
    a=st.dates(date(2014, 1, 1), date(2032, 12, 31)),
    b=st.dates(date(2014, 1, 1), date(2032, 12, 31)),
)
def test_refusal_is_monotonic_in_the_submission_date(ended, a, b):
    early, late = sorted((a, b))
    refused_late = _re_referral(ended=ended, on=late, statement=CHANGED)
    refused_early = _re_referral(ended=ended, on=early, statement=CHANGED)
    if refused_late is not None:
        assert refused_early is not None
        assert late < refused_late.considered_from
    if refused_early is None:
        assert refused_late is None


@given(
    ended=st.dates(date(2015, 1, 1), date(2030, 12, 31)),
    on=st.dates(date(2014, 1, 1), date(2032, 12, 31)),
    statement=st.sampled_from(["", "short", CHANGED]),
)
def test_refused_exactly_inside_the_window_and_otherwise_only_for_the_statement(
    ended, on, statement
):
    problem = _re_referral(ended=ended, on=on, statement=statement)
    inside = on < rules.considered_from(KERS, ended)
    if inside:
        assert problem is not None and problem.field == "previous_ended_on"
    elif statement == CHANGED:
        assert problem is None
    else:
        assert problem is not None and problem.field == "changed_needs_statement"


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
                Action.UNDO_VALIDATE,
            ),
        ),
        ("direct", Status.IN_TRIAGE, ()),
        (
            "panel",
            Status.IN_TRIAGE,
            (Action.TRIAGE_ROUTE, Action.WITHDRAW, Action.UNDO_VALIDATE),
        ),
        (
            "hub",
            Status.IN_TRIAGE,
            (
                Action.ASSESS,
                Action.REFER_ON,
                Action.SIGNPOST,
                Action.WITHDRAW,
                Action.UNDO_VALIDATE,
            ),
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


# --- Undoing a validation made by mistake (issue 12 item 2) --------------------------------


@pytest.mark.parametrize(
    "routing,status",
    [("direct", Status.VALIDATED), ("panel", Status.IN_TRIAGE), ("hub", Status.IN_TRIAGE)],
)
def test_an_undone_validation_goes_back_to_submitted(routing, status):
    assert rules.next_status(status, Action.UNDO_VALIDATE, routing=routing) == Status.SUBMITTED


@pytest.mark.parametrize("routing", ROUTINGS)
def test_undo_is_only_from_validated_or_in_triage(routing):
    table = rules.transitions_for(routing)
    sources = {source for (source, action) in table if action == Action.UNDO_VALIDATE}
    assert sources <= {Status.VALIDATED, Status.IN_TRIAGE}
    assert all(table[(source, Action.UNDO_VALIDATE)] == Status.SUBMITTED for source in sources)
    for status in set(Status) - {Status.VALIDATED, Status.IN_TRIAGE}:
        with pytest.raises(rules.TransitionNotAllowed):
            rules.next_status(status, Action.UNDO_VALIDATE, routing=routing)


def _undo(status=Status.VALIDATED, routing="direct", **changes):
    facts = rules.ValidationFacts(
        status=status, validated=True, screened=False, held=False, triaged=False
    )
    return rules.undo_validation_problem(dataclasses.replace(facts, **changes), routing=routing)


@pytest.mark.parametrize(
    "routing,status",
    [("direct", Status.VALIDATED), ("panel", Status.IN_TRIAGE), ("hub", Status.IN_TRIAGE)],
)
def test_a_validation_may_be_undone_before_screening_starts(routing, status):
    assert _undo(status, routing) is None


def test_a_validation_is_not_undone_once_screening_has_started():
    assert _undo(screened=True) == rules.UNDO_AFTER_SCREENING
    assert "senior can decline it or the referrer can withdraw it" in rules.UNDO_AFTER_SCREENING


def test_a_validation_is_not_undone_once_the_referral_has_been_held():
    # An answered hold brings it back to waiting for screening: still not undone.
    assert _undo(held=True) == rules.UNDO_AFTER_HOLD


@pytest.mark.parametrize(
    "routing,status",
    [("hub", Status.VALIDATED), ("hub", Status.IN_TRIAGE), ("panel", Status.IN_TRIAGE)],
)
def test_a_validation_is_not_undone_after_the_panel_or_hub_has_decided(routing, status):
    assert _undo(status, routing, triaged=True) == rules.UNDO_AFTER_TRIAGE


@pytest.mark.parametrize(
    "status", [Status.SUBMITTED, Status.RETURNED, Status.ON_HOLD, Status.ACCEPTED]
)
def test_only_a_validated_referral_has_a_validation_to_undo(status):
    assert _undo(status) == (
        "Only a validation can be undone, while the referral waits for screening or triage; "
        f"this referral is {status.label[0].lower()}{status.label[1:]}"
    )


def test_a_referral_that_never_went_through_validation_is_not_undone():
    assert _undo(validated=False).startswith("Only a validation can be undone")


def test_a_direct_service_has_no_triage_to_undo():
    assert _undo(Status.IN_TRIAGE, "direct").startswith("Only a validation can be undone")


# --- The admin's case-system step (seed 000 process overview) ------------------------------

RECEIVED = date(2026, 3, 30)


def _step(step=True, **given):
    values = {"requested_on": None, "confirmed_on": None, "already_open": False, **given}
    return rules.case_system_at_validation(step=step, received_on=RECEIVED, today=TODAY, **values)


def test_kers_has_the_case_system_step_and_the_others_do_not():
    assert KERS.case_system_step
    assert not any(s.case_system_step for s in (AFD, KPS, STR, BEP))


def test_validation_records_the_date_asked_and_the_date_confirmed_when_known():
    asked = _step(requested_on=RECEIVED)
    assert (asked.requested_on, asked.confirmed_on, asked.problems) == (RECEIVED, None, {})
    both = _step(requested_on=RECEIVED, confirmed_on=TODAY)
    assert (both.requested_on, both.confirmed_on, both.problems) == (RECEIVED, TODAY, {})


def test_already_open_records_both_dates_as_the_same_day():
    done = _step(already_open=True)
    assert (done.requested_on, done.confirmed_on, done.problems) == (TODAY, TODAY, {})


def test_validation_asks_at_least_for_the_date_asked():
    assert _step().problems == {
        "case_system_requested_on": "Enter the date you asked for the person to be opened to "
        "the locality team with a named social worker on the case system, or say they are "
        "already open"
    }
    # A confirmation alone does not do: the date asked comes first.
    assert "case_system_requested_on" in _step(confirmed_on=TODAY).problems


def test_already_open_and_a_date_asked_are_not_both_given():
    problems = _step(already_open=True, requested_on=RECEIVED).problems
    assert problems == {
        "case_system_already_open": "Either say the person is already open with a named "
        "social worker, or give the date you asked: not both"
    }


@pytest.mark.parametrize(
    "given,field,message",
    [
        (
            {"requested_on": TODAY + timedelta(days=1)},
            "case_system_requested_on",
            "The date you asked cannot be in the future: check the date",
        ),
        (
            {"requested_on": RECEIVED - timedelta(days=1)},
            "case_system_requested_on",
            "The date you asked cannot be before the referral was received, on 30 March 2026: "
            "check the date",
        ),
        (
            {"requested_on": RECEIVED, "confirmed_on": TODAY + timedelta(days=1)},
            "case_system_confirmed_on",
            "The date it was confirmed cannot be in the future: check the date",
        ),
        (
            {"requested_on": TODAY, "confirmed_on": RECEIVED},
            "case_system_confirmed_on",
            "The date it was confirmed cannot be before the date it was asked, 2 April 2026: "
            "check the date",
        ),
    ],
)
def test_case_system_dates_are_neither_in_the_future_nor_before_the_referral(given, field, message):
    assert _step(**given).problems == {field: message}


def test_the_first_and_last_possible_days_are_accepted():
    assert _step(requested_on=RECEIVED, confirmed_on=RECEIVED).problems == {}
    assert _step(requested_on=TODAY, confirmed_on=TODAY).problems == {}


def test_a_service_without_the_step_records_nothing_and_refuses_dates():
    assert _step(step=False) == rules.CaseSystemStep(None, None, {})
    for dates in ({"requested_on": RECEIVED}, {"already_open": True}, {"confirmed_on": TODAY}):
        assert _step(step=False, **dates).problems == {
            "case_system_requested_on": rules.CASE_SYSTEM_NOT_USED
        }


def _confirm(step=True, requested_on=RECEIVED, confirmed_already=None, confirmed_on=TODAY):
    return rules.case_system_confirmation_problem(
        step=step,
        requested_on=requested_on,
        confirmed_already=confirmed_already,
        confirmed_on=confirmed_on,
        received_on=RECEIVED,
        today=TODAY,
    )


def test_the_confirmation_is_recorded_after_asking():
    assert _confirm() is None
    assert _confirm(confirmed_on=RECEIVED) is None
    assert _confirm(step=False) == rules.CASE_SYSTEM_NOT_USED
    assert _confirm(requested_on=None).startswith("Nobody has recorded asking")
    assert _confirm(confirmed_already=RECEIVED) == "Already recorded as confirmed on 30 March 2026"
    assert _confirm(confirmed_on=None) == "Enter the date the case system was confirmed"
    tomorrow = TODAY + timedelta(days=1)
    assert _confirm(confirmed_on=tomorrow).endswith("in the future: check the date")
    assert _confirm(requested_on=TODAY, confirmed_on=RECEIVED).startswith(
        "The date it was confirmed cannot be before the date it was asked"
    )


def test_the_step_in_words():
    assert rules.case_system_status(False, RECEIVED, TODAY) == ""
    assert rules.case_system_status(True, None, None) == "Not yet asked"
    assert rules.case_system_status(True, RECEIVED, None) == (
        "Asked on 30 March 2026, not yet confirmed"
    )
    assert rules.case_system_status(True, RECEIVED, TODAY) == (
        "Asked on 30 March 2026, confirmed on 2 April 2026"
    )
    assert rules.case_system_status(True, TODAY, TODAY) == "Asked and confirmed on 2 April 2026"


# --- Flags (issue 12 item 5) -----------------------------------------------------------------


def test_flags_name_each_described_risk_safeguarding_a_hold_and_communication_needs():
    flags = rules.flags(
        communication_needs="Needs a Polish interpreter",
        risks=[
            ("to_self", "Self-harm when drinking, last in March"),
            ("to_others", "None known."),
            ("from_others", "  "),
            ("substance_misuse", "none"),
        ],
        complex_features=["safeguarding", "violence"],
        on_hold=True,
    )
    assert [(f.label, f.colour) for f in flags] == [
        ("Risk to self", "red"),
        ("Safeguarding", "orange"),
        ("On hold: complex risk", "red"),
        ("Communication needs", "blue"),
    ]
    assert flags[0].detail == "Self-harm when drinking, last in March"


def test_no_flags_when_nothing_is_known():
    assert (
        rules.flags(
            communication_needs="",
            risks=[(a.value, "None known") for a in rules.RiskArea],
            complex_features=[],
            on_hold=False,
        )
        == []
    )
