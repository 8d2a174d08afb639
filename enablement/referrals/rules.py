"""The front door's rules: validation checklist, eligibility, re-referral, clocks, transitions.

Pure functions. No model, no query, no request and no clock read: the service's settings
and the facts of one referral come in, a decision with its reasons goes out. "Today" and
the working-day calendar are always passed in, so a page, a background job and a test all
get the same answer for the same day.

The settings are any object with the attribute names of `catalogue.ServiceSettings`
(`SettingsLike`): a stored version in production, a `types.SimpleNamespace` in tests.

Every message here is shown to social-care staff, so it says what is wrong and what to do,
in plain words, and cites the seed section where that helps someone check the rule.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from types import MappingProxyType
from typing import Protocol

from enablement.catalogue.vocab import DiagnosisCategory, ReferralSource, ServiceLevel
from enablement.core.dates import add_months, long_date
from enablement.core.workdays import WorkingCalendar
from enablement.people.rules import (
    age_on,
    date_of_birth_problem,
    normalise_postcode,
    postcode_district,
)


class SettingsLike(Protocol):
    """The attributes of `catalogue.models.ServiceSettings` that these rules read."""

    min_age: int
    max_age: int | None
    over_max_age_exception: bool
    needs_basis: str
    diagnosis_categories: Sequence[str]
    excluded_categories: Sequence[str]
    not_appropriate_factors: Sequence[str]
    referral_sources: Sequence[str]
    self_referral_allowed: bool
    screening_working_days: int | None
    hold_timeout_working_days: int | None
    risk_current_days: int | None
    re_referral_window_months: int | None
    length_weeks: int
    complex_risk_hold: bool
    source_requirements: Mapping[str, Sequence[str]]
    area_name: str
    area_postcode_districts: Sequence[str]
    appropriate_factors: Sequence[str]
    face_to_face_assessment_required: bool
    case_system_step: bool
    level_destinations: Mapping[str, str]


class _Labelled(StrEnum):
    """A StrEnum whose members carry the words staff see: `Member = "value", "Label"`."""

    label: str

    def __new__(cls, value: str, label: str) -> _Labelled:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member


# --- Risk areas and the complex-case features (seed 000 §6, §6.2) --------------------------


class RiskArea(_Labelled):
    """The five areas of risk information a referral must give, each current (seed 000 §6)."""

    TO_OTHERS = "to_others", "Risk to others"
    TO_SELF = "to_self", "Risk to self"
    SUBSTANCE_MISUSE = "substance_misuse", "Substance misuse"
    FROM_OTHERS = "from_others", "Risk from others"
    OTHER = "other", "Other risks, including environment"


# The risk screening tool's questions: features that make a case complex and may put it on
# hold with the named social worker (seed 000 §6.2; seed 001 §9 lists the first five).
COMPLEX_FEATURES: tuple[tuple[str, str], ...] = (
    ("service_history", "History of service involvement"),
    ("safeguarding", "Safeguarding, historical or current"),
    ("violence", "Violence"),
    ("non_engagement", "Non engagement with services"),
    ("poor_progress", "Poor progress against agreed outcomes"),
    ("substance_misuse", "Substance misuse or dual diagnosis"),
    ("housing", "Poor or inappropriate housing and homelessness"),
    ("parent_children_services", "Is a parent, or Children and Families services are involved"),
    ("probation_mappa", "Open to probation or MAPPA"),
    ("marac_idva", "Open to MARAC or IDVA"),
    ("domestic_abuse", "Concerns around a domestic abuse situation"),
)

COMPLEX_FEATURE_LABELS: Mapping[str, str] = MappingProxyType(dict(COMPLEX_FEATURES))

# A screening's decision as staff read it: the senior's four, and the panel's routing.
SCREENING_DECISIONS: Mapping[str, str] = MappingProxyType(
    {
        "accept": "Accept",
        "decline": "Decline",
        "not_ready": "Not ready for enablement",
        "hold": "Put on hold",
    }
)


# --- Validation checklist (seed 000 §6, seed 001 §8) ---------------------------------------

# Sources that are the person or someone close to them: they cannot name a social worker,
# and the service allows them only where it takes self-referrals (seed 003 "Referral sources").
# What they must give is the service's setting (`source_requirements`); this set is only how
# `catalogue.rules.settings_problems` knows a service taking them must say what that is.
SELF_SOURCES = frozenset({ReferralSource.SELF, ReferralSource.CARER})

MIN_SPECIFIC_LENGTH = 20
"""Shorter than this, the work asked for cannot be specific; so too a changed-needs statement."""

# How the sources read in a sentence ("does not take referrals from GPs").
_SOURCE_PHRASES: dict[str, str] = {
    ReferralSource.COMMUNITY_MH_SOCIAL_WORK: "community mental-health social work teams",
    ReferralSource.SOCIAL_WORK_TEAM: "social work teams",
    ReferralSource.INTEGRATED_MH_TEAM: "integrated mental-health teams",
    ReferralSource.GP: "GPs",
    ReferralSource.COUNCIL_SERVICE: "other council services",
    ReferralSource.AGREED_ORGANISATION: "agreed organisations or individuals",
    ReferralSource.SELF: "the person themself (self-referral)",
    ReferralSource.CARER: "carers",
}


def source_phrase(source: str) -> str:
    """A referral source as it reads mid-sentence; an unknown code is shown as typed."""
    return _SOURCE_PHRASES.get(source, source)


def _normalise_words(text: str) -> str:
    """Lower case, punctuation gone, single spaces: "General support!" → "general support"."""
    return " ".join(re.sub(r"[^\w\s]|_", " ", text.casefold()).split())


# Whole requests that say nothing about the work (seed 000 §6: "avoiding generalisations").
# Matched against the whole text once punctuation and case are set aside, so "Support." is
# refused but "Support to use the bus to college on Tuesdays" is not.
GENERALISATIONS: frozenset[str] = frozenset(
    _normalise_words(g)
    for g in (
        "general support",
        "support",
        "enablement",
        "general enablement",
        "enablement work",
        "enablement support",
        "as required",
        "as needed",
        "to be assessed",
        "please assess",
        "assess and support",
        "help",
        "help and support",
        "general help",
        "ongoing support",
        "emotional support",
        "practical support",
        "social support",
        "support as required",
        "support as needed",
        "support with mental health",
        "support with their mental health",
        "support with his mental health",
        "support with her mental health",
        "support with daily living",
        "help with daily living",
        "support with independence",
        "support to be more independent",
        "increase independence",
        "improve independence",
        "build confidence",
        "improve wellbeing",
        "improve mental health",
        "general support and enablement",
        "see assessment",
        "see attached",
        "as per assessment",
        "n/a",
        "tbc",
        "various",
    )
)

WORK_MISSING = "Enter the specific enablement work asked for"
WORK_NOT_SPECIFIC = "Say exactly what enablement work is asked for, not a generalisation"
WORK_TOO_SHORT = (
    f"Say exactly what enablement work is asked for, in at least {MIN_SPECIFIC_LENGTH} "
    "characters, for example “Travel training to get to college by bus”"
)


@dataclass(frozen=True)
class ReferralFacts:
    """What a referral says, as plain values: built from a form or from a stored referral.

    `risks` maps each area to (description, date assessed). An area may be missing: that
    is one of the things validation reports. `deliverable_within_length` is the referrer's
    confirmation that the work can be done within the service's length.
    """

    named_social_worker_id: int | None
    source: str
    risks: Mapping[RiskArea, tuple[str, date | None]]
    need_identified: bool
    work_requested: str
    intended_outcomes: str
    deliverable_within_length: bool
    consent_to_share: bool
    date_of_birth: date | None = None
    diagnosis_category: str | None = None
    changed_needs_statement: str = ""


@dataclass(frozen=True)
class Missing:
    """One item a referral lacks.

    `code` is a stable CHECKLIST code (the box the service admin ticks when returning the
    referral); `field` names the form field it belongs beside: the ReferralFacts attribute,
    except `named_social_worker` (the person, not the id) and the risks, flattened to
    `risk_<area>_description` and `risk_<area>_assessed_on`.
    """

    code: str
    field: str
    message: str


def _risk_checklist() -> tuple[tuple[str, str], ...]:
    items: list[tuple[str, str]] = []
    for area in RiskArea:
        items.append((f"risk_{area}", f"{area.label}: described (or “None known”)"))
        items.append((f"risk_current_{area}", f"{area.label}: assessed date given and current"))
    return tuple(items)


# The admin's return form: every code `validation_problems` can give, in the order shown.
CHECKLIST: tuple[tuple[str, str], ...] = (
    ("source", "Who is making the referral"),
    ("source_not_accepted", "A referrer this service takes referrals from"),
    ("named_social_worker", "Named social worker who holds case responsibility"),
    ("date_of_birth", "The person's date of birth"),
    ("diagnosis_category", "The person's primary diagnosis"),
    *_risk_checklist(),
    ("need_identified", "Enablement or preventative work identified as a need"),
    ("work_requested", "The enablement work asked for"),
    ("work_specific", "The work asked for is specific, not a generalisation"),
    ("deliverable", "The work can be delivered within the length of the service"),
    ("consent", "Consent to share information with the service"),
)
CHECKLIST_LABELS: Mapping[str, str] = dict(CHECKLIST)

# Checked for every source, whatever the service's minimum data says: without a source the
# requirements cannot be looked up, and a source the service does not take is refused.
ALWAYS_CHECKED: frozenset[str] = frozenset({"source", "source_not_accepted"})


def required_items(settings: SettingsLike, source: str) -> frozenset[str]:
    """The checklist codes a referral from `source` must give to this service.

    A source the service lists in `source_requirements` gives only those items (seed 003
    "Referral sources": "for some referrals (such as GP and other council services) basic
    minimum referral information will be required", and self-referral or a carer less);
    any other source gives every item. The source itself is always checked.
    """
    listed = (settings.source_requirements or {}).get(source)
    if listed is None:
        return frozenset(code for code, _ in CHECKLIST)
    return frozenset(listed) | ALWAYS_CHECKED


def minimum_data(settings: SettingsLike) -> list[tuple[str, list[str]]]:
    """Each source the service takes with minimum data and the items it must give, in words:
    [("GP", ["Who is making the referral", ...]), ...]. Empty where every source gives every
    item."""
    labels = dict(ReferralSource.choices)
    out = []
    for source, items in (settings.source_requirements or {}).items():
        given = (set(items) | {"source"}) - {"source_not_accepted"}
        out.append(
            (
                str(labels.get(source, source)),
                [label for code, label in CHECKLIST if code in given],
            )
        )
    return out


def not_required_items(settings: SettingsLike, source: str) -> list[str]:
    """The checklist codes a source need not give, in checklist order."""
    required = required_items(settings, source)
    return [code for code, _ in CHECKLIST if code not in required]


def _source_problems(settings: SettingsLike, facts: ReferralFacts) -> list[Missing]:
    if not facts.source.strip():
        return [Missing("source", "source", "Select who is making the referral")]
    accepted = list(settings.referral_sources)
    refused = facts.source not in accepted or (
        facts.source == ReferralSource.SELF and not settings.self_referral_allowed
    )
    if not refused:
        return []
    takes = " or ".join(source_phrase(s) for s in accepted)
    message = f"This service does not take referrals from {source_phrase(facts.source)}"
    if takes:
        message += f". It takes referrals from {takes}"
    return [Missing("source_not_accepted", "source", message)]


def _social_worker_problems(facts: ReferralFacts) -> list[Missing]:
    if facts.named_social_worker_id is not None:
        return []
    return [
        Missing(
            "named_social_worker",
            "named_social_worker",
            "Name the social worker who will hold case responsibility throughout the "
            "enablement period",
        )
    ]


def _person_problems(facts: ReferralFacts, today: date) -> list[Missing]:
    problems: list[Missing] = []
    if facts.date_of_birth is None:
        problems.append(
            Missing(
                "date_of_birth",
                "date_of_birth",
                "Enter the person's date of birth: the service's age rule needs it",
            )
        )
    elif (problem := date_of_birth_problem(facts.date_of_birth, today)) is not None:
        problems.append(Missing("date_of_birth", "date_of_birth", problem))
    if not (facts.diagnosis_category or "").strip():
        problems.append(
            Missing(
                "diagnosis_category",
                "diagnosis_category",
                "Select the person's primary diagnosis, or “No diagnosis recorded”",
            )
        )
    return problems


def _risk_problems(settings: SettingsLike, facts: ReferralFacts, today: date) -> list[Missing]:
    problems: list[Missing] = []
    for area in RiskArea:
        description, assessed_on = facts.risks.get(area, ("", None))
        if not (description or "").strip():
            problems.append(
                Missing(
                    f"risk_{area}",
                    f"risk_{area}_description",
                    f"{area.label}: describe the risk, or write “None known”",
                )
            )
        problem = _risk_currency_problem(settings, area, assessed_on, today)
        if problem is not None:
            problems.append(Missing(f"risk_current_{area}", f"risk_{area}_assessed_on", problem))
    return problems


def _risk_currency_problem(
    settings: SettingsLike, area: RiskArea, assessed_on: date | None, today: date
) -> str | None:
    """Risk information must be current (seed 000 §6).

    Exactly `risk_current_days` old is still current; a day more is not. A date after
    today is a typing mistake whatever the service, so it is refused even where the
    service sets no age limit on risk information.
    """
    if assessed_on is None:
        return f"{area.label}: enter the date the risk was assessed"
    if assessed_on > today:
        return (
            f"{area.label} was assessed on {long_date(assessed_on)}, which is in the future: "
            "check the date"
        )
    limit = settings.risk_current_days
    if limit is not None and assessed_on < today - timedelta(days=limit):
        return (
            f"{area.label} was assessed on {long_date(assessed_on)}, more than {limit} days "
            "ago: it must be current"
        )
    return None


def work_requested_problem(work_requested: str) -> Missing | None:
    """The work asked for must be specific, not a generalisation (seed 000 §6)."""
    text = (work_requested or "").strip()
    if not text:
        return Missing("work_requested", "work_requested", WORK_MISSING)
    if _normalise_words(text) in GENERALISATIONS:
        return Missing("work_specific", "work_requested", WORK_NOT_SPECIFIC)
    if len(text) < MIN_SPECIFIC_LENGTH:
        return Missing("work_specific", "work_requested", WORK_TOO_SHORT)
    return None


def validation_problems(
    settings: SettingsLike, facts: ReferralFacts, *, today: date
) -> list[Missing]:
    """Everything a referral lacks, in CHECKLIST order; an empty list means it is complete.

    An incomplete referral is returned to the referrer with this list (DESIGN §3), never
    silently accepted or lost. All problems are reported at once, so the referrer can put
    everything right in one go. A source that refers with minimum data (the service's
    `source_requirements`) is asked only for its items (`required_items`).
    """
    required = required_items(settings, facts.source)
    return [m for m in _every_problem(settings, facts, today) if m.code in required]


def to_gather(settings: SettingsLike, facts: ReferralFacts, *, today: date) -> list[Missing]:
    """What a minimum-data referral lacks that its source did not have to give, one entry
    per checklist item, in checklist order: the assessment gathers it (seed 003 "Referral
    sources"). Empty for a source that gives every item, and for items it gave anyway."""
    required = required_items(settings, facts.source)
    seen: set[str] = set()
    out = []
    for missing in _every_problem(settings, facts, today):
        if missing.code not in required and missing.code not in seen:
            seen.add(missing.code)
            out.append(missing)
    return out


def _every_problem(settings: SettingsLike, facts: ReferralFacts, today: date) -> list[Missing]:
    """Every checklist item the referral lacks, whatever its source had to give."""
    problems = [
        *_source_problems(settings, facts),
        *_social_worker_problems(facts),
        *_person_problems(facts, today),
        *_risk_problems(settings, facts, today),
    ]
    if not facts.need_identified:
        problems.append(
            Missing(
                "need_identified",
                "need_identified",
                "Confirm that enablement or preventative work has been identified as a need",
            )
        )
    if (work := work_requested_problem(facts.work_requested)) is not None:
        problems.append(work)
    if not facts.deliverable_within_length:
        problems.append(
            Missing(
                "deliverable",
                "deliverable_within_length",
                "Confirm that the enablement work asked for can be delivered within "
                f"{settings.length_weeks} weeks, the length of this service",
            )
        )
    if not facts.consent_to_share:
        problems.append(
            Missing(
                "consent",
                "consent_to_share",
                "Confirm the person agrees to their information being shared with the service",
            )
        )
    order = {code: i for i, (code, _) in enumerate(CHECKLIST)}
    return sorted(problems, key=lambda m: order[m.code])


# --- Eligibility (DESIGN §2) ---------------------------------------------------------------


class Eligibility(_Labelled):
    ELIGIBLE = "eligible", "Eligible"
    NEEDS_JUDGEMENT = "needs_judgement", "Needs the screener's judgement"
    NOT_ELIGIBLE = "not_eligible", "Not eligible"


# Worst wins: one "not eligible" finding outweighs any number of passes.
_SEVERITY = {
    Eligibility.ELIGIBLE: 0,
    Eligibility.NEEDS_JUDGEMENT: 1,
    Eligibility.NOT_ELIGIBLE: 2,
}


@dataclass(frozen=True)
class EligibilityDecision:
    """The outcome and every finding behind it.

    `reasons` lists each rule that failed or needs judgement, and any exception that made
    the person eligible (the over-65 route); a plain pass of every rule has no reasons.
    """

    outcome: Eligibility
    reasons: tuple[str, ...]


_Finding = tuple[Eligibility, str]


def _diagnosis_label(code: str) -> str:
    try:
        return DiagnosisCategory(code).label
    except ValueError:
        return code


def _age_findings(
    settings: SettingsLike,
    date_of_birth: date | None,
    on: date,
    ongoing_cmh_social_work: bool,
    diagnosed_need: bool,
) -> tuple[list[_Finding], bool]:
    """The age rule; also says whether the over-age exception route was taken.

    Age is in completed years on the day of screening (people.rules.age_on).
    """
    if date_of_birth is None:
        return [
            (Eligibility.NEEDS_JUDGEMENT, "No date of birth recorded: the age rule is not checked")
        ], False
    age = age_on(date_of_birth, on)
    low, high = settings.min_age, settings.max_age
    if age < low:
        return [
            (
                Eligibility.NOT_ELIGIBLE,
                f"Aged {age}: the service is for people aged {low} and over",
            )
        ], False
    if high is None or age <= high:
        return [], False
    if not settings.over_max_age_exception:
        return [
            (
                Eligibility.NOT_ELIGIBLE,
                f"Aged {age}: the service is for people aged {low} to {high}",
            )
        ], False
    if ongoing_cmh_social_work and diagnosed_need:
        return [
            (
                Eligibility.ELIGIBLE,
                f"Over {high} with ongoing community mental-health social work involvement "
                "and a diagnosed need",
            )
        ], True
    lacking = []
    if not ongoing_cmh_social_work:
        lacking.append("no ongoing community mental-health social work involvement")
    if not diagnosed_need:
        lacking.append("no diagnosed need")
    return [
        (
            Eligibility.NOT_ELIGIBLE,
            f"Aged {age}: over {high}, the service is only for people with ongoing community "
            "mental-health social work involvement and a diagnosed need; "
            f"recorded: {' and '.join(lacking)}",
        )
    ], False


def _diagnosis_findings(settings: SettingsLike, category: str | None) -> list[_Finding]:
    if not category:
        return [(Eligibility.NEEDS_JUDGEMENT, "No primary diagnosis recorded")]
    if category in settings.excluded_categories:
        return [(Eligibility.NOT_ELIGIBLE, f"{_diagnosis_label(category)} is outside this service")]
    if category not in settings.diagnosis_categories:
        accepted = " or ".join(_diagnosis_label(c).lower() for c in settings.diagnosis_categories)
        return [
            (
                Eligibility.NOT_ELIGIBLE,
                f"The primary diagnosis recorded is {_diagnosis_label(category).lower()}: "
                f"this service is for people with a primary diagnosis of {accepted}",
            )
        ]
    return []


def _needs_findings(
    settings: SettingsLike, eligible_needs: bool | None, preventative_entitlement: bool | None
) -> list[_Finding]:
    basis = settings.needs_basis
    if basis == "any":
        return []
    if basis == "care_act":
        if eligible_needs is None:
            return [
                (
                    Eligibility.NEEDS_JUDGEMENT,
                    "No Care Act assessment of unmet eligible needs recorded",
                )
            ]
        if not eligible_needs:
            return [
                (
                    Eligibility.NOT_ELIGIBLE,
                    "The Care Act assessment found no unmet eligible needs (National "
                    "Eligibility Criteria)",
                )
            ]
        return []
    if basis == "care_act_or_preventative":
        if eligible_needs or preventative_entitlement:
            return []
        if eligible_needs is None or preventative_entitlement is None:
            # One route is still open: a person decides, the rule does not refuse.
            return [
                (
                    Eligibility.NEEDS_JUDGEMENT,
                    "Neither Care Act eligible needs nor a preventative entitlement is recorded",
                )
            ]
        return [
            (
                Eligibility.NOT_ELIGIBLE,
                "No Care Act eligible needs and no preventative entitlement",
            )
        ]
    raise ValueError(f"Unknown needs basis {basis!r}")


def _not_appropriate_findings(settings: SettingsLike, ticked: Sequence[str]) -> list[_Finding]:
    known = list(settings.not_appropriate_factors)
    unknown = [f for f in ticked if f not in known]
    if unknown:
        # A factor the service does not list is a programming or data error, not a finding.
        raise ValueError(f"Not one of this service's 'not appropriate' factors: {unknown!r}")
    return [
        (Eligibility.NOT_ELIGIBLE, f"Not appropriate for this service: {factor}")
        for factor in known
        if factor in ticked
    ]


@dataclass(frozen=True)
class Residence:
    """Where the person lives, for the ordinary-residence question (seed 000 §1): the
    postcode on their record, and the referrer's reason for referring someone whose
    postcode is outside the service's area ("" when none was given)."""

    postcode: str | None
    override_reason: str = ""


@dataclass(frozen=True)
class NeedsAssessment:
    """The eligibility (social care needs) assessment behind the referral (seed 000 §5,
    seed 001 §5): whether it was face to face (None: not recorded) and when."""

    face_to_face: bool | None
    assessed_on: date | None = None


def eligibility(
    settings: SettingsLike,
    *,
    date_of_birth: date | None,
    on: date,
    diagnosis_category: str | None,
    ongoing_cmh_social_work: bool,
    diagnosed_need: bool,
    eligible_needs: bool | None,
    preventative_entitlement: bool | None,
    not_appropriate: Sequence[str],
    residence: Residence | None = None,
    needs_assessment: NeedsAssessment | None = None,
    appropriate_factors: Sequence[str] | None = None,
) -> EligibilityDecision:
    """Whether the person is eligible for the service, on `on` (the day of screening).

    Every rule is applied and every finding kept, so the screener sees all of them at once;
    the outcome is the worst (not eligible, then needs judgement, then eligible). `None`
    for a needs fact means "not recorded", which asks for judgement rather than refusing.

    The over-age route (seed 000 §5: "OR someone over 65 who has an ongoing involvement
    with the Community Mental Health Social Work Team, and a diagnosed mental health
    need") is its own limb: it does not ask for a Care Act needs assessment, so neither the
    needs test nor the face-to-face assessment is applied to someone eligible through it.

    `residence`, `needs_assessment` and `appropriate_factors` (the factors the screener
    confirmed) are the questions of issue 10 item 6; screening always puts them. Left out
    (None), that question is not asked: `residence_findings`, `needs_assessment_findings`
    and `appropriate_factor_findings` say what each finds.

    Raises ValueError for a factor ("not appropriate" or appropriate) the service does not
    list, an unknown needs basis, or a date of birth after `on`.
    """
    age, over_age_route = _age_findings(
        settings, date_of_birth, on, ongoing_cmh_social_work, diagnosed_need
    )
    findings = [*age, *_diagnosis_findings(settings, diagnosis_category)]
    if residence is not None:
        findings += residence_findings(settings, residence)
    if not over_age_route:
        findings += _needs_findings(settings, eligible_needs, preventative_entitlement)
        if needs_assessment is not None:
            findings += needs_assessment_findings(settings, needs_assessment)
    findings += _not_appropriate_findings(settings, not_appropriate)
    if appropriate_factors is not None:
        findings += appropriate_factor_findings(settings, appropriate_factors)
    outcome = max(
        (outcome for outcome, _ in findings),
        key=_SEVERITY.__getitem__,
        default=Eligibility.ELIGIBLE,
    )
    return EligibilityDecision(outcome=outcome, reasons=tuple(reason for _, reason in findings))


# --- A front-door panel's screening (seed 001 §10) -----------------------------------------


def panel_route_problems(
    settings: SettingsLike,
    *,
    to_enablement: bool,
    desktop_check_complete: bool,
    needs_met_within_length: bool,
    not_appropriate: Sequence[str],
    verdict: EligibilityDecision,
) -> dict[str, str]:
    """What stops a front-door panel passing a referral to one of its enablement services,
    keyed by form field; empty when nothing does.

    Seed 001 §10: on allocation the panel completes a desktop screening of the referral,
    the risk assessment screening tool, and confirms the person's needs can be met safely
    within the service's length; only a referral "deemed appropriate for enablement" goes
    to the identified enablement service, which then takes it as screened and accepted.
    Any "not appropriate" factor (seed 001 §7) means enablement is not the right service:
    the referral goes to an outside service, with the reason (seed 001 §1). Routing to an
    outside service needs none of this: the reason is the panel's record.
    """
    if not to_enablement:
        return {}
    problems: dict[str, str] = {}
    if not desktop_check_complete:
        problems["desktop_check_complete"] = (
            "Complete the desktop check that the referral is fully and correctly completed "
            "before passing it to an enablement service"
        )
    if not needs_met_within_length:
        problems["needs_met_within_length"] = (
            "Confirm that the person's needs can be met safely within "
            f"{settings.length_weeks} weeks before passing it to an enablement service"
        )
    ticked = [f for f in settings.not_appropriate_factors if f in not_appropriate]
    if ticked:
        problems["not_appropriate"] = (
            f"You ticked a reason enablement is not appropriate ({ticked[0]}): route the "
            "referral to an outside service and record why"
        )
    elif verdict.outcome == Eligibility.NOT_ELIGIBLE:
        problems["destination"] = (
            "Not eligible for enablement through this front door: "
            + "; ".join(verdict.reasons)
            + ". Route it to an outside service and record why"
        )
    return problems


# --- The admin's case-system step (seed 000 process overview) ------------------------------
# "KERS Admin request person open to locality team and named social worker on Mosaic if this
# is not already done": an item of the admin's validation, where the service's settings say
# so (`case_system_step`), recorded as the date asked and the date confirmed.

CASE_SYSTEM_NOT_USED = (
    "This service does not ask its admin to open the person on the case system: leave the "
    "case-system dates out"
)


@dataclass(frozen=True)
class CaseSystemStep:
    """The step as validation records it: the dates, and any problems keyed by field."""

    requested_on: date | None
    confirmed_on: date | None
    problems: Mapping[str, str]


def _date_problem(what: str, day: date, *, received_on: date, today: date) -> str | None:
    if day > today:
        return f"{what} cannot be in the future: check the date"
    if day < received_on:
        return (
            f"{what} cannot be before the referral was received, on {long_date(received_on)}: "
            "check the date"
        )
    return None


def case_system_at_validation(
    *,
    step: bool,
    requested_on: date | None,
    confirmed_on: date | None,
    already_open: bool,
    received_on: date,
    today: date,
) -> CaseSystemStep:
    """What validation records of the step. Where the service has the step, the admin gives
    at least the date they asked, or says the person is already open with a named social
    worker (both dates are then today); the date confirmed may follow later
    (`case_system_confirmation_problem`). A service without the step records nothing, and
    dates given to it are refused rather than silently dropped."""
    given = requested_on is not None or confirmed_on is not None or already_open
    if not step:
        problems = {"case_system_requested_on": CASE_SYSTEM_NOT_USED} if given else {}
        return CaseSystemStep(None, None, problems)
    if already_open:
        if requested_on is not None or confirmed_on is not None:
            return CaseSystemStep(
                None,
                None,
                {
                    "case_system_already_open": "Either say the person is already open with a "
                    "named social worker, or give the date you asked: not both"
                },
            )
        return CaseSystemStep(today, today, {})
    problems: dict[str, str] = {}
    if requested_on is None:
        problems["case_system_requested_on"] = (
            "Enter the date you asked for the person to be opened to the locality team with a "
            "named social worker on the case system, or say they are already open"
        )
    elif problem := _date_problem(
        "The date you asked", requested_on, received_on=received_on, today=today
    ):
        problems["case_system_requested_on"] = problem
    if confirmed_on is not None:
        problem = _confirmed_problem(confirmed_on, requested_on, received_on, today)
        if problem:
            problems["case_system_confirmed_on"] = problem
    return CaseSystemStep(requested_on, confirmed_on, problems)


def _confirmed_problem(
    confirmed_on: date, requested_on: date | None, received_on: date, today: date
) -> str | None:
    if confirmed_on > today:
        return "The date it was confirmed cannot be in the future: check the date"
    if requested_on is not None and confirmed_on < requested_on:
        return (
            f"The date it was confirmed cannot be before the date it was asked, "
            f"{long_date(requested_on)}: check the date"
        )
    if confirmed_on < received_on:
        return (
            f"The date it was confirmed cannot be before the referral was received, on "
            f"{long_date(received_on)}: check the date"
        )
    return None


def case_system_confirmation_problem(
    *,
    step: bool,
    requested_on: date | None,
    confirmed_already: date | None,
    confirmed_on: date | None,
    received_on: date,
    today: date,
) -> str | None:
    """The admin records the day the case system was confirmed, after asking for it."""
    if not step:
        return CASE_SYSTEM_NOT_USED
    if requested_on is None:
        return (
            "Nobody has recorded asking for the person to be opened on the case system yet: "
            "the admin records that when validating the referral"
        )
    if confirmed_already is not None:
        return f"Already recorded as confirmed on {long_date(confirmed_already)}"
    if confirmed_on is None:
        return "Enter the date the case system was confirmed"
    return _confirmed_problem(confirmed_on, requested_on, received_on, today)


def case_system_status(step: bool, requested_on: date | None, confirmed_on: date | None) -> str:
    """The step in words for the tracker and the referral page; empty where the service has
    no such step."""
    if not step:
        return ""
    if requested_on is None:
        return "Not yet asked"
    if confirmed_on is None:
        return f"Asked on {long_date(requested_on)}, not yet confirmed"
    if confirmed_on == requested_on:
        return f"Asked and confirmed on {long_date(confirmed_on)}"
    return f"Asked on {long_date(requested_on)}, confirmed on {long_date(confirmed_on)}"


# --- Ordinary residence (seed 000 §1: "ordinarily resident in Kent") ----------------------


def in_area(area_postcode_districts: Sequence[str], postcode: str | None) -> bool | None:
    """Whether a postcode lies in a service's area, as a list of postcode areas ("CT") and
    districts ("NW9"). None when it cannot be told: the service sets no area, or there is no
    postcode to check. A postcode district stands for where someone lives; it is the
    screener who decides ordinary residence, so a "no" here can be overridden with a reason.
    """
    if not area_postcode_districts or not (postcode or "").strip():
        return None
    district = postcode_district(normalise_postcode(postcode))
    if not district:
        return None
    letters = re.match(r"[A-Z]+", district)
    wanted = {d.strip().upper() for d in area_postcode_districts}
    return district in wanted or (letters is not None and letters.group(0) in wanted)


def residence_problem(settings: SettingsLike, postcode: str | None) -> str | None:
    """The message when a postcode is outside the service's area, else None."""
    if in_area(settings.area_postcode_districts, postcode) is not False:
        return None
    area = settings.area_name or "the service's area"
    return (
        f"{normalise_postcode(postcode)} is outside {area}: the service is for people "
        f"ordinarily resident in {area}"
    )


def _area(settings: SettingsLike) -> str:
    return settings.area_name or "the service's area"


def residence_refusal(settings: SettingsLike, residence: Residence) -> str | None:
    """What stops a referral being submitted: a postcode outside the service's area with no
    reason given for referring the person all the same. None when the postcode is in the
    area, cannot be checked (the screener is told: `residence_findings`), or a reason is
    given (the screener then judges it)."""
    problem = residence_problem(settings, residence.postcode)
    if problem is None or (residence.override_reason or "").strip():
        return None
    return (
        f"{problem}. Refer them to the council where they live; or, if they are ordinarily "
        f"resident in {_area(settings)} all the same (for example, placed outside it by the "
        "council), say why"
    )


def residence_findings(settings: SettingsLike, residence: Residence) -> list[_Finding]:
    """Ordinary residence at screening (seed 000 §1). The postcode district stands for where
    someone lives; whether they are ordinarily resident is the screener's judgement, so a
    postcode outside the area, or none to check, asks for it rather than refusing. The
    finding names the postcode district only, and not the referrer's reason, which is
    shown beside it from the referral: a screening's findings keep no free text."""
    if not settings.area_postcode_districts:
        return []
    area = _area(settings)
    inside = in_area(settings.area_postcode_districts, residence.postcode)
    if inside:
        return []
    if inside is None:
        what = (
            "The postcode recorded could not be read"
            if (residence.postcode or "").strip()
            else "No postcode recorded"
        )
        return [
            (
                Eligibility.NEEDS_JUDGEMENT,
                f"{what}: whether the person is ordinarily resident in {area} could not be checked",
            )
        ]
    district = postcode_district(normalise_postcode(residence.postcode))
    if (residence.override_reason or "").strip():
        why = "the referrer gave a reason to refer them all the same"
    else:
        why = "no reason was given to refer them all the same"
    return [
        (
            Eligibility.NEEDS_JUDGEMENT,
            f"Postcode district {district} is outside {area} and {why}: decide whether the "
            f"person is ordinarily resident in {area}",
        )
    ]


# --- The eligibility assessment (seed 000 §5, seed 001 §5) ---------------------------------

FACE_TO_FACE_RULE = (
    "the service is for people assessed through a face-to-face assessment as having unmet "
    "social care needs"
)


def needs_assessment_findings(
    settings: SettingsLike, assessment: NeedsAssessment
) -> list[_Finding]:
    """Where the service asks for a face-to-face eligibility assessment, an assessment not
    face to face, or not recorded as such, needs the screener's judgement."""
    if not settings.face_to_face_assessment_required or assessment.face_to_face:
        return []
    if assessment.face_to_face is None:
        return [
            (
                Eligibility.NEEDS_JUDGEMENT,
                "Not recorded whether the eligibility assessment was face to face: "
                + FACE_TO_FACE_RULE,
            )
        ]
    when = f" on {long_date(assessment.assessed_on)}" if assessment.assessed_on else ""
    return [
        (
            Eligibility.NEEDS_JUDGEMENT,
            f"The eligibility assessment{when} was not face to face: " + FACE_TO_FACE_RULE,
        )
    ]


def assessed_on_problem(assessed_on: date | None, date_of_birth: date | None, today: date):
    """The date of the eligibility assessment, if given, is neither in the future nor before
    the person was born. None when it is fine (or not given: the finding above asks)."""
    if assessed_on is None:
        return None
    if assessed_on > today:
        return (
            f"The eligibility assessment date, {long_date(assessed_on)}, is in the future: "
            "check the date"
        )
    if date_of_birth is not None and assessed_on < date_of_birth:
        return (
            f"The eligibility assessment date, {long_date(assessed_on)}, is before the person "
            f"was born ({long_date(date_of_birth)}): check the date"
        )
    return None


# --- Factors that indicate a referral is appropriate (seed 000 §5, seed 001 §6) ------------


def appropriate_factor_findings(settings: SettingsLike, confirmed: Sequence[str]) -> list[_Finding]:
    """Each of the service's "factors which would indicate that a referral to the service
    would be appropriate" that the screener did not confirm, in the service's order: the
    referral may still be right, so it needs judgement (a reason to accept), not refusal."""
    known = list(settings.appropriate_factors)
    unknown = [f for f in confirmed if f not in known]
    if unknown:
        # A factor the service does not list is a programming or data error, not a finding.
        raise ValueError(f"Not one of this service's appropriate factors: {unknown!r}")
    return [
        (Eligibility.NEEDS_JUDGEMENT, f"{UNCONFIRMED_FACTOR}{factor}")
        for factor in known
        if factor not in confirmed
    ]


UNCONFIRMED_FACTOR = "Not confirmed, a factor that indicates the referral is appropriate: "


# --- The senior's screening decision (issue 12 item 3) ------------------------------------

# Citations such as "(seed 000 §5, seed 001 §5)" help someone check a rule in the settings
# and docs; a screener reading a finding does not need them.
_SEED_CITATION = re.compile(r"\s*\(seed \d{3}[^()]*\)")


def without_citations(finding: str) -> str:
    """A finding as a screener reads it: the same words, without the seed citation."""
    return _SEED_CITATION.sub("", finding).strip()


def _judgement_findings(reasons: Sequence[str]) -> list[str]:
    """The findings as a screener reads them, the factors not confirmed named together."""
    factors = [
        r.removeprefix(UNCONFIRMED_FACTOR) for r in reasons if r.startswith(UNCONFIRMED_FACTOR)
    ]
    findings = [without_citations(r) for r in reasons if not r.startswith(UNCONFIRMED_FACTOR)]
    if factors:
        which = (
            "The factor that indicates"
            if len(factors) == 1
            else f"{len(factors)} factors that indicate"
        )
        findings.append(
            f"{which} the referral is appropriate, not confirmed: " + "; ".join(factors)
        )
    return findings


def screening_problems(
    decision: str,
    *,
    desktop_check_complete: bool,
    reason: str,
    concern: str,
    verdict: EligibilityDecision,
    refused: str | None = None,
    holds_allowed: bool = True,
) -> dict[str, str]:
    """Everything that stops the senior's decision, keyed by form field, all at once, so the
    page shows every missing answer in one go. Empty when nothing does.

    Accept needs the desktop check done, a person who is not ineligible nor refused by the
    re-referral rule (`refused`, its message), and a reason when eligibility needs judgement,
    naming each criterion that does. Decline and not ready need a reason. A hold needs the
    concern for the named social worker, and a service that uses holds."""
    choices = "accept, decline, not ready for enablement" + (
        " or put on hold" if holds_allowed else ""
    )
    if decision not in SCREENING_DECISIONS or (decision == "hold" and not holds_allowed):
        return {"decision": f"Select a decision: {choices}"}
    problems: dict[str, str] = {}
    if decision == "accept":
        if not desktop_check_complete:
            problems["desktop_check_complete"] = "Complete the desktop check before accepting"
        if verdict.outcome == Eligibility.NOT_ELIGIBLE:
            problems["decision"] = "Not eligible: " + "; ".join(
                without_citations(r) for r in verdict.reasons
            )
        if refused is not None:
            problems["decision"] = f"This referral cannot be accepted. {refused}"
        if verdict.outcome == Eligibility.NEEDS_JUDGEMENT and not reason.strip():
            problems["reason"] = (
                "Eligibility needs your judgement. "
                + ". ".join(_judgement_findings(verdict.reasons))
                + ". Record why you accept"
            )
    elif decision in ("decline", "not_ready") and not reason.strip():
        problems["reason"] = (
            "Record why you decline the referral"
            if decision == "decline"
            else "Record why the person is not ready for enablement"
        )
    elif decision == "hold" and not concern.strip():
        problems["concern"] = "Describe the risk concern for the social worker"
    return problems


# --- Re-referral (seed 000 §9, seed 001 §15) ----------------------------------------------
#
# "Where an individual has finished a period of enablement further provision of the service
# will only be considered after a period of 12 months and only where the individual's needs
# have significantly changed." Both conditions hold: inside the window a referral is not
# considered at all, whatever it says; after it, it must say how the needs have changed.
#
# `re_referral_window_months` is the service's rule as data:
#   None  the service has no re-referral rule (STR, BEP: their seeds set none), so an
#         earlier enablement neither refuses a referral nor asks for a statement;
#   0     no waiting period, but a re-referral must still say how the needs have changed;
#   N     refused until N months after the last enablement ended, then the statement.
# The last end date is a fact the caller brings: read from the service's own closed episodes
# (`casework.selectors`), or typed by the referrer only for an enablement before this system.


def considered_from(settings: SettingsLike, last_ended_on: date) -> date | None:
    """The first day a new referral can be considered: the last enablement's end plus the
    service's window, by `core.dates.add_months`. None for a service with no window.

    "Only ... after a period of 12 months": ended 15 March 2025, a referral on 15 March 2026
    is considered (the 12 months have passed) and one on 14 March 2026 is not. Ended on
    29 February 2024, it is 1 March 2025, the day such a birthday is reached (`age_on`).
    """
    months = settings.re_referral_window_months
    if months is None:
        return None
    return add_months(last_ended_on, months)


@dataclass(frozen=True)
class ReReferralProblem:
    """Why a re-referral cannot go on, beside the field it belongs to.

    `field` is "previous_ended_on" when the referral is refused inside the window (nothing
    the referrer writes changes that; `considered_from` says from when it can be made) and
    "changed_needs_statement" when, after the window, the statement is missing or too short.
    """

    field: str
    message: str
    considered_from: date | None = None


def re_referral_problem(
    settings: SettingsLike,
    *,
    last_ended_on: date | None,
    submitted_on: date,
    changed_needs_statement: str,
) -> ReReferralProblem | None:
    """Whether a referral may go on, given when the person's last enablement with the
    service ended (None: they have had none). None when it may.

    Inside the window it is refused with the date from which it can be considered, and no
    statement lets it through. A referral dated before the last enablement ended is inside
    the window too. After the window, or with a window of 0, the changed-needs statement
    must say something: at least MIN_SPECIFIC_LENGTH characters, not counting spaces at
    either end. Whether the needs have *significantly* changed is the screener's judgement.
    """
    months = settings.re_referral_window_months
    if last_ended_on is None or months is None:
        return None
    opens_on = add_months(last_ended_on, months)
    if submitted_on < opens_on:
        return ReReferralProblem(
            field="previous_ended_on",
            message=(
                f"The person's last enablement with this service ended on "
                f"{long_date(last_ended_on)}. Further enablement is only considered "
                f"{months} months after the last one ended, and only where the person's "
                f"needs have significantly changed. A new enablement can be considered from "
                f"{long_date(opens_on)}"
            ),
            considered_from=opens_on,
        )
    if len((changed_needs_statement or "").strip()) < MIN_SPECIFIC_LENGTH:
        return ReReferralProblem(
            field="changed_needs_statement",
            message=(
                f"The person's last enablement with this service ended on "
                f"{long_date(last_ended_on)}. Describe how their needs have significantly "
                f"changed since then, in at least {MIN_SPECIFIC_LENGTH} characters"
            ),
        )
    return None


# --- Clocks (DESIGN §4): stored on the row by the action that starts or moves them --------


def screening_due(
    settings: SettingsLike, received_on: date, calendar: WorkingCalendar
) -> date | None:
    """The last day for screening: `screening_working_days` full working days after receipt.

    Received Thursday 2 April 2026 with KERS's 2 days: due Wednesday 8 April 2026 (Good
    Friday and Easter Monday are not working days). None for a service with no clock.
    """
    days = settings.screening_working_days
    if days is None:
        return None
    return calendar.add_working_days(received_on, days)


def stored_screening_due(
    status: str, settings: SettingsLike, received_on: date, calendar: WorkingCalendar
) -> date | None:
    """The screening due date a referral in `status` stores (ADR 0032): its clock runs while
    it waits for validation or screening, and while on hold (a hold pauses "overdue", not
    the date). None in any other status, and for a service with no clock."""
    if status not in SCREENING_CLOCK_STATUSES:
        return None
    return screening_due(settings, received_on, calendar)


def stored_hold_expiry(settings: SettingsLike, started_on: date, calendar: WorkingCalendar):
    """The last day of a hold, as the hold row stores it; None for a service with no hold
    timeout (such a hold never expires on its own)."""
    if settings.hold_timeout_working_days is None:
        return None
    return hold_expires_after(settings, started_on, calendar)


def is_overdue(due: date | None, today: date) -> bool:
    """Overdue from the day after the due day: work done on the due day is on time."""
    return due is not None and today > due


def hold_expires_after(settings: SettingsLike, started_on: date, calendar: WorkingCalendar) -> date:
    """The last day of a complex-risk hold (seed 000 §6.2: "within 5 working days").

    The named social worker may answer throughout this day; once it has ended the case may
    be closed as "not ready for enablement". Started Thursday 2 April 2026: open throughout
    Monday 13 April 2026. Raises ValueError for a service with no hold timeout.
    """
    days = settings.hold_timeout_working_days
    if days is None:
        raise ValueError("This service sets no complex-risk hold timeout")
    return calendar.add_working_days(started_on, days)


def hold_has_expired(
    settings: SettingsLike, started_on: date, today: date, calendar: WorkingCalendar
) -> bool:
    """True from the day after `hold_expires_after`: the hold may now be closed."""
    return today > hold_expires_after(settings, started_on, calendar)


# --- Transitions (DESIGN §3) ---------------------------------------------------------------


class Status(_Labelled):
    SUBMITTED = "submitted", "Submitted"
    RETURNED = "returned", "Returned to the referrer"
    VALIDATED = "validated", "Waiting for screening"
    IN_TRIAGE = "in_triage", "In triage"
    ON_HOLD = "on_hold", "On hold: waiting for the named social worker"
    ACCEPTED = "accepted", "Accepted"
    ALLOCATED = "allocated", "Allocated to a worker"
    DECLINED = "declined", "Declined"
    NOT_READY = "not_ready", "Not ready for enablement"
    REDIRECTED = "redirected", "Routed to another service"
    SIGNPOSTED = "signposted", "Signposted (pre-enablement)"
    CLOSED_NOT_READY = "closed_not_ready", "Closed: not ready for enablement (no answer to hold)"
    WITHDRAWN = "withdrawn", "Withdrawn"


# The statuses in which the screening clock runs, and those of them in which it can be
# overdue (a hold pauses the clock).
SCREENING_CLOCK_STATUSES = frozenset({Status.SUBMITTED, Status.VALIDATED, Status.ON_HOLD})
OVERDUE_STATUSES = SCREENING_CLOCK_STATUSES - {Status.ON_HOLD}


class Action(_Labelled):
    RESUBMIT = "resubmit", "Resubmit"
    RETURN = "return", "Return to the referrer"
    VALIDATE = "validate", "Validate"
    TRIAGE_ROUTE = "triage_route", "Route to a service"
    ASSESS = "assess", "Record the hub assessment"
    # The hub assessment's Enhanced and Specialist levels: the person goes on elsewhere.
    REFER_ON = "refer_on", "Refer on: Enhanced or Specialist"
    SCREEN_ACCEPT = "screen_accept", "Accept"
    SCREEN_DECLINE = "screen_decline", "Decline"
    SCREEN_NOT_READY = "screen_not_ready", "Not ready for enablement"
    HOLD = "hold", "Put on hold: complex risk"
    ANSWER_HOLD = "answer_hold", "Record the social worker's answer"
    EXPIRE_HOLD = "expire_hold", "Close: no answer within the hold"
    SIGNPOST = "signpost", "Signpost (pre-enablement)"
    WITHDRAW = "withdraw", "Withdraw"
    # The admin's validation made by mistake, taken back before screening starts (issue 12).
    UNDO_VALIDATE = "undo_validate", "Undo the validation"
    ALLOCATE = "allocate", "Allocate to a worker"


# Statuses the front door is still working on.
OPEN_STATUSES: frozenset[Status] = frozenset(
    {Status.SUBMITTED, Status.RETURNED, Status.VALIDATED, Status.IN_TRIAGE, Status.ON_HOLD}
)
# Accepted and waiting on the allocation list: the only way on is a worker.
WAITING_STATUSES: frozenset[Status] = frozenset({Status.ACCEPTED})
# The front door has finished: nothing moves a referral on from these. An allocated
# referral lives on as an episode, which has its own states.
ENDED_STATUSES: frozenset[Status] = frozenset(Status) - OPEN_STATUSES - WAITING_STATUSES

ROUTINGS = ("direct", "panel", "hub")

# The path shared by every routing: a direct service's whole table.
TRANSITIONS: dict[tuple[Status, Action], Status] = {
    (Status.SUBMITTED, Action.RETURN): Status.RETURNED,
    (Status.RETURNED, Action.RESUBMIT): Status.SUBMITTED,
    (Status.SUBMITTED, Action.VALIDATE): Status.VALIDATED,
    (Status.VALIDATED, Action.SCREEN_ACCEPT): Status.ACCEPTED,
    (Status.VALIDATED, Action.SCREEN_DECLINE): Status.DECLINED,
    (Status.VALIDATED, Action.SCREEN_NOT_READY): Status.NOT_READY,
    (Status.VALIDATED, Action.HOLD): Status.ON_HOLD,
    (Status.ON_HOLD, Action.ANSWER_HOLD): Status.VALIDATED,
    (Status.ON_HOLD, Action.EXPIRE_HOLD): Status.CLOSED_NOT_READY,
    (Status.SUBMITTED, Action.WITHDRAW): Status.WITHDRAWN,
    (Status.RETURNED, Action.WITHDRAW): Status.WITHDRAWN,
    (Status.VALIDATED, Action.WITHDRAW): Status.WITHDRAWN,
    (Status.ON_HOLD, Action.WITHDRAW): Status.WITHDRAWN,
    # A validation made by mistake goes back to the admin (`undo_validation_problem` says
    # when it may: before screening starts).
    (Status.VALIDATED, Action.UNDO_VALIDATE): Status.SUBMITTED,
    # Allocation opens the episode; the referral's part is then done (seed 000 §7).
    (Status.ACCEPTED, Action.ALLOCATE): Status.ALLOCATED,
}

# What a front door adds: a validated referral goes to triage first.
ROUTING_TRANSITIONS: dict[str, dict[tuple[Status, Action], Status]] = {
    "direct": {},
    # The multi-disciplinary panel routes to the autism specialist service, KPS, KERS or an
    # outside service, recording the reason (seed 001 §1, §7).
    "panel": {
        (Status.SUBMITTED, Action.VALIDATE): Status.IN_TRIAGE,
        (Status.IN_TRIAGE, Action.TRIAGE_ROUTE): Status.REDIRECTED,
        (Status.IN_TRIAGE, Action.WITHDRAW): Status.WITHDRAWN,
        (Status.IN_TRIAGE, Action.UNDO_VALIDATE): Status.SUBMITTED,
    },
    # The single point of referral: the hub assessment assigns a hub and a level, then the
    # hub screens; or the person is signposted (pre-enablement); or, at Enhanced and
    # Specialist, referred on to the Network or an outside service (seed 003 LEH,
    # "Enablement Plans"; `assessment_route`).
    "hub": {
        (Status.SUBMITTED, Action.VALIDATE): Status.IN_TRIAGE,
        (Status.IN_TRIAGE, Action.ASSESS): Status.VALIDATED,
        (Status.IN_TRIAGE, Action.REFER_ON): Status.REDIRECTED,
        (Status.IN_TRIAGE, Action.SIGNPOST): Status.SIGNPOSTED,
        (Status.IN_TRIAGE, Action.WITHDRAW): Status.WITHDRAWN,
        (Status.IN_TRIAGE, Action.UNDO_VALIDATE): Status.SUBMITTED,
    },
}


class TransitionNotAllowed(Exception):
    """An action that the transition table does not allow from a status."""

    def __init__(self, status: Status, action: Action) -> None:
        self.status = status
        self.action = action
        super().__init__(
            f"“{action.label}” is not possible for a referral that is "
            f"{status.label[0].lower()}{status.label[1:]}"
        )


# Merged once: allowed_actions runs for every row of a tracker page.
_TABLES: dict[str, Mapping[tuple[Status, Action], Status]] = {
    routing: MappingProxyType({**TRANSITIONS, **ROUTING_TRANSITIONS[routing]})
    for routing in ROUTINGS
}


def transitions_for(routing: str) -> Mapping[tuple[Status, Action], Status]:
    """The whole table for one routing (direct, panel or hub), read-only."""
    try:
        return _TABLES[routing]
    except KeyError:
        raise ValueError(
            f"Unknown routing {routing!r}: expected one of {', '.join(ROUTINGS)}"
        ) from None


def next_status(status: Status | str, action: Action | str, *, routing: str) -> Status:
    """The status an action leads to, or TransitionNotAllowed.

    Accepts the stored strings too ("validated", "screen_accept"); an unknown string is a
    ValueError, as is an unknown routing.
    """
    status, action = Status(status), Action(action)
    try:
        return transitions_for(routing)[(status, action)]
    except KeyError:
        raise TransitionNotAllowed(status, action) from None


def allowed_actions(status: Status | str, *, routing: str) -> tuple[Action, ...]:
    """The actions possible from a status, in the order buttons are shown."""
    status = Status(status)
    table = transitions_for(routing)
    return tuple(action for action in Action if (status, action) in table)


# --- Undoing a validation made by mistake (issue 12 item 2) --------------------------------


@dataclass(frozen=True)
class ValidationFacts:
    """What has happened to a referral since it was validated, as plain values."""

    status: Status | str
    validated: bool
    screened: bool
    held: bool
    triaged: bool


UNDO_AFTER_SCREENING = (
    "Screening has started on this referral, so its validation can no longer be undone. "
    "If it should not go ahead, the senior can decline it or the referrer can withdraw it"
)
UNDO_AFTER_HOLD = (
    "This referral has been put on hold for complex risk, so its validation can no longer be "
    "undone. If it should not go ahead, the senior can decline it or the referrer can "
    "withdraw it"
)
UNDO_AFTER_TRIAGE = (
    "The panel or hub has already made its decision on this referral, so its validation can "
    "no longer be undone"
)


def undo_validation_problem(facts: ValidationFacts, *, routing: str) -> str | None:
    """Why the admin may not undo this referral's validation, or None if they may.

    Only before screening starts: the referral is waiting for screening with no screening
    and no hold, or, at a panel or hub, in triage with no triage decision. After that the
    senior (or panel, or hub) has acted on it, and the way out is their decision or a
    withdrawal, which the history keeps."""
    status = Status(facts.status)
    if facts.screened:
        return UNDO_AFTER_SCREENING
    if facts.held:
        return UNDO_AFTER_HOLD
    if facts.triaged:
        return UNDO_AFTER_TRIAGE
    if not facts.validated or (status, Action.UNDO_VALIDATE) not in transitions_for(routing):
        return (
            "Only a validation can be undone, while the referral waits for screening or "
            f"triage; this referral is {status.label[0].lower()}{status.label[1:]}"
        )
    return None


# --- Self-referral hand-offs (issue 10 item 8) ---------------------------------------------


@dataclass(frozen=True)
class ServiceContact:
    """A service that takes self-referrals, as the public form may name it."""

    name: str
    phone: str
    area_postcode_districts: Sequence[str]


def outside_area_message(
    postcode: str,
    *,
    service_name: str,
    area_name: str,
    area_postcode_districts: Sequence[str],
    others: Sequence[ServiceContact],
) -> str | None:
    """Why the public form cannot send a self-referral to this service from this postcode,
    and who to ask instead: each other service taking self-referrals whose area includes the
    postcode, with its phone number; if none, the person's own council. Never a number we
    do not hold. None when the postcode is in the area or cannot be checked (seed 000 §1)."""
    if in_area(area_postcode_districts, postcode) is not False:
        return None
    shown = normalise_postcode(postcode)
    area = area_name or "its area"
    message = f"{shown} is not in {area}: {service_name} is for people living in {area}."
    covering = [o for o in others if in_area(o.area_postcode_districts, postcode)]
    if not covering:
        return (
            f"{message} Contact adult social care at your own council (the council for "
            f"{shown}) to ask for support where you live."
        )
    where = "; or ".join(
        f"{o.name}, phone {o.phone}" if o.phone else f"{o.name} (choose it above)" for o in covering
    )
    return f"{message} For where you live, ask {where}."


CONTACT_DETAIL_FIELD = {"email": "email", "phone": "phone", "letter": "postcode"}
_CONTACT_DETAIL_MISSING = {
    "email": "Enter an email address, or choose another way for us to contact you",
    "phone": "Enter a phone number, or choose another way for us to contact you",
    "letter": "Enter the postcode we should write to, or choose another way to contact you",
}


def contact_problems(method: str, details: Mapping[str, str]) -> dict[str, str]:
    """The detail the chosen way of contact needs: an email address for email, a phone
    number for phone, and for a letter the postcode (the address itself is confirmed when the
    admin matches the person to a record, or on the phone). Keyed by form field."""
    if method not in CONTACT_DETAIL_FIELD:
        return {"contact_method": "Choose how you would like us to contact you"}
    field = CONTACT_DETAIL_FIELD[method]
    if not (details.get(field) or "").strip():
        return {field: _CONTACT_DETAIL_MISSING[method]}
    return {}


TOLD_BY_EMAIL = "email"


def person_told_problem(told_by: str, *, email: str, service_phone: str) -> str | None:
    """How a person who referred themself (or their carer) hears that the referral was
    returned: they have no account, so the admin emails them from here or records that
    they phoned or wrote. An email needs the address they gave, and the service's phone
    number for them to call back."""
    if told_by not in CONTACT_DETAIL_FIELD:
        return "Choose how the person is told: by email from here, or that you phoned or wrote"
    if told_by == TOLD_BY_EMAIL and not email.strip():
        return "They gave no email address: phone them or write to them, and record which"
    if told_by == TOLD_BY_EMAIL and not service_phone.strip():
        return (
            "The email asks them to phone the service, which has no phone number for the "
            "public: add it on the service page, or phone them and record that"
        )
    return None


def returned_email(reference: str, missing: Sequence[str], service_phone: str) -> str:
    """The email to a person whose self-referral was returned: the reference, what is
    missing in the checklist's words and the number to call. Nothing else: no name, no
    service, no note, as an email can be read by others (ADR 0015)."""
    items = "\n".join(f"- {CHECKLIST_LABELS.get(code, code)}" for code in missing)
    return (
        f"Thank you for asking for support. Before we can go on with your request "
        f"(reference {reference}), we need more from you:\n\n{items}\n\n"
        f"Please phone us on {service_phone} and give your reference. We will go through "
        "it with you and make the changes for you."
    )


# --- The hub assessment's levels (seed 003 LEH "Enablement Plans") --------------------------


class Outcome(_Labelled):
    """Where a hub assessment sends the person, by level."""

    SIGNPOSTED = "signposted", "Signposted with information and advice"
    HUB = "hub", "To the chosen hub, to screen and allocate"
    SERVICE = "service", "Handed on to another service, accepted onto its waiting list"
    OUTSIDE = "outside", "Referred on to a service outside this system"


SIGNPOSTING_LEVEL = "signposting"
# Levels the hub itself delivers: Brief is the hub's six weeks (seed 003 "Brief").
HUB_LEVELS = frozenset({"brief"})

_LEVEL_LABELS = dict(ServiceLevel.choices)


def level_label(level: str) -> str:
    return _LEVEL_LABELS.get(level, level)


@dataclass(frozen=True)
class AssessmentRoute:
    outcome: Outcome
    destination: str = ""  # the service code, for Outcome.SERVICE


def assessment_route(settings: SettingsLike, level: str) -> AssessmentRoute:
    """Where a level leads (seed 003 "Enablement Plans"): signposting ends the referral with
    the information given; a level the settings hand on (`level_destinations`, e.g.
    Enhanced to the Network) goes to that service's waiting list; Brief stays with a hub;
    any other level (Specialist: CMHTs, family therapy, other complex-needs services) is
    referred on outside, recorded by name."""
    if level == SIGNPOSTING_LEVEL:
        return AssessmentRoute(Outcome.SIGNPOSTED)
    code = (settings.level_destinations or {}).get(level)
    if code:
        return AssessmentRoute(Outcome.SERVICE, code)
    if level in HUB_LEVELS:
        return AssessmentRoute(Outcome.HUB)
    return AssessmentRoute(Outcome.OUTSIDE)


_OUTCOME_ACTIONS = {
    Outcome.SIGNPOSTED: Action.SIGNPOST,
    Outcome.HUB: Action.ASSESS,
    Outcome.SERVICE: Action.REFER_ON,
    Outcome.OUTSIDE: Action.REFER_ON,
}


def assessment_action(settings: SettingsLike, level: str) -> Action:
    """The transition a hub assessment at this level makes (a level the service does not
    offer counts as an assessment, which then says so)."""
    if level not in settings.levels:
        return Action.ASSESS
    return _OUTCOME_ACTIONS[assessment_route(settings, level).outcome]


def assessment_problems(
    settings: SettingsLike,
    *,
    level: str,
    reason: str,
    hub_chosen: bool,
    information_given: str,
    outside_service: str,
    outside_contact: str,
) -> dict[str, str]:
    """What the hub assessment lacks, keyed by form field. Only the fields the level needs
    are asked for: the hub for Brief, the information given for signposting, the outside
    service and its named contact for a level referred on outside."""
    problems: dict[str, str] = {}
    if level not in settings.levels:
        offered = ", ".join(level_label(lv) for lv in settings.levels) or "none"
        problems["level"] = f"Select a level this service offers ({offered})"
    if not reason.strip():
        problems["reason"] = "Summarise the assessment and the reason for the level"
    if "level" in problems:
        return problems
    route = assessment_route(settings, level)
    label = level_label(level)
    if route.outcome == Outcome.SIGNPOSTED and not information_given.strip():
        problems["information_given"] = "Record the information and advice given"
    if route.outcome == Outcome.HUB and not hub_chosen:
        problems["hub"] = f"Select the hub for the person's area: {label} is delivered by a hub"
    if route.outcome == Outcome.OUTSIDE:
        if not outside_service.strip():
            problems["outside_service"] = (
                f"Name the service the person is referred on to at {label}, for example "
                "the community mental health team (CMHT)"
            )
        if not outside_contact.strip():
            problems["outside_contact"] = (
                "Name the contact at that service who takes the referral on"
            )
    return problems


# --- Flags: what anyone about to meet or plan for the person must see first (issue 12) ----

NOTHING_KNOWN = frozenset({"none known", "none", "no known risk", "no known risks", "n/a", "nil"})


@dataclass(frozen=True)
class Flag:
    label: str
    detail: str
    colour: str  # a GOV.UK tag colour: red for risk, orange for safeguarding, blue otherwise


def flags(
    *,
    communication_needs: str,
    risks: Sequence[tuple[str, str]],
    complex_features: Sequence[str],
    on_hold: bool,
) -> list[Flag]:
    """The flags shown at the top of the person, referral and allocation pages: each risk
    area described as something other than "None known" (seed 000 §6), safeguarding found by
    the risk screening tool (seed 000 §6.2), a complex-risk hold still open, and the
    person's communication needs. `risks` are (area code, description) pairs; unknown codes
    are shown as given."""
    out: list[Flag] = []
    labels = {a.value: a.label for a in RiskArea}
    for area, description in risks:
        text = (description or "").strip()
        if text and _normalise_words(text) not in NOTHING_KNOWN:
            out.append(Flag(labels.get(area, area), text, "red"))
    if "safeguarding" in complex_features:
        out.append(Flag("Safeguarding", "Found by the risk screening tool", "orange"))
    if on_hold:
        out.append(Flag("On hold: complex risk", "Waiting for the named social worker", "red"))
    if (communication_needs or "").strip():
        out.append(Flag("Communication needs", communication_needs.strip(), "blue"))
    return out
