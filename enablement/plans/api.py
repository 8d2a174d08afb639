"""The plans actions on /api/v1/episodes/.

The same action functions and access door as the pages: the episode through
`access.get_episode` (404 if the user may not see it), `may_act_on_episode` (403), then the
action. A stale draft save is a 409 with the difference between what is saved and what was
sent; nothing is written."""

from datetime import date, datetime
from typing import Annotated

from django.http import Http404
from ninja import Field, Router, Schema, Status

from enablement.accounts import access
from enablement.api.schemas import ErrorOut, Id, PathId, responses
from enablement.core import clock
from enablement.plans import rules, selectors, services
from enablement.plans.models import Plan

router = Router(tags=["episodes"])

Version = Annotated[int, Field(ge=1, le=10_000)]


class GoalOut(Schema):
    key: int
    position: int
    description: str
    measure: str
    target_date: date
    steps: str


class PlanOut(Schema):
    id: int
    version: int
    status: str
    based_on_version: int | None
    strengths: str
    own_strategies: str
    interventions: str
    level: str
    resources: list[str]
    goals: list[GoalOut]
    row_version: int = Field(description="Send this back with a save; a stale one is a 409")
    change_summary: str
    worker_signed_at: datetime | None
    worker_signed_by: str | None
    person_signed_how: str
    person_signed_on: date | None
    differs_from_referral: bool
    differs_note: str


class VersionOut(Schema):
    version: int
    status: str
    created_at: datetime
    goals: int


class PlanSummaryOut(Schema):
    current: PlanOut | None
    versions: list[VersionOut]


class GoalIn(Schema):
    key: int | None = Field(
        None, ge=1, le=2**31, description="The goal's key from the plan, to keep it the same goal"
    )
    description: str = Field(..., max_length=2000)
    measure: str = Field("", max_length=500)
    target_date: date | None = None
    steps: str = Field("", max_length=2000)


class PlanIn(Schema):
    row_version: int = Field(
        ..., ge=0, le=2**31, description="The draft's row_version as read; 0 for a first plan"
    )
    goals: list[GoalIn] = Field(..., max_length=rules.MAX_GOALS)
    strengths: str = Field("", max_length=5000)
    own_strategies: str = Field("", max_length=5000)
    interventions: str = Field("", max_length=5000)
    resource_ids: list[Id] = Field([], max_length=100)
    level: str = Field("", max_length=20)


class DifferenceOut(Schema):
    field: str
    saved: str
    sent: str


class ConflictOut(Schema):
    detail: str
    errors: list[str] = []
    row_version: int
    differences: list[DifferenceOut]


class WorkerSignIn(Schema):
    row_version: int | None = Field(None, ge=0, le=2**31)
    differs_from_referral: bool = False
    differs_note: str = Field("", max_length=5000)


class PaperSignIn(Schema):
    signed_on: date
    row_version: int | None = Field(None, ge=0, le=2**31)


def _plan_out(plan: Plan) -> dict:
    return {
        "id": plan.pk,
        "version": plan.version,
        "status": plan.status,
        "based_on_version": plan.based_on.version if plan.based_on_id else None,
        "strengths": plan.strengths,
        "own_strategies": plan.own_strategies,
        "interventions": plan.interventions,
        "level": plan.level,
        "resources": [r.name for r in plan.resources.all()],
        "goals": [
            {
                "key": g.key,
                "position": g.position,
                "description": g.description,
                "measure": g.measure,
                "target_date": g.target_date,
                "steps": g.steps,
            }
            for g in plan.goals.all()
        ],
        "row_version": plan.row_version,
        "change_summary": plan.change_summary,
        "worker_signed_at": plan.worker_signed_at,
        "worker_signed_by": str(plan.worker_signed_by) if plan.worker_signed_by_id else None,
        "person_signed_how": plan.person_signed_how,
        "person_signed_on": plan.person_signed_on,
        "differs_from_referral": plan.differs_from_referral,
        "differs_note": plan.differs_note,
    }


def _acting(request, episode_id, action):
    return access.get_episode_for(request.auth, episode_id, action)


def _current_draft(episode):
    plan = selectors.current_plan(episode)
    if plan is None or plan.status != "draft":
        raise Http404
    return plan


@router.get(
    "/{episode_id}/plan",
    response=responses({200: PlanSummaryOut}),
    summary="The episode's current plan (the draft, else the signed one) and every version",
)
def plans_get(request, episode_id: PathId):
    episode = access.get_episode(request.auth, episode_id)
    found = selectors.versions(episode)
    current = selectors.current_plan(episode)
    return {
        "current": _plan_out(current) if current else None,
        "versions": [
            {
                "version": p.version,
                "status": p.status,
                "created_at": p.created_at,
                "goals": len(p.goals.all()),
            }
            for p in found
        ],
    }


@router.get(
    "/{episode_id}/plan/versions/{version}",
    response=responses({200: PlanOut}),
    summary="One version of the plan",
)
def plans_version(request, episode_id: PathId, version: Version):
    episode = access.get_episode(request.auth, episode_id)
    return _plan_out(selectors.get_version(episode, version))


@router.put(
    "/{episode_id}/plan",
    response=responses({200: PlanOut, 409: ConflictOut}),
    summary="Save the draft plan (the first save writes version 1); a stale row_version is a "
    "409 with the differences, and nothing is written",
)
def plans_save(request, episode_id: PathId, payload: PlanIn):
    episode = _acting(request, episode_id, "edit_plan")
    values = rules.PlanInput(
        goals=tuple(
            rules.GoalInput(
                description=g.description,
                measure=g.measure,
                target_date=g.target_date,
                steps=g.steps,
                key=g.key,
            )
            for g in payload.goals
        ),
        strengths=payload.strengths,
        own_strategies=payload.own_strategies,
        interventions=payload.interventions,
        resources=(),
        level=payload.level,
    )
    try:
        plan = services.save_draft(
            episode=episode,
            values=values,
            resource_ids=list(payload.resource_ids),
            row_version=payload.row_version,
            actor=request.auth,
            now=clock.now(),
        )
    except services.PlanChanged as exc:
        current = selectors.current_plan(episode)
        saved = selectors.as_input(current)
        sent = rules.PlanInput(**{**values.__dict__, "resources": saved.resources})
        rows = [r for r in selectors.compare(saved, sent) if r.changed]
        return Status(
            409,
            {
                "detail": exc.messages[0],
                "errors": [],
                "row_version": current.row_version if current else 0,
                "differences": [{"field": r.label, "saved": r.a, "sent": r.b} for r in rows],
            },
        )
    return _plan_out(selectors.get_version(episode, plan.version))


@router.post(
    "/{episode_id}/plan/sign-worker",
    response=responses({200: PlanOut, 409: ErrorOut}),
    summary="The worker signs the draft plan",
)
def plans_sign_worker(request, episode_id: PathId, payload: WorkerSignIn):
    episode = _acting(request, episode_id, "sign_plan")
    plan = _current_draft(episode)
    try:
        plan = services.sign_worker(
            episode=episode,
            plan=plan,
            row_version=payload.row_version,
            differs_from_referral=payload.differs_from_referral,
            differs_note=payload.differs_note,
            actor=request.auth,
            now=clock.now(),
        )
    except services.PlanChanged as exc:
        return Status(409, {"detail": exc.messages[0], "errors": []})
    return _plan_out(selectors.get_version(episode, plan.version))


@router.post(
    "/{episode_id}/plan/sign-paper",
    response=responses({200: PlanOut, 409: ErrorOut}),
    summary="Record that the person signed the draft plan on paper (a scan is uploaded on the "
    "page)",
)
def plans_sign_paper(request, episode_id: PathId, payload: PaperSignIn):
    episode = _acting(request, episode_id, "sign_plan")
    plan = _current_draft(episode)
    try:
        plan = services.record_paper_signature(
            episode=episode,
            plan=plan,
            signed_on=payload.signed_on,
            row_version=payload.row_version,
            actor=request.auth,
            now=clock.now(),
        )
    except services.PlanChanged as exc:
        return Status(409, {"detail": exc.messages[0], "errors": []})
    return _plan_out(selectors.get_version(episode, plan.version))
