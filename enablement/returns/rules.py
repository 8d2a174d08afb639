"""The short-term support return, as pure functions: from the facts of a service's
referrals to the rows of the Client Level Data shape (one row per event), the sequel an
ended enablement is given, the groups the dashboard counts, and the keyed pseudonym.

No database, no request, no clock: the selector reads the facts, the view passes the key
from the environment (never stored in the database). docs/RETURNS.md is the field by field
description; every string written is a label of `vocab`.
"""

import hashlib
import hmac
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from enablement.returns.vocab import (
    SERVICE_USER,
    ST_MAX,
    AccommodationGroup,
    AccommodationStatus,
    EmploymentStatus,
    EventOutcome,
    EventType,
    PrimarySupportReason,
    RouteOfAccess,
)

HEADERS = (
    "NHS_Number_Pseudo",
    "LA_Person_Unique_Identifier_Pseudo",
    "Client_Type",
    "Der_Birth_Year",
    "Der_Birth_Month",
    "Primary_Support_Reason",
    "Event_Type",
    "Event_Start_Date",
    "Event_End_Date",
    "Event_Outcome",
    "Request_Route_of_Access",
    "Service_Type",
)

KEY_SETTING = "ENABLEMENT_RETURN_KEY"
MIN_KEY_LENGTH = 32

OUTCOME = dict(EventOutcome.choices)
EVENT_TYPE = dict(EventType.choices)
PSR = dict(PrimarySupportReason.choices)
ROUTE = dict(RouteOfAccess.choices)

# --- The key and the pseudonym -----------------------------------------------------------


def key_problem(key: str | None) -> str | None:
    """Why the return cannot be made with this key, or None. Without a key the NHS number
    could only be hashed without a secret, which anyone can reverse by hashing every
    possible NHS number: so no key, no return."""
    if not key:
        return (
            "The return cannot be made: the pseudonymisation key is not set. Ask the system "
            f"administrator to set {KEY_SETTING} (at least {MIN_KEY_LENGTH} characters) in "
            "the environment of the application; it is never kept in the database."
        )
    if len(key) < MIN_KEY_LENGTH:
        return (
            f"The return cannot be made: the pseudonymisation key in {KEY_SETTING} is "
            f"shorter than {MIN_KEY_LENGTH} characters. Ask the system administrator for a "
            "longer one."
        )
    return None


def pseudonym(value: str, key: str, *, kind: str) -> str:
    """HMAC-SHA256 of the value under the key, as 64 hex digits. `kind` keeps an NHS
    number and a case-system ID that happen to be the same digits apart."""
    if key_problem(key):
        raise ValueError("A pseudonym needs a key of at least 32 characters")
    message = f"{kind}:{value.replace(' ', '')}".encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


# --- Mappings ------------------------------------------------------------------------------

# The person's diagnosis category (catalogue.vocab.DiagnosisCategory) as the CLD primary
# support reason. Autism has no reason of its own in the list: councils record the support
# it needs; ours is social support. No diagnosis recorded gives no reason (blank).
_PSR_OF_DIAGNOSIS = {
    "mental_health": PrimarySupportReason.MENTAL_HEALTH,
    "autism": PrimarySupportReason.ISOLATION,
    "learning_disability": PrimarySupportReason.LEARNING_DISABILITY,
    "dementia": PrimarySupportReason.MEMORY,
    "frail_elderly": PrimarySupportReason.PERSONAL_CARE,
    "physical_disability": PrimarySupportReason.ACCESS_MOBILITY,
    "other": PrimarySupportReason.ISOLATION,
}


def primary_support_reason(diagnosis: str) -> str:
    """The label, or "" when the person has no diagnosis recorded."""
    code = _PSR_OF_DIAGNOSIS.get(diagnosis)
    return PSR[code] if code else ""


def route_of_access(source: str) -> str:
    """Every referral source we take (social work teams, GPs, other council services,
    agreed organisations, the person, a carer) is a community route: none of them is a
    hospital discharge, a transition, a prison or depleted self-funding."""
    return ROUTE[RouteOfAccess.COMMUNITY]


# Why an enablement closed (catalogue.vocab.ClosureReason) -> the sequel proposed at closure
# and used for an enablement closed without one (closed not ready at the start, or closed
# before sequels were recorded).
_SEQUEL_OF_REASON = {
    "goals_achieved": EventOutcome.ENDED_AS_PLANNED,
    "declined": EventOutcome.NFA_DECLINED,
    "inadequate_progress": EventOutcome.PROGRESS_TO_REASSESSMENT,
}


def sequel_for_reason(reason: str) -> str:
    """The sequel code a closure reason suggests; any other reason ended the support early
    for a reason of its own ("NFA - Support ended: Other reason")."""
    return _SEQUEL_OF_REASON.get(reason, EventOutcome.NFA_SUPPORT_ENDED_OTHER)


# The referral's final status -> the outcome of its assessment (or of its request when it
# ended without one). Open statuses have no outcome yet.
_OUTCOME_OF_STATUS = {
    "accepted": EventOutcome.PROGRESS_TO_ST_MAX,
    "allocated": EventOutcome.PROGRESS_TO_ST_MAX,
    "declined": EventOutcome.NFA_NO_SERVICES_OTHER,
    "not_ready": EventOutcome.NFA_NO_SERVICES_OTHER,
    "closed_not_ready": EventOutcome.NFA_NO_SERVICES_OTHER,
    "redirected": EventOutcome.NFA_NO_SERVICES_OTHER,
    "withdrawn": EventOutcome.NFA_NO_SERVICES_OTHER,
    "signposted": EventOutcome.NFA_SIGNPOSTING,
}


def decision_outcome(status: str) -> str:
    """The outcome code of a decided referral, or "" while it is open."""
    return _OUTCOME_OF_STATUS.get(status, "")


# STS002a's mapping of an ST-Max outcome to its SALT category when nothing follows it in
# the council's chronology (#REF_ST_MAX_Sequel_Mappings, and its special case for
# "Service ended as planned"). Anything else is "Unable_To_Classify".
_EARLY = (
    "Early cessation of service (not leading to long term support) - 100% NHS funded "
    "care/End of Life/deceased"
)
_OTHER = "No services provided – other"
STS002A_CATEGORY = {
    EventOutcome.NFA_NHS_FUNDED: _EARLY,
    EventOutcome.NFA_DECEASED: _EARLY,
    EventOutcome.NFA_SELF_FUNDED: "No services provided – needs identified but self-funding",
    EventOutcome.NFA_DECLINED: "No services provided – needs identified but support declined",
    EventOutcome.NFA_SIGNPOSTING: (
        "No Services Provided – Universal Services / signposted to other services"
    ),
    EventOutcome.NFA_MOVED: _OTHER,
    EventOutcome.NFA_OTHER: _OTHER,
    EventOutcome.NFA_NO_SERVICES_OTHER: _OTHER,
    EventOutcome.NFA_SUPPORT_ENDED_OTHER: _OTHER,
    EventOutcome.PROGRESS_TO_END_OF_LIFE: _OTHER,
    EventOutcome.ADMITTED_TO_HOSPITAL: _OTHER,
    EventOutcome.ENDED_AS_PLANNED: _OTHER,
}
UNABLE_TO_CLASSIFY = "Unable_To_Classify"


def sts002a_category(outcome_label: str) -> str:
    by_label = {OUTCOME[code]: category for code, category in STS002A_CATEGORY.items()}
    return by_label.get(outcome_label, UNABLE_TO_CLASSIFY)


_SETTLED = {
    AccommodationStatus.OWNER_OCCUPIER,
    AccommodationStatus.TENANT_SOCIAL,
    AccommodationStatus.TENANT_PRIVATE,
    AccommodationStatus.WITH_FAMILY,
    AccommodationStatus.SUPPORTED,
    AccommodationStatus.SHARED_LIVES,
    AccommodationStatus.SHELTERED,
    AccommodationStatus.MOBILE,
}
_EMERGENCY = {
    AccommodationStatus.NIGHT_SHELTER,
    AccommodationStatus.REFUGE,
    AccommodationStatus.COUNCIL_TEMPORARY,
    AccommodationStatus.SHORT_TERM_GUEST,
    AccommodationStatus.OTHER_TEMPORARY,
}
_INSTITUTION = {
    AccommodationStatus.HOSPITAL,
    AccommodationStatus.CARE_HOME,
    AccommodationStatus.NURSING_HOME,
    AccommodationStatus.PRISON,
    AccommodationStatus.APPROVED_PREMISES,
}


def accommodation_group(status: str) -> str:
    """Seed 003's settled accommodation and emergency housing: the group a status counts
    in (settled as ASCOF counts it; emergency is temporary housing of any kind)."""
    if status in _SETTLED:
        return AccommodationGroup.SETTLED
    if status in _EMERGENCY:
        return AccommodationGroup.EMERGENCY
    if status == AccommodationStatus.ROUGH_SLEEPER:
        return AccommodationGroup.ROUGH_SLEEPING
    if status in _INSTITUTION:
        return AccommodationGroup.INSTITUTION
    return AccommodationGroup.UNKNOWN


def in_paid_work(status: str) -> bool:
    return status in {
        EmploymentStatus.PAID_UNDER_16,
        EmploymentStatus.PAID_16_OR_MORE,
        EmploymentStatus.PAID_HOURS_UNKNOWN,
    }


# --- Event rows ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ReferralFacts:
    """One referral to the service and, when it became one, its enablement."""

    person_id: int
    nhs_number: str
    case_system_id: str
    date_of_birth: date
    diagnosis: str
    source: str
    status: str
    requested_on: date
    validated_on: date | None = None
    decided_on: date | None = None
    started_on: date | None = None
    closed_on: date | None = None
    sequel: str = ""
    closure_reason: str = ""
    reviews: tuple[date, ...] = ()


def episode_sequel(facts: ReferralFacts) -> str:
    """The recorded sequel of an ended enablement, else the one its closure reason gives;
    "" while it runs."""
    if facts.closed_on is None:
        return ""
    return facts.sequel or sequel_for_reason(facts.closure_reason)


def event_rows(facts: ReferralFacts, *, key: str) -> list[dict]:
    """The referral's events in order: the request (received to validated), the assessment
    (the screening: validated to decided), the service (the enablement: started to
    closed) and each review held. An open event has no end date and no outcome."""
    person = {
        "NHS_Number_Pseudo": pseudonym(facts.nhs_number, key, kind="nhs")
        if facts.nhs_number
        else "",
        "LA_Person_Unique_Identifier_Pseudo": (
            pseudonym(facts.case_system_id, key, kind="la")
            if facts.case_system_id
            else pseudonym(str(facts.person_id), key, kind="record")
        ),
        "Client_Type": SERVICE_USER,
        "Der_Birth_Year": facts.date_of_birth.year,
        "Der_Birth_Month": facts.date_of_birth.month,
        "Primary_Support_Reason": primary_support_reason(facts.diagnosis),
        "Request_Route_of_Access": route_of_access(facts.source),
        # Not written to the file: whose row it is, for the export's access-log entry.
        "_person": facts.person_id,
    }

    def row(kind, start, end, outcome, service_type=""):
        return person | {
            "Event_Type": EVENT_TYPE[kind],
            "Event_Start_Date": start,
            "Event_End_Date": end,
            "Event_Outcome": OUTCOME[outcome] if outcome else "",
            "Service_Type": service_type,
        }

    decided = decision_outcome(facts.status)
    rows = []
    if facts.validated_on is not None:
        rows.append(
            row(
                EventType.REQUEST,
                facts.requested_on,
                facts.validated_on,
                EventOutcome.PROGRESS_TO_ASSESSMENT,
            )
        )
        rows.append(
            row(
                EventType.ASSESSMENT,
                facts.validated_on,
                facts.decided_on if decided else None,
                decided,
            )
        )
    else:
        # Decided without a validation of its own (handed on by a front door that screened
        # it, or withdrawn before validation): the request carries the decision.
        ended = decided and facts.decided_on is not None
        rows.append(
            row(
                EventType.REQUEST,
                facts.requested_on,
                facts.decided_on if ended else None,
                decided if ended else "",
            )
        )
    if facts.started_on is not None:
        sequel = episode_sequel(facts)
        rows.append(row(EventType.SERVICE, facts.started_on, facts.closed_on, sequel, ST_MAX))
        for held_on in sorted(facts.reviews):
            # The review that closes the enablement carries its sequel, so a script that
            # reads what follows the service finds the same answer, not "no change".
            final = facts.closed_on is not None and held_on >= facts.closed_on
            outcome = sequel if final else EventOutcome.NO_CHANGE_IN_PACKAGE
            rows.append(row(EventType.REVIEW, held_on, held_on, outcome))
    return rows


def overlaps(row: dict, start: date, end: date) -> bool:
    ended = row["Event_End_Date"]
    return row["Event_Start_Date"] <= end and (ended is None or ended >= start)


def return_rows(facts: Iterable[ReferralFacts], *, key: str, start: date, end: date) -> list:
    """The return for a period: every referral with an event open during it, with its
    whole chronology up to the period's end (the measures look back to the request and on
    to what followed), events starting after the period left out."""
    out = []
    for one in facts:
        rows = event_rows(one, key=key)
        if any(overlaps(r, start, end) for r in rows):
            out.extend(r for r in rows if r["Event_Start_Date"] <= end)
    return out


def completed_st_max_by_sequel(rows: Iterable[dict], start: date, end: date) -> Counter:
    """Completed ST-Max services ending in the period, by Event_Outcome (STS002a's
    cohort before it looks for what followed)."""
    return Counter(
        r["Event_Outcome"]
        for r in rows
        if r["Service_Type"] == ST_MAX
        and r["Event_End_Date"] is not None
        and start <= r["Event_End_Date"] <= end
    )


def row_problems(row: dict) -> list[str]:
    """Every field of one row checked against its defined list; [] when all pass."""
    problems = []
    hexes = set("0123456789abcdef")
    for name in ("NHS_Number_Pseudo", "LA_Person_Unique_Identifier_Pseudo"):
        value = row[name]
        if value and (len(value) != 64 or set(value) - hexes):
            problems.append(f"{name} is not a 64-digit keyed hash")
    if not row["LA_Person_Unique_Identifier_Pseudo"]:
        problems.append("LA_Person_Unique_Identifier_Pseudo is missing")
    if row["Client_Type"] != SERVICE_USER:
        problems.append("Client_Type is not in its defined list")
    if not (1900 <= row["Der_Birth_Year"] <= 2100 and 1 <= row["Der_Birth_Month"] <= 12):
        problems.append("Der_Birth_Year or Der_Birth_Month is not a date")
    if row["Primary_Support_Reason"] and row["Primary_Support_Reason"] not in PSR.values():
        problems.append("Primary_Support_Reason is not in its defined list")
    if row["Event_Type"] not in EVENT_TYPE.values():
        problems.append("Event_Type is not in its defined list")
    if row["Request_Route_of_Access"] not in ROUTE.values():
        problems.append("Request_Route_of_Access is not in its defined list")
    started, ended, outcome = row["Event_Start_Date"], row["Event_End_Date"], row["Event_Outcome"]
    if not isinstance(started, date):
        problems.append("Event_Start_Date is missing")
    elif ended is not None and ended < started:
        problems.append("Event_End_Date is before Event_Start_Date")
    if ended is not None and outcome not in OUTCOME.values():
        problems.append("Event_Outcome of an ended event is not in its defined list")
    if ended is None and outcome:
        problems.append("An open event has an Event_Outcome")
    is_service = row["Event_Type"] == EVENT_TYPE[EventType.SERVICE]
    if is_service != (row["Service_Type"] == ST_MAX) or (not is_service and row["Service_Type"]):
        problems.append("Service_Type is not Short Term Support: ST-Max on a service row")
    return problems


def as_values(row: dict, headers: Sequence[str] = HEADERS) -> list:
    return [row[h] for h in headers]
