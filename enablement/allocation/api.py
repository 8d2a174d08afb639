"""Allocation as JSON: /api/v1/allocation. The same access door, selectors, rules and
actions as the pages."""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Annotated

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from enablement.accounts import access
from enablement.allocation import forecasting, rules, selectors, services
from enablement.api.pagination import Pages
from enablement.api.schemas import ErrorOut, PathId, decimal_schema, responses
from enablement.catalogue.models import StaffMember
from enablement.core import clock
from enablement.governance import reads
from enablement.referrals.models import Referral

router = Router(tags=["allocation"])
MAX_ID = 2**63 - 1


class WaitingOut(Schema):
    position: int
    referral_id: int
    reference: str
    person_name: str
    team: str
    accepted_on: date
    working_days_waiting: int
    calendar_days_waiting: int
    joint_working_requested: bool
    skills_needed: list[str]
    postcode_district: str
    proposed_worker_id: int | None = Field(description="Who 'allocate all that fit' would choose")
    proposed_worker: str | None
    waits_because: str | None = Field(description="Why nobody fits today, if nobody does")


class CandidateOut(Schema):
    worker_id: int
    name: str
    fits: bool
    reasons: list[str]
    places: int
    open_episodes: int
    room: int
    on_leave_until: date | None


class EpisodeOut(Schema):
    id: int
    referral_id: int
    reference: str
    worker_id: int
    worker: str
    status: str
    allocation_reason: str
    overridden: bool
    beyond_room: bool
    passed_over_id: int | None = Field(
        None, description="The referral that had waited longer and fitted, allocated after this"
    )
    out_of_order_reason: str = Field("", description="Why this referral went first")


class AllocateIn(Schema):
    worker_id: int = Field(..., ge=1, le=MAX_ID)
    reason: str = Field("", max_length=2000)
    override: bool = Field(
        False, description="Allocate although the worker has no room, is on leave or lacks a skill"
    )
    out_of_order_reason: str = Field(
        "",
        max_length=2000,
        description="Needed when a referral accepted earlier on the team's list fits a worker "
        "today: why this one goes first",
    )


class AssignmentOut(Schema):
    referral_id: int
    reference: str
    worker_id: int
    worker: str
    reasons: list[str]


class WaitsOut(Schema):
    referral_id: int
    reference: str
    reason: str


class PlanOut(Schema):
    assignments: list[AssignmentOut]
    waiting: list[WaitsOut]
    reviewed: list[tuple[int, int]] = Field(
        description="Send this back to confirm exactly this plan: (referral id, worker id)"
    )


class PlanIn(Schema):
    reviewed: list[tuple[int, int]] = Field(..., max_length=1000)


class CaseloadOut(Schema):
    worker_id: int
    name: str
    team: str
    fte: Decimal
    places: int
    open_episodes: int
    room: int
    ratio: float | None
    beyond_room_open: int
    on_leave_until: date | None


class WeekOut(Schema):
    week: int
    waiting_mean: float
    waiting_low: float
    waiting_high: float


class WeekWaitOut(Schema):
    week: int = Field(description="Accepted at the start of this week; week 1 is today")
    mean_weeks: float
    p90_weeks: float


class ForecastOut(Schema):
    service: str
    weeks: list[WeekOut]
    accepted_later: list[WeekWaitOut]
    wait_mean_weeks: float
    wait_median_weeks: float
    wait_p90_weeks: float
    capacity_places: int
    waiting_today: int
    assumptions: list[str]
    what_if_fte_change: Decimal | None
    what_if_places_change: int
    what_if_weeks: list[WeekOut] | None
    what_if_wait_mean_weeks: float | None


class TeamQuery(Schema):
    team: int | None = Field(None, ge=1, le=MAX_ID, description="A team id; default your own")


class WaitingQuery(TeamQuery):
    service: str | None = Field(
        None, max_length=30, description="A service code: every team of it you may see"
    )


class ForecastQuery(Schema):
    service: str | None = Field(None, max_length=30, description="A service code")
    fte_change: Annotated[Decimal | None, decimal_schema(minimum=-50, maximum=50)] = Field(
        None, ge=-50, le=50, max_digits=4, decimal_places=2, description="What if: +/- FTE"
    )


def _team(request, team_id: int | None):
    teams = access.allocation_teams(request.auth)
    if not teams.exists():
        raise PermissionDenied
    if team_id is None:
        own = getattr(getattr(request.auth, "staff", None), "team_id", None)
        team = teams.filter(pk=own).first() or teams.order_by("service__name", "name").first()
        return team
    return get_object_or_404(teams, pk=team_id)


@router.get(
    "/waiting-list",
    response=responses({200: list[WaitingOut]}),
    summary="A team's accepted referrals waiting for a worker, oldest acceptance first",
)
@paginate(Pages, page_size=50)
def waiting_list(request, filters: Query[WaitingQuery]):
    """One team (yours by default), or every team of a service you may see, merged in order
    of acceptance; each team's referrals are planned against its own workers."""
    if filters.service and filters.team is None:
        visible = access.allocation_teams(request.auth)
        if not visible.exists():
            raise PermissionDenied
        teams = list(visible.filter(service__code=filters.service).order_by("name"))
        if not teams:
            raise Http404
    else:
        teams = [_team(request, filters.team)]
    today = clock.today()
    found = selectors.teams_waiting(teams, on=today)
    return _WaitingPage(found, today)


class _WaitingPage(Sequence):
    """The merged list, built (and logged as shown) only for the slice the pagination asks
    for: a page of 50 reads 50 referrals, not the whole list."""

    def __init__(self, found, today):
        self.found, self.today = found, today

    def __len__(self) -> int:
        return len(self.found.entries)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1 if index != -1 else None][0]
        entries = self.found.entries[index]
        rows = selectors.waiting_rows(entries, self.found.outcome, today=self.today)
        return [_waiting_out(row) for row in rows]


def _waiting_out(row) -> dict:
    proposed = row.outcome if isinstance(row.outcome, rules.Assignment) else None
    return {
        "position": row.position,
        "referral_id": row.referral.pk,
        "reference": row.referral.reference,
        "person_name": row.referral.person.full_name,
        "team": row.referral.team.name,
        "accepted_on": row.accepted_on,
        "working_days_waiting": row.working_days,
        "calendar_days_waiting": row.calendar_days,
        "joint_working_requested": row.referral.joint_working_requested,
        "skills_needed": sorted(s.code for s in row.referral.skills_needed.all()),
        "postcode_district": row.postcode_district,
        "proposed_worker_id": proposed.worker.id if proposed else None,
        "proposed_worker": proposed.worker.name if proposed else None,
        "waits_because": None if proposed else row.outcome.reason,
    }


@router.get(
    "/referrals/{referral_id}/candidates",
    response=responses({200: list[CandidateOut]}),
    summary="The workers of the referral's team, those who fit first, with the reasons",
)
def candidates(request, referral_id: PathId):
    referral = access.get_allocatable_referral(request.auth, referral_id)
    workers = selectors.team_workers(referral.team, on=clock.today())
    return [
        {
            "worker_id": c.worker.id,
            "name": c.worker.name,
            "fits": c.fits,
            "reasons": list(c.reasons),
            "places": c.worker.capacity,
            "open_episodes": c.worker.open_episodes,
            "room": c.worker.room,
            "on_leave_until": c.worker.on_leave_until,
        }
        for c in rules.candidates(selectors.referral_facts(referral), workers)
    ]


def _episode(e) -> dict:
    return {
        "id": e.pk,
        "referral_id": e.referral_id,
        "reference": e.referral.reference,
        "worker_id": e.worker_id,
        "worker": str(e.worker),
        "status": e.status,
        "allocation_reason": e.allocation_reason,
        "overridden": e.overridden,
        "beyond_room": e.beyond_room,
        "passed_over_id": e.passed_over_id,
        "out_of_order_reason": e.out_of_order_reason,
    }


@router.post(
    "/referrals/{referral_id}/allocate",
    response=responses({201: EpisodeOut}),
    summary="Allocate an accepted referral to a worker of its team: the episode opens",
)
def allocate(request, referral_id: PathId, payload: AllocateIn):
    referral = access.get_allocatable_referral(request.auth, referral_id)
    worker = StaffMember.objects.select_related("user").filter(pk=payload.worker_id).first()
    if worker is None:
        raise ValidationError({"worker_id": "No such worker"})
    episode = services.allocate(
        referral=referral,
        worker=worker,
        reason=payload.reason,
        override=payload.override,
        out_of_order_reason=payload.out_of_order_reason,
        actor=request.auth,
        now=clock.now(),
    )
    return Status(201, _episode(episode))


def _plan_out(team) -> dict:
    plan = selectors.team_plan(team, on=clock.today()).plan
    # The plan names referrals, not people; each is logged against its person.
    ids = [a.referral.id for a in plan.assignments] + [w.referral.id for w in plan.waiting]
    reads.shown_referrals(Referral.objects.filter(pk__in=ids).only("pk", "person_id"))
    return {
        "assignments": [
            {
                "referral_id": a.referral.id,
                "reference": a.referral.reference,
                "worker_id": a.worker.id,
                "worker": a.worker.name,
                "reasons": list(a.reasons),
            }
            for a in plan.assignments
        ],
        "waiting": [
            {"referral_id": w.referral.id, "reference": w.referral.reference, "reason": w.reason}
            for w in plan.waiting
        ],
        "reviewed": [list(p) for p in plan.pairs()],
    }


@router.get(
    "/teams/{team_id}/plan",
    response=responses({200: PlanOut}),
    summary="Review 'allocate all that fit in order' for a team; nothing is written",
)
def review_plan(request, team_id: PathId):
    return _plan_out(access.get_allocating_team(request.auth, team_id))


@router.post(
    "/teams/{team_id}/plan",
    response=responses({201: list[EpisodeOut], 409: ErrorOut}),
    summary="Confirm the reviewed plan; if anything changed since, 409 and nothing is written",
)
def confirm_plan(request, team_id: PathId, payload: PlanIn):
    team = access.get_allocating_team(request.auth, team_id)
    try:
        episodes = services.allocate_all(
            team=team, reviewed=payload.reviewed, actor=request.auth, now=clock.now()
        )
    except services.PlanChanged as exc:
        return Status(409, {"detail": exc.messages[0], "errors": []})
    reads.shown_referrals(e.referral for e in episodes)
    return Status(201, [_episode(e) for e in episodes])


@router.get(
    "/caseloads",
    response=responses({200: list[CaseloadOut]}),
    summary="Each worker's places, open episodes, room and ratio",
)
@paginate(Pages, page_size=50)
def caseloads(request, filters: Query[TeamQuery]):
    teams = access.allocation_teams(request.auth)
    if not teams.exists():
        raise PermissionDenied
    if filters.team is not None:
        teams = teams.filter(pk=filters.team)
    return [
        {
            "worker_id": row.staff.pk,
            "name": row.facts.name,
            "team": row.staff.team.name,
            "fte": row.staff.fte,
            "places": row.figures.capacity,
            "open_episodes": row.figures.open_episodes,
            "room": row.figures.room,
            "ratio": row.figures.ratio,
            "beyond_room_open": row.staff.open_beyond,
            "on_leave_until": row.facts.on_leave_until,
        }
        for row in selectors.caseload_rows(teams, on=clock.today())
    ]


def _weeks(forecast) -> list[dict]:
    return [
        {
            "week": w.week,
            "waiting_mean": w.waiting_mean,
            "waiting_low": w.waiting_low,
            "waiting_high": w.waiting_high,
        }
        for w in forecast.weeks
    ]


@router.get(
    "/forecast",
    response=responses({200: ForecastOut}),
    summary="Projected waiting list and wait over 12 weeks, with a what-if on FTE",
)
def forecast(request, filters: Query[ForecastQuery]):
    seen = access.forecast_services(request.auth)
    if not seen.exists():
        raise PermissionDenied
    if filters.service:
        service = get_object_or_404(seen, code=filters.service)
    else:
        service = seen.order_by("name").first()
    found = forecasting.outlook(service, today=clock.today(), fte_change=filters.fte_change)
    return {
        "service": service.code,
        "weeks": _weeks(found.now),
        "accepted_later": [
            {"week": w.week, "mean_weeks": w.mean_weeks, "p90_weeks": w.p90_weeks}
            for w in found.now.accepted_later
        ],
        "wait_mean_weeks": found.now.wait_mean_weeks,
        "wait_median_weeks": found.now.wait_median_weeks,
        "wait_p90_weeks": found.now.wait_p90_weeks,
        "capacity_places": found.now.capacity_places,
        "waiting_today": found.inputs.waiting,
        "assumptions": list(found.now.assumptions),
        "what_if_fte_change": found.fte_change if found.what_if else None,
        "what_if_places_change": found.places_change,
        "what_if_weeks": _weeks(found.what_if) if found.what_if else None,
        "what_if_wait_mean_weeks": found.what_if.wait_mean_weeks if found.what_if else None,
    }
