"""The reviews actions on /api/v1/episodes/.

The same action functions and access door as the pages."""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from enablement.accounts import access
from enablement.api.schemas import Id, PathId, responses
from enablement.casework.rules import is_overdue
from enablement.core import clock
from enablement.core.limits import LONG_TEXT
from enablement.reviews import rules, selectors, services
from enablement.reviews.models import Extension, Review

router = Router(tags=["episodes"])


class ProgressIn(Schema):
    goal_id: Id
    level: str = Field(..., max_length=20, description="achieved, on_track, some or none")
    note: str = Field("", max_length=2000)


class ProgressOut(Schema):
    goal_id: int
    level: str
    note: str


class ReviewIn(Schema):
    held_on: date
    progress: list[ProgressIn] = Field(
        ..., max_length=100, description="One entry for every goal of the current plan"
    )
    engagement: str = Field(..., max_length=20, description="good, partial or poor")
    participants: str = Field(..., max_length=2000, description="Who took part")
    summary: str = Field(..., max_length=LONG_TEXT)
    plan_revision: str = Field("", max_length=LONG_TEXT)
    plan_changes: bool = Field(False, description="Make a new version of the plan to sign")
    issues_for_social_worker: str = Field(
        "", max_length=LONG_TEXT, description="Sent to the named social worker and the senior"
    )


class ReviewOut(Schema):
    id: int
    kind: str
    week: int | None
    due_on: date
    held_on: date | None
    overdue: bool
    engagement: str
    participants: str
    summary: str
    plan_revision: str
    new_plan_id: int | None
    issues_for_social_worker: str
    progress: list[ProgressOut]


class ExtensionIn(Schema):
    weeks: int = Field(..., ge=0, le=52)
    reasons: str = Field(..., max_length=LONG_TEXT)
    evidence: str = Field(
        ..., max_length=LONG_TEXT, description="Why the extra time will meet the goals"
    )


class DiscussIn(Schema):
    note: str = Field(..., max_length=LONG_TEXT)


class DecideIn(Schema):
    approve: bool
    note: str = Field("", max_length=LONG_TEXT, description="Needed to refuse")
    agreed_with: str = Field(
        "",
        max_length=200,
        description="The occupational therapy assessment manager agreeing, where the "
        "service's chain asks for one",
    )


class ExtensionOut(Schema):
    id: int
    weeks: int
    status: str
    reasons: str
    evidence: str
    next_step: str | None = Field(description="Who takes the next step, while it waits")
    discussion_note: str
    decision_note: str
    agreed_with: str
    planned_end_before: date | None
    planned_end_after: date | None


def _review_out(review, today) -> dict:
    return {
        "id": review.pk,
        "kind": review.kind,
        "week": review.week,
        "due_on": review.due_on,
        "held_on": review.held_on,
        "overdue": not review.is_held and is_overdue(review.due_on, today),
        "engagement": review.engagement,
        "participants": review.participants,
        "summary": review.summary,
        "plan_revision": review.plan_revision,
        "new_plan_id": review.new_plan_id,
        "issues_for_social_worker": review.issues_for_social_worker,
        "progress": [
            {"goal_id": p.goal_id, "level": p.level, "note": p.note} for p in review.progress.all()
        ],
    }


def _extension_out(extension, episode) -> dict:
    step = rules.waiting_step(episode.service_settings.extension_rule, extension.status)
    return {
        "id": extension.pk,
        "weeks": extension.weeks,
        "status": extension.status,
        "reasons": extension.reasons,
        "evidence": extension.evidence,
        "next_step": step.label if step else None,
        "discussion_note": extension.discussion_note,
        "decision_note": extension.decision_note,
        "agreed_with": extension.agreed_with,
        "planned_end_before": extension.planned_end_before,
        "planned_end_after": extension.planned_end_after,
    }


def _acting(request, episode_id, action):
    return access.get_episode_for(request.auth, episode_id, action)


def _record(request, episode, review, payload: ReviewIn):
    saved = services.record_review(
        episode=episode,
        review=review,
        values={
            "held_on": payload.held_on,
            "engagement": payload.engagement,
            "participants": payload.participants,
            "summary": payload.summary,
            "plan_revision": payload.plan_revision,
            "plan_changes": payload.plan_changes,
            "issues_for_social_worker": payload.issues_for_social_worker,
        },
        progress={p.goal_id: (p.level, p.note) for p in payload.progress},
        actor=request.auth,
        now=clock.now(),
    )
    return _review_out(saved, clock.today())


@router.get(
    "/{episode_id}/reviews",
    response=responses({200: list[ReviewOut]}),
    summary="The episode's reviews, scheduled and held, with progress on each goal",
)
def reviews_list(request, episode_id: PathId):
    episode = access.get_episode(request.auth, episode_id)
    today = clock.today()
    return [
        _review_out(r, today)
        for r in selectors.episode_reviews(episode).prefetch_related("progress")
    ]


@router.post(
    "/{episode_id}/reviews",
    response=responses({201: ReviewOut}),
    summary="Record a review that was not on the schedule",
)
def reviews_add(request, episode_id: PathId, payload: ReviewIn):
    episode = _acting(request, episode_id, "record_review")
    return Status(201, _record(request, episode, None, payload))


@router.post(
    "/{episode_id}/reviews/{review_id}",
    response=responses({200: ReviewOut}),
    summary="Record a scheduled review: progress on every goal, engagement, who took part",
)
def reviews_record(request, episode_id: PathId, review_id: PathId, payload: ReviewIn):
    episode = _acting(request, episode_id, "record_review")
    review = get_object_or_404(Review, pk=review_id, episode=episode)
    return _record(request, episode, review, payload)


@router.post(
    "/{episode_id}/extensions",
    response=responses({201: ExtensionOut}),
    summary="Ask for an extension: refused beyond the service's maximum",
)
def reviews_request_extension(request, episode_id: PathId, payload: ExtensionIn):
    episode = _acting(request, episode_id, "request_extension")
    extension = services.request_extension(
        episode=episode,
        weeks=payload.weeks,
        reasons=payload.reasons,
        evidence=payload.evidence,
        actor=request.auth,
        now=clock.now(),
    )
    return Status(201, _extension_out(extension, episode))


def _waiting(request, episode_id, extension_id, kind):
    """The episode and the request, if the request waits for a step of `kind` that this
    user may take: 404 if they cannot see it, 403 if the step is not theirs."""
    episode = access.get_episode(request.auth, episode_id)
    extension = get_object_or_404(Extension, pk=extension_id, episode=episode)
    chain = rules.approval_steps(episode.service_settings.extension_rule)
    step = next((s for s in chain if s.kind == kind), None)
    if step is not None and not access.may_act_on_episode(request.auth, episode, step.action):
        raise PermissionDenied
    return episode, extension


@router.post(
    "/{episode_id}/extensions/{extension_id}/discuss",
    response=responses({200: ExtensionOut}),
    summary="The senior's discussion of an extension request, where the chain has one",
)
def reviews_discuss_extension(
    request, episode_id: PathId, extension_id: PathId, payload: DiscussIn
):
    episode, extension = _waiting(request, episode_id, extension_id, rules.DISCUSS)
    done = services.discuss_extension(
        extension=extension, note=payload.note, actor=request.auth, now=clock.now()
    )
    return _extension_out(done, episode)


@router.post(
    "/{episode_id}/extensions/{extension_id}/decide",
    response=responses({200: ExtensionOut}),
    summary="Approve or refuse an extension: only an approval moves the planned end",
)
def reviews_decide_extension(request, episode_id: PathId, extension_id: PathId, payload: DecideIn):
    episode, extension = _waiting(request, episode_id, extension_id, rules.DECIDE)
    done = services.decide_extension(
        extension=extension,
        approve=payload.approve,
        note=payload.note,
        agreed_with=payload.agreed_with,
        actor=request.auth,
        now=clock.now(),
    )
    return _extension_out(done, episode)
