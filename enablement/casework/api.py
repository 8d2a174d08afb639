"""The casework actions on /api/v1/episodes/: before the start, the start, a hold.

The same action functions and access door as the pages: 404 for an episode the user may
not see, 403 for one they see but may not act on, 400 with field errors from the action."""

from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from enablement.accounts import access
from enablement.api.schemas import PathId, responses
from enablement.casework import services
from enablement.casework.models import EpisodeHold, SafetyIssue
from enablement.core import clock
from enablement.core.limits import LONG_TEXT

router = Router(tags=["episodes"])


class HoldOut(Schema):
    id: int
    concern: str
    started_on: date
    expires_on: date = Field(description="The social worker may answer until the end of it")
    status_before: str
    answered_at: datetime | None
    answer: str
    expired_at: datetime | None


class EpisodeSummaryOut(Schema):
    id: int
    referral_id: int
    reference: str
    person_name: str
    service: str
    team: str
    worker: str
    status: str
    status_label: str
    risk_reviewed_at: datetime | None
    started_on: date | None
    planned_end: date | None
    next_review_due: date | None
    chargeable_from: date | None
    support_ends_by: date | None
    extended_weeks: int
    open_hold: HoldOut | None


class MeetingOut(Schema):
    id: int
    episode_id: int
    held_on: date
    outcome: str
    needs_raised: list[str]
    episode_status: str


class SafetyIssueOut(Schema):
    id: int
    episode_id: int
    kind: str
    description: str
    raised_at: datetime
    resolved_at: datetime | None
    resolution: str


class MeetingIn(Schema):
    held_on: date
    attendees: str = Field(..., max_length=2000)
    joint_visit: bool = False
    joint_visit_with: str = Field("", max_length=200)
    carer_need: bool = False
    advocacy_need: bool = False
    capacity_need: bool = False
    safeguarding_need: bool = False
    needs_note: str = Field("", max_length=LONG_TEXT)
    outcome: str = Field(..., max_length=20, description="ready, unsafe or joint_working")
    employment_status: str = Field("", max_length=30, description="At the start")
    accommodation_status: str = Field("", max_length=30, description="At the start")


class SafetyIssueIn(Schema):
    kind: str = Field(..., max_length=30, description="access, unsafe_condition, substances, other")
    description: str = Field(..., max_length=LONG_TEXT)


class ResolveIn(Schema):
    resolution: str = Field(..., max_length=LONG_TEXT)


class StartIn(Schema):
    start_on: date


class HoldIn(Schema):
    concern: str = Field(..., max_length=LONG_TEXT)


class AnswerIn(Schema):
    answer: str = Field(..., max_length=LONG_TEXT)


def _hold(hold: EpisodeHold | None) -> dict | None:
    if hold is None:
        return None
    return {
        "id": hold.pk,
        "concern": hold.concern,
        "started_on": hold.started_on,
        "expires_on": hold.expires_on,
        "status_before": hold.status_before,
        "answered_at": hold.answered_at,
        "answer": hold.answer,
        "expired_at": hold.expired_at,
    }


def _summary(episode) -> dict:
    episode.refresh_from_db()
    hold = EpisodeHold.objects.filter(
        episode=episode, answered_at__isnull=True, expired_at__isnull=True
    ).first()
    return {
        "id": episode.pk,
        "referral_id": episode.referral_id,
        "reference": episode.referral.reference,
        "person_name": episode.person.full_name,
        "service": episode.service.name,
        "team": episode.team.name,
        "worker": str(episode.worker),
        "status": episode.status,
        "status_label": episode.get_status_display(),
        "risk_reviewed_at": episode.risk_reviewed_at,
        "started_on": episode.started_on,
        "planned_end": episode.planned_end,
        "next_review_due": episode.next_review_due,
        "chargeable_from": episode.chargeable_from,
        "support_ends_by": episode.support_ends_by,
        "extended_weeks": episode.extended_weeks,
        "open_hold": _hold(hold),
    }


def _issue(issue: SafetyIssue) -> dict:
    return {
        "id": issue.pk,
        "episode_id": issue.episode_id,
        "kind": issue.kind,
        "description": issue.description,
        "raised_at": issue.raised_at,
        "resolved_at": issue.resolved_at,
        "resolution": issue.resolution,
    }


def _acting(request, episode_id: int, action: str):
    return access.get_episode_for(request.auth, episode_id, action)


@router.get(
    "/{episode_id}",
    response=responses({200: EpisodeSummaryOut}),
    summary="An episode: who, its status and every clock, and an open hold",
)
def casework_episode(request, episode_id: PathId):
    return _summary(access.get_episode_summary(request.auth, episode_id))


@router.post(
    "/{episode_id}/risk-reviewed",
    response=responses({200: EpisodeSummaryOut}),
    summary="Record that the risk assessments and contact notes were reviewed",
)
def casework_risk_reviewed(request, episode_id: PathId):
    episode = _acting(request, episode_id, "review_risk")
    services.record_risk_review(episode=episode, actor=request.auth, now=clock.now())
    return _summary(episode)


@router.post(
    "/{episode_id}/planning-meeting",
    response=responses({201: MeetingOut}),
    summary="Record the planning meeting; 'unsafe' or 'joint_working' closes the episode "
    "not ready for enablement",
)
def casework_planning_meeting(request, episode_id: PathId, payload: MeetingIn):
    episode = _acting(request, episode_id, "record_meeting")
    meeting = services.record_planning_meeting(
        episode=episode, values=payload.dict(), actor=request.auth, now=clock.now()
    )
    episode.refresh_from_db(fields=["status"])
    return Status(
        201,
        {
            "id": meeting.pk,
            "episode_id": episode.pk,
            "held_on": meeting.held_on,
            "outcome": meeting.outcome,
            "needs_raised": [code for attr, code, _ in services.NEEDS if getattr(meeting, attr)],
            "episode_status": episode.status,
        },
    )


@router.post(
    "/{episode_id}/safety-issues",
    response=responses({201: SafetyIssueOut}),
    summary="Raise a health-and-safety issue with the named social worker; it blocks the start",
)
def casework_raise_safety_issue(request, episode_id: PathId, payload: SafetyIssueIn):
    episode = _acting(request, episode_id, "raise_safety_issue")
    issue = services.raise_safety_issue(
        episode=episode,
        kind=payload.kind,
        description=payload.description,
        actor=request.auth,
        now=clock.now(),
    )
    return Status(201, _issue(issue))


@router.post(
    "/{episode_id}/safety-issues/{issue_id}/resolve",
    response=responses({200: SafetyIssueOut}),
    summary="Resolve a health-and-safety issue",
)
def casework_resolve_safety_issue(
    request, episode_id: PathId, issue_id: PathId, payload: ResolveIn
):
    episode = _acting(request, episode_id, "resolve_safety_issue")
    issue = get_object_or_404(SafetyIssue, pk=issue_id, episode=episode)
    issue = services.resolve_safety_issue(
        issue=issue, resolution=payload.resolution, actor=request.auth, now=clock.now()
    )
    return _issue(issue)


@router.post(
    "/{episode_id}/start",
    response=responses({200: EpisodeSummaryOut}),
    summary="Start the enablement: every clock is written from the episode's settings",
)
def casework_start(request, episode_id: PathId, payload: StartIn):
    episode = _acting(request, episode_id, "start")
    services.start_enablement(
        episode=episode, start_on=payload.start_on, actor=request.auth, now=clock.now()
    )
    return _summary(episode)


@router.post(
    "/{episode_id}/holds",
    response=responses({201: HoldOut}),
    summary="Put the enablement on hold and ask the named social worker",
)
def casework_raise_hold(request, episode_id: PathId, payload: HoldIn):
    episode = _acting(request, episode_id, "raise_hold")
    hold = services.raise_episode_hold(
        episode=episode, concern=payload.concern, actor=request.auth, now=clock.now()
    )
    return Status(201, _hold(hold))


@router.post(
    "/{episode_id}/holds/{hold_id}/answer",
    response=responses({200: HoldOut}),
    summary="The named social worker answers the hold: the enablement carries on",
)
def casework_answer_hold(request, episode_id: PathId, hold_id: PathId, payload: AnswerIn):
    episode = access.get_episode_summary(request.auth, episode_id)
    if not access.may_act_on_episode(request.auth, episode, "answer_hold"):
        raise PermissionDenied
    hold = EpisodeHold.objects.filter(pk=hold_id, episode=episode).first()
    if hold is None:
        raise Http404
    hold = services.answer_episode_hold(
        hold=hold, answer=payload.answer, actor=request.auth, now=clock.now()
    )
    return _hold(hold)
