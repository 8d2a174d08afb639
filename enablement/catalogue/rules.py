"""Pure checks of a service's settings and of staff records.

They take plain values and return problems keyed by field name, so the same messages are
shown beside a form field and returned by the API. No database, no clock.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from enablement.catalogue.vocab import ReferralSource, ServiceLevel
from enablement.referrals.rules import CHECKLIST_LABELS, SELF_SOURCES

MAX_LENGTH_WEEKS = 104
MAX_HOURLY_COST = Decimal("10000")  # pounds an hour: far above any care worker's cost


def _int(v: Any) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def settings_problems(v: Mapping[str, Any]) -> dict[str, str]:
    """Every problem with one set of service settings, keyed by field name."""
    p: dict[str, str] = {}
    length = _int(v.get("length_weeks"))
    if length is None or length < 1:
        p["length_weeks"] = "Length of enablement must be at least 1 week"
    elif length > MAX_LENGTH_WEEKS:
        p["length_weeks"] = f"Length of enablement must be {MAX_LENGTH_WEEKS} weeks or fewer"

    reviews = list(v.get("review_weeks") or [])
    if any(_int(w) is None or w < 1 for w in reviews):
        p["review_weeks"] = "Review weeks must be whole weeks, 1 or more"
    elif len(set(reviews)) != len(reviews):
        p["review_weeks"] = "Each review week must be given only once"
    elif length and "length_weeks" not in p and any(w > length for w in reviews):
        late = max(reviews)
        p["review_weeks"] = (
            f"Review in week {late} is after the end of the service length ({length} weeks)"
        )

    ext = _int(v.get("extension_max_weeks"))
    if ext is None or ext < 0:
        p["extension_max_weeks"] = "Extension must be 0 weeks or more"
    elif ext > 0 and v.get("extension_rule") in (None, "", "none"):
        p["extension_rule"] = "Say who decides an extension, or set the extension to 0 weeks"

    caseload = _int(v.get("caseload_per_fte"))
    if caseload is None or caseload < 1:
        p["caseload_per_fte"] = "Caseload per full-time worker must be 1 or more"
    elif caseload > 200:
        p["caseload_per_fte"] = "Caseload per full-time worker must be 200 or fewer"

    min_age, max_age = _int(v.get("min_age")), v.get("max_age")
    if min_age is None or min_age < 0 or min_age > 120:
        p["min_age"] = "Minimum age must be between 0 and 120"
    elif max_age is not None and (_int(max_age) is None or max_age < min_age):
        p["max_age"] = "Maximum age must be the same as or more than the minimum age"
    if v.get("over_max_age_exception") and max_age is None:
        p["over_max_age_exception"] = "An over-age exception needs a maximum age"

    if not v.get("diagnosis_categories"):
        p["diagnosis_categories"] = "Select at least one diagnosis category the service accepts"
    overlap = set(v.get("diagnosis_categories") or []) & set(v.get("excluded_categories") or [])
    if overlap:
        p["excluded_categories"] = "A category cannot be both accepted and excluded"

    sources = list(v.get("referral_sources") or [])
    # A direct service with no sources of its own is reached only through a front door that
    # hands referrals on (seed 001 §1: the autism "one front door"); a front door needs some.
    if not sources and v.get("routing") != "direct":
        p["referral_sources"] = "Select at least one source the service accepts referrals from"
    if bool(v.get("self_referral_allowed")) != ("self" in sources):
        p["self_referral_allowed"] = (
            "Self-referral must match the referral sources: add or remove "
            "'The person themself' there too"
        )

    if (problem := source_requirements_problem(v.get("source_requirements"), sources)) is not None:
        p["source_requirements"] = problem

    screening = v.get("screening_working_days")
    if screening is not None and (_int(screening) is None or screening < 1):
        p["screening_working_days"] = "Screening clock must be 1 working day or more, or empty"

    if v.get("complex_risk_hold"):
        hold = _int(v.get("hold_timeout_working_days"))
        if hold is None or hold < 1:
            p["hold_timeout_working_days"] = (
                "A complex-risk hold needs a timeout of 1 working day or more"
            )

    threshold = v.get("missed_visits_threshold")
    before = v.get("missed_visits_before_planning")
    if threshold is not None and (_int(threshold) is None or threshold < 1):
        p["missed_visits_threshold"] = "Missed-visit threshold must be 1 or more, or empty"
    if before is not None:
        if _int(before) is None or before < 1:
            p["missed_visits_before_planning"] = "Must be 1 or more, or empty"
        elif threshold is None:
            p["missed_visits_before_planning"] = "Set the missed-visit threshold first"
        elif _int(threshold) is not None and before > threshold:
            p["missed_visits_before_planning"] = (
                "Cannot be more than the missed-visit threshold after the planning meeting"
            )

    window = v.get("re_referral_window_months")
    if window is not None and (_int(window) is None or window < 0):
        p["re_referral_window_months"] = "Re-referral window must be 0 months or more, or empty"

    current = v.get("risk_current_days")
    if current is not None and (_int(current) is None or current < 1):
        p["risk_current_days"] = "Risk information must be current for 1 day or more, or empty"

    hours = v.get("weekly_hours")
    if hours is not None and not (Decimal(0) < Decimal(hours) <= Decimal(168)):
        p["weekly_hours"] = "Weekly hours must be more than 0 and no more than 168, or empty"

    cost = v.get("hourly_cost")
    if cost is not None and not (Decimal(0) < Decimal(cost) <= MAX_HOURLY_COST):
        p["hourly_cost"] = (
            f"The cost of an hour must be more than £0 and no more than £{MAX_HOURLY_COST:,}, "
            "or empty"
        )

    total = v.get("total_support_weeks")
    chargeable = v.get("chargeable_after_weeks")
    if total is not None and length and "length_weeks" not in p and total < length:
        p["total_support_weeks"] = "Total support cannot be shorter than the enablement length"
    if chargeable is not None:
        if _int(chargeable) is None or chargeable < 0:
            p["chargeable_after_weeks"] = "Must be 0 weeks or more, or empty"
        elif total is None:
            p["chargeable_after_weeks"] = (
                "Charging after a number of weeks needs a total support length"
            )
        elif chargeable > total:
            p["chargeable_after_weeks"] = "Cannot start charging after support has ended"

    routing = v.get("routing")
    if routing == "panel" and not v.get("route_destinations"):
        p["route_destinations"] = "A triage panel needs at least one service to route to"
    if routing == "hub" and not v.get("levels"):
        p["levels"] = "A hub service needs the levels its assessment can assign"
    if routing != "panel" and v.get("route_destinations"):
        p["route_destinations"] = "Only a triage-panel service routes to other services"
    if problem := level_destinations_problem(v):
        p["level_destinations"] = problem
    return p


def source_requirements_problem(requirements: Any, sources: list) -> str | None:
    """The minimum data each source must give (seed 003 "Referral sources"): known sources
    the service takes, known checklist items, and a line for the person themself and for a
    carer wherever the service takes them, since neither can name a social worker."""
    labels = dict(ReferralSource.choices)
    requirements = requirements or {}
    if not isinstance(requirements, Mapping) or not all(
        isinstance(items, list | tuple) for items in requirements.values()
    ):
        return "Write each source on its own line, with the checklist items it must give"
    for source, items in requirements.items():
        if source not in labels:
            known = ", ".join(f"{code} ({label})" for code, label in labels.items())
            return f"“{source}” is not a referral source. The sources are: {known}"
        if source not in sources:
            return (
                f"{labels[source]} is given minimum data but the service does not take "
                "referrals from that source: add it to the referral sources, or remove its line"
            )
        unknown = [item for item in items if item not in CHECKLIST_LABELS]
        if unknown:
            return (
                f"“{unknown[0]}” is not an item of the validation checklist. The items are: "
                + ", ".join(CHECKLIST_LABELS)
            )
        if not items:
            return f"List at least one item {labels[source]} must give, like “date_of_birth”"
        if source in SELF_SOURCES and "named_social_worker" in items:
            return (
                f"{labels[source]} cannot name a social worker: remove named_social_worker "
                f"from the “{source}” line"
            )
    for source in sources:
        if source in SELF_SOURCES and source not in requirements:
            return (
                f"The service takes referrals from {labels[source].lower()}, who cannot name a "
                f"social worker: add a line “{source}: …” with the items they must give"
            )
    return None


def level_destinations_problem(v: Mapping[str, Any]) -> str | None:
    """A hub's levels handed on to another service (seed 003: Enhanced is a referral to the
    Network). Whether each code names another service is checked where settings are saved
    (`catalogue.services`), which can look."""
    destinations = v.get("level_destinations") or {}
    if not destinations:
        return None
    if v.get("routing") != "hub":
        return "Only a hub service hands levels on to other services: leave this empty"
    levels = list(v.get("levels") or [])
    labels = dict(ServiceLevel.choices)
    for level, code in destinations.items():
        if level not in levels:
            offered = ", ".join(f"“{lv}”" for lv in levels) or "none"
            return (
                f"“{level}” is not one of this service's levels (its levels are {offered}): "
                "name a level the assessment can assign"
            )
        if level == ServiceLevel.SIGNPOSTING:
            return (
                "Signposting ends the referral with the information given, so it cannot be "
                "handed on to a service: remove that line"
            )
        if not str(code or "").strip():
            return (
                f"Give the short code of the service that takes {labels.get(level, level)}, "
                "like “enhanced: BEN”"
            )
    return None


_DISTRICT = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?$")


def is_postcode_district(text: str) -> bool:
    """The outward code of a postcode, like EN4, NW11 or W1A."""
    return bool(_DISTRICT.match(text))


_AREA = re.compile(r"^[A-Z]{1,2}$")


def is_postcode_prefix(text: str) -> bool:
    """What a team may cover: a postcode area (CT) or a district (CT1, NW11)."""
    return bool(_AREA.match(text) or _DISTRICT.match(text))


def _compact(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "").upper()


@dataclass(frozen=True)
class TeamProposal:
    """The team(s) whose postcodes best cover a person's postcode. One team is proposed;
    several (covering it equally well) are offered to choose from; none means no team
    covers it and the referrer chooses."""

    team_ids: tuple[int, ...]
    matched: str = ""

    @property
    def team_id(self) -> int | None:
        return self.team_ids[0] if len(self.team_ids) == 1 else None


def propose_team(teams: Sequence[tuple[int, Sequence[str]]], postcode: str | None) -> TeamProposal:
    """The locality team for a postcode: of each team's areas and districts
    (`Team.postcode_districts`), the longest that the postcode lies in wins, so a team
    covering ME13 is proposed over one covering all of ME. Case and spaces do not matter.

    Prefixes match whole parts of a postcode: CT1 covers CT1 3AA but not CT10 1AA.
    `teams` is (team id, prefixes) for the teams that may be proposed."""
    compact = _compact(postcode)
    if not 5 <= len(compact) <= 7:
        return TeamProposal(())
    district = compact[:-3]
    letters = re.match(r"[A-Z]+", district)
    area = letters.group(0) if letters else ""
    best, chosen = 0, []
    for team_id, prefixes in teams:
        length = max(
            (len(p) for p in map(_compact, prefixes) if p and p in (district, area)), default=0
        )
        if length > best:
            best, chosen = length, [team_id]
        elif length and length == best:
            chosen.append(team_id)
    matched = district if best == len(district) else area
    return TeamProposal(tuple(chosen), matched if chosen else "")


def fte_problem(fte: Decimal | None) -> str | None:
    """A worker's full-time equivalent: more than 0 and at most 1."""
    if fte is None:
        return "Enter the full-time equivalent, for example 0.6"
    if fte <= 0:
        return "Full-time equivalent must be more than 0"
    if fte > 1:
        return "Full-time equivalent must be 1 or less (1 is full time)"
    return None


def leave_problem(start, end) -> str | None:
    if start and end and end < start:
        return "The last day of leave must be the same as or after the first day"
    return None


def caseload_capacity(caseload_per_fte: int, fte: Decimal) -> int:
    """round(caseload per full-time worker x FTE), halves up: a 0.6 FTE worker at 15 holds 9."""
    return int((Decimal(caseload_per_fte) * fte).quantize(Decimal(1), rounding=ROUND_HALF_UP))


# --- Staffing checks (issue 10 item 9) -----------------------------------------------------
#
# A referral waits in a queue that only certain roles read: the admin validates, a senior
# (or a worker) screens, a senior allocates to a worker of the same team, the panel's
# seniors route (seed 000 process overview, seed 001 §1, seed 003 LEH). A team without one
# of those roles is a queue nobody reads, so it is flagged before a referral is stuck in it.

ADMIN, SENIOR, WORKER = "admin", "senior", "worker"
_ROLE_WORDS = {ADMIN: "admin", SENIOR: "senior", WORKER: "worker"}
# What cannot happen without each role, by what the team does for its service.
_CONSEQUENCE = {
    ("team", ADMIN): "referrals to it cannot be validated",
    ("team", SENIOR): "nobody can allocate its waiting list",
    ("team", WORKER): "referrals accepted there cannot be allocated",
    ("panel", ADMIN): "referrals to the front door cannot be validated",
    ("panel", SENIOR): "nobody on the panel can route the referrals it validates",
    ("hub", SENIOR): "nobody can allocate the referrals assessed to this hub",
    ("hub", WORKER): "referrals assessed to this hub cannot be allocated",
}


@dataclass(frozen=True)
class TeamStaffing:
    """One active team and the roles of its active staff (role values: "admin", ...)."""

    id: int
    name: str
    kind: str  # TeamKind value: locality, hub, panel, service_wide
    roles: frozenset[str]


@dataclass(frozen=True)
class StaffingGap:
    """What a team (or, when `team_id` is None, the service as a whole) lacks."""

    team_id: int | None
    team_name: str
    missing: tuple[str, ...]
    message: str


def _roles_phrase(roles: Sequence[str]) -> str:
    words = [f"no {_ROLE_WORDS[r]}" for r in roles]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _team_gap(team: TeamStaffing, needs: Sequence[str], duty: str) -> StaffingGap | None:
    missing = tuple(r for r in needs if r not in team.roles)
    if not missing:
        return None
    consequences = "; ".join(_CONSEQUENCE[(duty, r)] for r in missing)
    return StaffingGap(
        team.id, team.name, missing, f"{team.name} has {_roles_phrase(missing)}: {consequences}"
    )


def staffing_gaps(
    routing: str,
    teams: Sequence[TeamStaffing],
    *,
    service_name: str,
    handed_on_from: Sequence[str] = (),
    takes_referrals: bool = True,
) -> list[StaffingGap]:
    """Every role a service's path needs and no active member of staff holds, one gap per
    team (service-wide gaps have no team), each with a plain sentence for the service page.

    - direct: each team needs an admin (validates), a senior (allocates) and a worker (is
      allocated to);
    - panel front door: each panel team needs an admin and a senior (the panel routes);
      a panel service with no panel team has nobody to route;
    - hub (single point of referral): an admin on some team of the service, and each hub a
      senior and a worker; a hub service with no hub has nowhere to assess referrals to;
    - a service others hand on to (`handed_on_from`: the names of the panels and hubs that
      do) needs one team with both a senior and a worker, since a senior allocates only to
      their own team's workers.
    `teams` are the service's active teams; roles are those of active staff only. A direct
    service that takes no referrals of its own (`takes_referrals` False: reached only through
    a front door, which validates and screens) needs no admin.
    """
    gaps: list[StaffingGap] = []
    if routing == "panel":
        panels = [t for t in teams if t.kind == "panel"]
        if not panels:
            gaps.append(
                StaffingGap(
                    None,
                    service_name,
                    (ADMIN, SENIOR),
                    f"{service_name} has no triage panel team: nobody can validate or route "
                    "its referrals",
                )
            )
        gaps += [g for t in panels if (g := _team_gap(t, (ADMIN, SENIOR), "panel"))]
    elif routing == "hub":
        if not any(ADMIN in t.roles for t in teams):
            gaps.append(
                StaffingGap(
                    None,
                    service_name,
                    (ADMIN,),
                    f"{service_name} has no admin on any team: referrals to its single point "
                    "of referral cannot be validated",
                )
            )
        hubs = [t for t in teams if t.kind == "hub"]
        if not hubs:
            gaps.append(
                StaffingGap(
                    None,
                    service_name,
                    (SENIOR, WORKER),
                    f"{service_name} has no hub: assessed referrals have nowhere to go",
                )
            )
        gaps += [g for t in hubs if (g := _team_gap(t, (SENIOR, WORKER), "hub"))]
    else:
        needed = (ADMIN, SENIOR, WORKER) if takes_referrals else (SENIOR, WORKER)
        gaps += [g for t in teams if (g := _team_gap(t, needed, "team"))]
    if handed_on_from and not any({SENIOR, WORKER} <= t.roles for t in teams):
        senders = " and ".join(sorted(set(handed_on_from)))
        gaps.append(
            StaffingGap(
                None,
                service_name,
                (SENIOR, WORKER),
                f"{service_name} has no team with both a senior and a worker: referrals "
                f"handed on by {senders} cannot be allocated",
            )
        )
    return gaps
