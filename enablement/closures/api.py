"""The closures actions on /api/v1/episodes/.

The same action functions and access door as the pages."""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Field, Router, Schema, Status

from enablement.accounts import access
from enablement.api.schemas import Id, PathId, responses
from enablement.closures import services
from enablement.closures.models import Closure, ClosureDispute, EvaluationOffer, GoalResult
from enablement.core import clock
from enablement.core.limits import LONG_TEXT

router = Router(tags=["episodes"])


class GoalOutcomeIn(Schema):
    goal_id: Id
    result: GoalResult
    note: str = Field("", max_length=2000)


class ClosureIn(Schema):
    reason: str = Field(..., max_length=40, description="One of the service's closure reasons")
    discussed_with_senior: bool = Field(
        False, description="Needed for 'not making adequate progress'"
    )
    discussion_note: str = Field("", max_length=LONG_TEXT)
    outcomes: list[GoalOutcomeIn] = Field(
        [], max_length=200, description="One per goal of the current plan"
    )
    recommendations: str = Field("", max_length=LONG_TEXT)
    further_needs: str = Field(
        "", max_length=LONG_TEXT, description="Passed to the named social worker"
    )
    completed_with_person: bool
    evaluation_offer: EvaluationOffer
    sequel: str = Field(
        "", max_length=30, description="What follows the enablement (returns.vocab.EventOutcome)"
    )
    employment_status: str = Field("", max_length=30, description="At closure")
    accommodation_status: str = Field("", max_length=30, description="At closure")


class GoalOutcomeOut(Schema):
    goal_id: int
    goal: str
    result: str
    note: str


class ClosureOut(Schema):
    id: int
    episode_id: int
    episode_status: str
    reason: str
    reason_label: str
    status: str
    proposed_at: datetime
    decided_at: datetime | None
    decision_note: str
    outcomes: list[GoalOutcomeOut]
    recommendations: str
    further_needs: str
    completed_with_person: bool
    evaluation_offer: str
    sequel: str
    employment_status: str
    accommodation_status: str


class NotAgreeIn(Schema):
    note: str = Field(..., max_length=LONG_TEXT, description="Why the senior does not agree")


class DisputeIn(Schema):
    raised_by_name: str = Field(..., max_length=200, description="Who disputes the closure")
    grounds: str = Field(..., max_length=LONG_TEXT)


class AnswerIn(Schema):
    answer: str = Field(..., max_length=LONG_TEXT)
    upheld: bool = Field(..., description="True: the closure stands; false: it is overturned")


class EscalateIn(Schema):
    grounds: str = Field(..., max_length=LONG_TEXT, description="Why the disputer is not satisfied")


class DisputeOut(Schema):
    id: int
    episode_id: int
    level: str
    raised_by_name: str
    grounds: str
    raised_at: datetime
    answer: str
    upheld: bool | None
    answered_at: datetime | None


def _episode(request, episode_id: int, action: str):
    return access.get_episode_for(request.auth, episode_id, action)


def _closure_out(closure: Closure, episode) -> dict:
    outcomes = closure.goal_outcomes.select_related("goal").order_by("goal__position")
    return {
        "id": closure.pk,
        "episode_id": episode.pk,
        "episode_status": episode.status,
        "reason": closure.reason,
        "reason_label": services.reason_label(closure.reason),
        "status": closure.status,
        "proposed_at": closure.proposed_at,
        "decided_at": closure.decided_at,
        "decision_note": closure.decision_note,
        "outcomes": [
            {"goal_id": o.goal_id, "goal": o.goal.description, "result": o.result, "note": o.note}
            for o in outcomes
        ],
        "recommendations": closure.recommendations,
        "further_needs": closure.further_needs,
        "completed_with_person": closure.completed_with_person,
        "evaluation_offer": closure.evaluation_offer,
        "sequel": closure.sequel,
        "employment_status": closure.employment_status,
        "accommodation_status": closure.accommodation_status,
    }


def _dispute_out(d: ClosureDispute) -> dict:
    return {
        "id": d.pk,
        "episode_id": d.episode_id,
        "level": d.level,
        "raised_by_name": d.raised_by_name,
        "grounds": d.grounds,
        "raised_at": d.raised_at,
        "answer": d.answer,
        "upheld": d.upheld,
        "answered_at": d.answered_at,
    }


@router.post(
    "/{episode_id}/closure",
    response=responses({201: ClosureOut}),
    summary="Propose closure with the outcomes and recommendations form",
)
def closures_propose(request, episode_id: PathId, payload: ClosureIn):
    episode = _episode(request, episode_id, "propose_closure")
    closure = services.propose_closure(
        episode=episode,
        reason=payload.reason,
        discussed_with_senior=payload.discussed_with_senior,
        discussion_note=payload.discussion_note,
        outcomes={o.goal_id: (o.result.value, o.note) for o in payload.outcomes},
        recommendations=payload.recommendations,
        further_needs=payload.further_needs,
        completed_with_person=payload.completed_with_person,
        evaluation_offer=payload.evaluation_offer.value,
        sequel=payload.sequel,
        employment_status=payload.employment_status,
        accommodation_status=payload.accommodation_status,
        actor=request.auth,
        now=clock.now(),
    )
    return Status(201, _closure_out(closure, episode))


@router.post(
    "/{episode_id}/closure/agree",
    response=responses({200: ClosureOut}),
    summary="The senior agrees the proposed closure: the episode closes to this service",
)
def closures_agree(request, episode_id: PathId):
    episode = _episode(request, episode_id, "agree_closure")
    closure = services.agree_closure(episode=episode, actor=request.auth, now=clock.now())
    return _closure_out(closure, episode)


@router.post(
    "/{episode_id}/closure/not-agree",
    response=responses({200: ClosureOut}),
    summary="The senior does not agree the proposed closure: the enablement continues",
)
def closures_not_agree(request, episode_id: PathId, payload: NotAgreeIn):
    episode = _episode(request, episode_id, "agree_closure")
    closure = services.not_agree_closure(
        episode=episode, note=payload.note, actor=request.auth, now=clock.now()
    )
    return _closure_out(closure, episode)


@router.post(
    "/{episode_id}/disputes",
    response=responses({201: DisputeOut}),
    summary="Record a dispute of a closure: the senior answers first",
)
def closures_dispute(request, episode_id: PathId, payload: DisputeIn):
    episode = _episode(request, episode_id, "record_dispute")
    dispute = services.record_dispute(
        episode=episode,
        raised_by_name=payload.raised_by_name,
        grounds=payload.grounds,
        actor=request.auth,
        now=clock.now(),
    )
    return Status(201, _dispute_out(dispute))


def _step(request, episode_id: int, dispute_id: int):
    episode = access.get_episode(request.auth, episode_id)
    step = ClosureDispute.objects.filter(episode=episode, pk=dispute_id).first()
    if step is None:
        raise Http404
    return episode, step


@router.post(
    "/{episode_id}/disputes/{dispute_id}/answer",
    response=responses({200: DisputeOut}),
    summary="Answer a step of a disputed closure at its level",
)
def closures_answer_dispute(request, episode_id: PathId, dispute_id: PathId, payload: AnswerIn):
    episode, step = _step(request, episode_id, dispute_id)
    if not access.may_act_on_episode(request.auth, episode, f"answer_dispute_{step.level}"):
        raise PermissionDenied
    dispute = services.answer_dispute(
        episode=episode,
        dispute_id=step.pk,
        answer=payload.answer,
        upheld=payload.upheld,
        actor=request.auth,
        now=clock.now(),
    )
    return _dispute_out(dispute)


@router.post(
    "/{episode_id}/disputes/{dispute_id}/escalate",
    response=responses({201: DisputeOut}),
    summary="The disputer is not satisfied: escalate to the next level",
)
def closures_escalate_dispute(request, episode_id: PathId, dispute_id: PathId, payload: EscalateIn):
    episode, step = _step(request, episode_id, dispute_id)
    if not access.may_act_on_episode(request.auth, episode, "record_dispute"):
        raise PermissionDenied
    dispute = services.escalate_dispute(
        episode=episode,
        dispute_id=step.pk,
        grounds=payload.grounds,
        actor=request.auth,
        now=clock.now(),
    )
    return Status(201, _dispute_out(dispute))
