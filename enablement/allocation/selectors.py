"""Reading the facts the allocation rules need: workers with their caseloads and leave, and
the waiting list of accepted referrals. Every function takes the day it is for."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from enablement.accounts.roles import ROLES, Role
from enablement.allocation import rules
from enablement.casework.models import OPEN_EPISODE_STATUSES, Episode
from enablement.catalogue.models import LeavePeriod, Service, StaffMember, Team
from enablement.catalogue.rules import caseload_capacity
from enablement.core.workdays import ENGLAND_AND_WALES, WorkingCalendar
from enablement.governance import reads
from enablement.people.rules import postcode_district
from enablement.referrals.models import Referral
from enablement.referrals.rules import Status


def caseload_workers(teams) -> QuerySet[StaffMember]:
    """Active staff of these teams who hold a caseload (the enablement worker role), each
    with `open_count`, their open episodes, and `open_beyond`, those allocated beyond room."""
    open_episodes = (
        Episode.objects.filter(worker=OuterRef("pk"), status__in=OPEN_EPISODE_STATUSES)
        .order_by()
        .values("worker")
    )
    return (
        StaffMember.objects.filter(
            team__in=teams,
            active=True,
            user__is_active=True,
            user__groups__name=ROLES[Role.WORKER].group,
        )
        .select_related("user", "team__service")
        .annotate(
            open_count=Coalesce(Subquery(open_episodes.annotate(n=Count("pk")).values("n")[:1]), 0),
            open_beyond=Coalesce(
                Subquery(
                    open_episodes.filter(beyond_room=True).annotate(n=Count("pk")).values("n")[:1]
                ),
                0,
            ),
        )
        .order_by("user__last_name", "user__first_name", "pk")
    )


def _per_fte(services: set[int]) -> dict[int, int]:
    return {
        s.pk: s.current_settings.caseload_per_fte for s in Service.objects.filter(pk__in=services)
    }


def worker_facts(staff: list[StaffMember], *, on: date) -> list[rules.WorkerFacts]:
    """The rules' view of each worker on a day: places from their service's current
    settings and their FTE, open episodes, skills, and leave covering the day."""
    if not staff:
        return []
    per_fte = _per_fte({m.team.service_id for m in staff})
    leave = {}
    for lp in LeavePeriod.objects.filter(staff__in=staff, start__lte=on, end__gte=on):
        leave[lp.staff_id] = max(lp.end, leave.get(lp.staff_id, lp.end))
    skills: dict[int, dict[str, str]] = {m.pk: {} for m in staff}
    for row in StaffMember.skills.through.objects.filter(staffmember__in=staff).values(
        "staffmember_id", "skill__code", "skill__name"
    ):
        skills[row["staffmember_id"]][row["skill__code"]] = row["skill__name"]
    return [
        rules.WorkerFacts(
            id=m.pk,
            name=m.user.get_full_name() or m.user.username,
            team_id=m.team_id,
            capacity=caseload_capacity(per_fte[m.team.service_id], m.fte),
            open_episodes=m.open_count,
            skills=frozenset(skills[m.pk]),
            skill_names=skills[m.pk],
            on_leave_until=leave.get(m.pk),
        )
        for m in staff
    ]


@dataclass(frozen=True)
class CaseloadRow:
    staff: StaffMember  # with `open_beyond`, open episodes allocated beyond room
    facts: rules.WorkerFacts
    figures: rules.CaseloadFigures


def caseload_rows(teams, *, on: date) -> list[CaseloadRow]:
    """Each worker of these teams with their places, open episodes and leave on a day."""
    staff = list(caseload_workers(teams))
    facts = {f.id: f for f in worker_facts(staff, on=on)}
    return [
        CaseloadRow(
            m, facts[m.pk], rules.CaseloadFigures(facts[m.pk].capacity, facts[m.pk].open_episodes)
        )
        for m in staff
    ]


def team_workers(team: Team, *, on: date) -> list[rules.WorkerFacts]:
    return worker_facts(list(caseload_workers([team])), on=on)


def waiting_referrals(teams) -> QuerySet[Referral]:
    """Accepted referrals of these teams not yet allocated, oldest acceptance first."""
    return Referral.objects.filter(team__in=teams, status=Status.ACCEPTED).order_by(
        "decided_at", "pk"
    )


def referral_facts(referral: Referral) -> rules.ReferralFacts:
    names = {s.code: s.name for s in referral.skills_needed.all()}
    return rules.ReferralFacts(
        id=referral.pk,
        reference=referral.reference,
        accepted_at=referral.decided_at,
        team_id=referral.team_id,
        skills_needed=frozenset(names),
        skill_names=names,
    )


@dataclass(frozen=True)
class Waiting:
    """One entry of a team's waiting list, read narrowly: planning and filtering a long list
    need no referral objects; only the rows on screen are built (`waiting_rows`)."""

    facts: rules.ReferralFacts
    joint_working: bool
    position: int  # in its team's list, from 1


def waiting_list(team: Team) -> list[Waiting]:
    accepted = waiting_referrals([team])
    names: dict[int, dict[str, str]] = defaultdict(dict)
    for referral_id, code, name in Referral.skills_needed.through.objects.filter(
        referral__in=accepted.order_by()
    ).values_list("referral_id", "skill__code", "skill__name"):
        names[referral_id][code] = name
    rows = accepted.values_list(
        "pk", "reference", "decided_at", "team_id", "joint_working_requested"
    )
    return [
        Waiting(
            facts=rules.ReferralFacts(
                id=pk,
                reference=reference,
                accepted_at=accepted_at,
                team_id=team_id,
                skills_needed=frozenset(names[pk]),
                skill_names=names[pk],
            ),
            joint_working=joint,
            position=n,
        )
        for n, (pk, reference, accepted_at, team_id, joint) in enumerate(rows, start=1)
    ]


@dataclass(frozen=True)
class TeamPlan:
    entries: list[Waiting]
    plan: rules.Plan
    workers: list[rules.WorkerFacts]


def team_plan(team: Team, *, on: date) -> TeamPlan:
    """The whole waiting list of a team against the whole team's room."""
    entries = waiting_list(team)
    workers = team_workers(team, on=on)
    return TeamPlan(entries, rules.plan([e.facts for e in entries], workers), workers)


@dataclass(frozen=True)
class TeamsWaiting:
    entries: list[Waiting]  # every team's, in order of acceptance
    plans: dict[int, rules.Plan]  # by team id
    workers: list[rules.WorkerFacts]

    @property
    def outcome(self) -> dict[int, rules.Assignment | rules.Waits]:
        return outcomes(*self.plans.values())


def teams_waiting(teams, *, on: date) -> TeamsWaiting:
    """Several teams' lists merged in order of acceptance, each team planned against its own
    workers only (a team's referrals go only to its workers)."""
    entries, plans, workers = [], {}, []
    for team in teams:
        found = team_plan(team, on=on)
        entries += found.entries
        plans[team.pk] = found.plan
        workers += found.workers
    entries.sort(key=lambda e: (e.facts.accepted_at, e.facts.id))
    return TeamsWaiting(entries, plans, workers)


def outcomes(*plans: rules.Plan) -> dict[int, rules.Assignment | rules.Waits]:
    """What "allocate all that fit" would do with each referral, by referral id."""
    found: dict[int, rules.Assignment | rules.Waits] = {}
    for plan in plans:
        found |= {a.referral.id: a for a in plan.assignments}
        found |= {w.referral.id: w for w in plan.waiting}
    return found


@dataclass(frozen=True)
class WaitingRow:
    referral: Referral
    position: int
    accepted_on: date
    calendar_days: int
    working_days: int
    postcode_district: str
    outcome: rules.Assignment | rules.Waits  # what "allocate all that fit" would do


def waiting_rows(
    entries: Sequence[Waiting],
    outcome: dict[int, rules.Assignment | rules.Waits],
    *,
    today: date,
    calendar: WorkingCalendar = ENGLAND_AND_WALES,
) -> list[WaitingRow]:
    """The rows to show or export, in the entries' order, with their referrals built (and
    logged as shown: build only the rows that are)."""
    referrals = (
        reads.watch(Referral.objects.select_related("person", "team", "service"))
        .prefetch_related("skills_needed")
        .in_bulk([e.facts.id for e in entries])
    )
    rows = []
    for entry in entries:
        referral = referrals[entry.facts.id]
        accepted_on = timezone.localdate(referral.decided_at)
        rows.append(
            WaitingRow(
                referral=referral,
                position=entry.position,
                accepted_on=accepted_on,
                calendar_days=(today - accepted_on).days,
                working_days=calendar.working_days_between(accepted_on, today),
                postcode_district=postcode_district(referral.person.postcode),
                outcome=outcome.get(referral.pk),
            )
        )
    return rows
