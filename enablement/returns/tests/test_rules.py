"""The return's pure rules: pseudonyms, mappings, event rows and the hand-counted set."""

import hashlib
import hmac
from collections import Counter
from datetime import date, timedelta

import pytest

from enablement.catalogue.vocab import ClosureReason, DiagnosisCategory, ReferralSource
from enablement.referrals.rules import Status
from enablement.returns import rules
from enablement.returns.vocab import (
    SEQUELS_AT_CLOSURE,
    AccommodationGroup,
    AccommodationStatus,
    EmploymentStatus,
    EventOutcome,
    PrimarySupportReason,
)

KEY = "k" * 32
OUT = dict(EventOutcome.choices)

# The defined lists as the reference scripts write them (#REF_SEQUEL_MAPPING in STS001),
# typed here by hand so a changed label fails.
REFERENCE_OUTCOMES = {
    "Progress to Reablement/ST-Max",
    "Progress to Assessment",
    "Admitted to hospital",
    "Progress to Re-assessment / Unplanned Review",
    "Progress to Support Planning / Services",
    "Progress to End of Life Care",
    "No change in package",
    "Service ended as planned",
    "NFA - Moved to another LA",
    "NFA - 100% NHS funded care",
    "NFA - Self-funded client (Inc. 12wk disregard)",
    "NFA - Support declined",
    "NFA - Information & Advice / Signposting only",
    "NFA - Deceased",
    "NFA - No services offered: Other reason",
    "NFA - Support ended: Other reason",
    "Progress to financial assessment",
    "Provision of service",
    "NFA- Other",
}


def test_event_outcomes_are_exactly_the_reference_list():
    assert set(OUT.values()) == REFERENCE_OUTCOMES
    assert len(OUT) == len(REFERENCE_OUTCOMES)


def test_the_closure_offers_only_what_can_follow_an_enablement():
    offered = {OUT[s] for s in SEQUELS_AT_CLOSURE}
    assert "Service ended as planned" in offered
    assert "Progress to Reablement/ST-Max" not in offered
    assert "Progress to Assessment" not in offered


@pytest.mark.parametrize("key", [None, "", "short", "x" * 31])
def test_no_or_short_key_is_refused_with_the_setting_named(key):
    problem = rules.key_problem(key)
    assert problem and "ENABLEMENT_RETURN_KEY" in problem
    with pytest.raises(ValueError):
        rules.pseudonym("9434765919", key or "", kind="nhs")


def test_pseudonym_is_hmac_sha256_of_the_nhs_number_under_the_key():
    expected = hmac.new(KEY.encode(), b"nhs:9434765919", hashlib.sha256).hexdigest()
    assert rules.key_problem(KEY) is None
    assert rules.pseudonym("943 476 5919", KEY, kind="nhs") == expected
    assert rules.pseudonym("9434765919", "j" * 32, kind="nhs") != expected
    # The same digits as a case-system ID are another person's identifier.
    assert rules.pseudonym("9434765919", KEY, kind="la") != expected
    assert "9434765919" not in expected


def test_every_diagnosis_maps_to_a_listed_reason_or_to_none():
    listed = set(dict(PrimarySupportReason.choices).values())
    for code in DiagnosisCategory.values:
        label = rules.primary_support_reason(code)
        assert label in listed or (code == "none_recorded" and label == "")
    assert rules.primary_support_reason("mental_health") == "Mental Health Support"
    assert rules.primary_support_reason("dementia") == "Support with Memory & Cognition"


def test_every_source_is_a_community_route():
    for code in ReferralSource.values:
        assert rules.route_of_access(code) == "Community / Other route"


def test_every_closure_reason_suggests_a_sequel_offered_at_closure():
    for reason in ClosureReason.values:
        assert rules.sequel_for_reason(reason) in SEQUELS_AT_CLOSURE
    assert rules.sequel_for_reason("goals_achieved") == EventOutcome.ENDED_AS_PLANNED
    assert rules.sequel_for_reason("declined") == EventOutcome.NFA_DECLINED
    assert rules.sequel_for_reason("did_not_engage") == EventOutcome.NFA_SUPPORT_ENDED_OTHER


def test_every_referral_status_has_an_outcome_once_decided_and_none_while_open():
    open_ = {"submitted", "returned", "validated", "in_triage", "on_hold"}
    for status in (s.value for s in Status):
        outcome = rules.decision_outcome(status)
        assert (outcome == "") == (status in open_), status
    assert rules.decision_outcome("allocated") == EventOutcome.PROGRESS_TO_ST_MAX
    assert rules.decision_outcome("signposted") == EventOutcome.NFA_SIGNPOSTING


def test_sts002a_categories_follow_the_reference_table():
    assert rules.sts002a_category("NFA - Support declined") == (
        "No services provided – needs identified but support declined"
    )
    assert rules.sts002a_category("Service ended as planned") == "No services provided – other"
    assert rules.sts002a_category("NFA - Deceased").startswith("Early cessation of service")
    assert rules.sts002a_category("Progress to Support Planning / Services") == (
        "Unable_To_Classify"
    )


def test_every_accommodation_status_is_in_one_group():
    groups = {rules.accommodation_group(s) for s in AccommodationStatus.values}
    assert groups == set(AccommodationGroup.values)
    assert rules.accommodation_group("tenant_private") == AccommodationGroup.SETTLED
    assert rules.accommodation_group("night_shelter") == AccommodationGroup.EMERGENCY
    assert rules.accommodation_group("council_temporary") == AccommodationGroup.EMERGENCY
    assert rules.accommodation_group("rough_sleeper") == AccommodationGroup.ROUGH_SLEEPING
    assert rules.in_paid_work("paid_under_16") and not rules.in_paid_work("voluntary")
    assert len(EmploymentStatus.values) == 7


def _facts(n, **over):
    base = {
        "person_id": n,
        "nhs_number": f"99900{n:05d}",
        "case_system_id": f"LA{n}",
        "date_of_birth": date(1980, 1 + n % 12, 5),
        "diagnosis": "mental_health",
        "source": "gp",
        "status": "allocated",
        "requested_on": date(2025, 4, 1),
        "validated_on": date(2025, 4, 3),
        "decided_on": date(2025, 4, 8),
    }
    return rules.ReferralFacts(**(base | over))


def test_a_completed_enablement_gives_four_kinds_of_row_with_its_sequel():
    facts = _facts(
        1,
        started_on=date(2025, 5, 1),
        closed_on=date(2025, 6, 12),
        sequel=EventOutcome.PROGRESS_TO_SUPPORT_PLANNING,
        reviews=(date(2025, 6, 12), date(2025, 5, 22)),
    )
    rows = rules.event_rows(facts, key=KEY)
    got = [
        (r["Event_Type"], r["Event_Start_Date"], r["Event_End_Date"], r["Event_Outcome"])
        for r in rows
    ]
    assert got == [
        ("Request", date(2025, 4, 1), date(2025, 4, 3), "Progress to Assessment"),
        ("Assessment", date(2025, 4, 3), date(2025, 4, 8), "Progress to Reablement/ST-Max"),
        (
            "Service",
            date(2025, 5, 1),
            date(2025, 6, 12),
            "Progress to Support Planning / Services",
        ),
        ("Review", date(2025, 5, 22), date(2025, 5, 22), "No change in package"),
        # The review on the closing day carries the sequel.
        ("Review", date(2025, 6, 12), date(2025, 6, 12), "Progress to Support Planning / Services"),
    ]
    assert [r["Service_Type"] for r in rows] == ["", "", "Short Term Support: ST-Max", "", ""]
    assert {r["Primary_Support_Reason"] for r in rows} == {"Mental Health Support"}
    assert rows[0]["NHS_Number_Pseudo"] == rules.pseudonym("9990000001", KEY, kind="nhs")
    assert all(not rules.row_problems(r) for r in rows)


def test_open_events_have_no_end_and_no_outcome():
    waiting = rules.event_rows(_facts(2, status="validated", decided_on=None), key=KEY)
    assert [(r["Event_Type"], r["Event_End_Date"], r["Event_Outcome"]) for r in waiting] == [
        ("Request", date(2025, 4, 3), "Progress to Assessment"),
        ("Assessment", None, ""),
    ]
    running = rules.event_rows(_facts(3, started_on=date(2025, 5, 1)), key=KEY)
    assert running[-1]["Event_End_Date"] is None and running[-1]["Event_Outcome"] == ""
    assert all(not rules.row_problems(r) for r in waiting + running)


def test_a_person_without_nhs_number_is_known_by_a_keyed_local_identifier():
    [row, *_] = rules.event_rows(_facts(4, nhs_number="", case_system_id=""), key=KEY)
    assert row["NHS_Number_Pseudo"] == ""
    assert row["LA_Person_Unique_Identifier_Pseudo"] == rules.pseudonym("4", KEY, kind="record")
    assert not rules.row_problems(row)


def test_row_problems_name_each_field_outside_its_list():
    [row] = rules.event_rows(_facts(5, validated_on=None, status="submitted"), key=KEY)
    assert not rules.row_problems(row)
    bad = row | {
        "Event_Type": "Referral",
        "Request_Route_of_Access": "GP",
        "Primary_Support_Reason": "Mental health",
        "Client_Type": "Client",
        "NHS_Number_Pseudo": "9990000005",
        "Event_End_Date": date(2025, 3, 1),
        "Event_Outcome": "Closed",
        "Service_Type": "Reablement",
    }
    text = " ".join(rules.row_problems(bad))
    for field in (
        "Event_Type",
        "Request_Route_of_Access",
        "Primary_Support_Reason",
        "Client_Type",
        "NHS_Number_Pseudo",
        "Event_End_Date",
        "Event_Outcome",
        "Service_Type",
    ):
        assert field in text, field


# --- A seeded set with a hand count --------------------------------------------------------

START, END = date(2025, 4, 1), date(2026, 3, 31)
D = timedelta(days=1)


def _seeded():
    """24 referrals across the year with known dates and sequels. By hand, the completed
    ST-Max services ending in the period: 6 ended as planned (3 recorded, 3 closed for goals
    achieved without one), 4 progress to support planning, 3 support declined (2 recorded,
    1 by reason), 2 admitted to hospital, 2 support ended for another reason (did not
    engage), 1 deceased = 18. Not counted: 1 still running, 1 closed before the period, 1
    closing after it (starts in it), 1 declined at screening, 1 waiting for screening, 1
    signposted."""
    spec = [
        # (sequel, closure reason, closed_on) for the 18 completed in the period
        *[("ended_as_planned", "goals_achieved", date(2025, 6, 1) + i * 20 * D) for i in range(3)],
        *[("", "goals_achieved", date(2025, 9, 1) + i * 30 * D) for i in range(3)],
        *[
            ("progress_support_planning", "goals_achieved", date(2025, 7, 1) + i * D)
            for i in range(4)
        ],
        ("nfa_declined", "declined", date(2025, 8, 8)),
        ("nfa_declined", "declined", date(2026, 3, 31)),
        ("", "declined", date(2025, 4, 1)),
        ("admitted_hospital", "too_unwell", date(2025, 10, 10)),
        ("admitted_hospital", "too_unwell", date(2025, 11, 11)),
        ("", "did_not_engage", date(2025, 12, 1)),
        ("", "did_not_engage", date(2026, 1, 5)),
        ("nfa_deceased", "too_unwell", date(2026, 2, 2)),
    ]
    facts = []
    for n, (sequel, reason, closed_on) in enumerate(spec, start=1):
        started = closed_on - 42 * D
        facts.append(
            _facts(
                n,
                requested_on=started - 30 * D,
                validated_on=started - 28 * D,
                decided_on=started - 25 * D,
                started_on=started,
                closed_on=closed_on,
                sequel=sequel,
                closure_reason=reason,
                reviews=(started + 21 * D, closed_on),
                diagnosis=["mental_health", "autism", "dementia", "none_recorded"][n % 4],
            )
        )
    facts += [
        _facts(19, started_on=date(2026, 2, 20)),  # still running
        _facts(
            20,
            requested_on=date(2024, 12, 1),
            validated_on=date(2024, 12, 2),
            decided_on=date(2024, 12, 5),
            started_on=date(2025, 1, 6),
            closed_on=date(2025, 3, 31),
            sequel="ended_as_planned",
        ),
        _facts(
            21,
            requested_on=date(2026, 2, 1),
            validated_on=date(2026, 2, 2),
            decided_on=date(2026, 2, 5),
            started_on=date(2026, 3, 2),
            closed_on=date(2026, 4, 20),
            sequel="ended_as_planned",
        ),
        _facts(22, status="declined"),
        _facts(23, status="validated", decided_on=None),
        _facts(24, status="signposted", validated_on=None, decided_on=date(2025, 4, 2)),
    ]
    return facts


def test_the_seeded_return_passes_every_check_and_matches_the_hand_count():
    rows = rules.return_rows(_seeded(), key=KEY, start=START, end=END)
    for row in rows:
        assert rules.row_problems(row) == [], row
    assert rules.completed_st_max_by_sequel(rows, START, END) == Counter(
        {
            "Service ended as planned": 6,
            "Progress to Support Planning / Services": 4,
            "NFA - Support declined": 3,
            "Admitted to hospital": 2,
            "NFA - Support ended: Other reason": 2,
            "NFA - Deceased": 1,
        }
    )
    people = {r["_person"] for r in rows}
    assert 20 not in people  # everything ended before the period
    assert people == set(range(1, 25)) - {20}
    # The enablement closing after the period is there as running (it started in it), with
    # no event starting after the period's end.
    assert all(r["Event_Start_Date"] <= END for r in rows)
    services = [r for r in rows if r["Event_Type"] == "Service"]
    assert len(services) == 18 + 2  # the 18 completed, the running one and #21
    by_type = Counter(r["Event_Type"] for r in rows)
    assert by_type["Request"] == 23 and by_type["Assessment"] == 22
