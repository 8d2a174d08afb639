"""Closure actions (seed 000 §8; seed 001 §13): one function per state change, each writing
the state, the event and the messages in one transaction, under the episode's lock.

- `propose_closure`: the worker, with a reason from the service's list and the outcomes and
  recommendations form completed with the person. The episode is "closure proposed" and the
  team's seniors are told.
- `agree_closure` / `not_agree_closure`: the senior. Agreement writes the final review (where
  the service holds one at closure), closes the episode to this service only
  (`casework.services.close_episode`) and passes the further needs and recommendations to
  the named social worker. A closure not agreed returns the episode to where it was.
- `record_dispute`, `answer_dispute`, `escalate_dispute`: a disputed closure, answered by
  the senior, then the provision manager, then the quality and enablement service manager.
  A closure overturned is recorded and told; the episode is not reopened by the system.
"""

from collections.abc import Mapping
from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from enablement.accounts.roles import ROLES, Role
from enablement.casework.models import Episode, EpisodeStatus
from enablement.casework.services import close_episode, lock_episode
from enablement.catalogue.vocab import ClosureReason
from enablement.closures import rules, selectors
from enablement.closures.models import (
    Closure,
    ClosureDispute,
    ClosureStatus,
    DisputeLevel,
    EvaluationOffer,
    GoalOutcome,
    GoalResult,
)
from enablement.core.limits import refuse_too_long
from enablement.governance.services import record_event
from enablement.notifications.services import notify
from enablement.returns.vocab import (
    SEQUELS_AT_CLOSURE,
    AccommodationStatus,
    EmploymentStatus,
)

REASON_LABELS = dict(ClosureReason.choices)
RESULT_LABELS = dict(GoalResult.choices)
LEVEL_LABELS = dict(DisputeLevel.choices)
# Goal results as a final review's progress levels (reviews.GoalProgressLevel).
_PROGRESS = {"achieved": "achieved", "partly": "some", "not": "none"}


def reason_label(reason: str) -> str:
    return REASON_LABELS.get(reason, reason)


def _people_with(role: Role, **staff_filter) -> list:
    group = Group.objects.filter(name=ROLES[role].group)
    users = get_user_model().objects.filter(is_active=True, groups__in=group)
    if staff_filter:
        users = users.filter(**{f"staff__{k}": v for k, v in staff_filter.items()})
    return list(users.distinct())


def team_seniors(episode: Episode) -> list:
    return _people_with(Role.SENIOR, team=episode.team_id)


def level_people(episode: Episode, level: str) -> list:
    """Who answers a dispute step at this level."""
    if level == DisputeLevel.SENIOR:
        return team_seniors(episode)
    if level == DisputeLevel.PROVISION_MANAGER:
        return _people_with(Role.PROVISION_MANAGER, services=episode.service_id)
    return _people_with(Role.QUALITY_MANAGER)


def _event(episode: Episode, *, kind: str, summary: str, actor, now, data=None) -> None:
    record_event(
        kind=kind,
        summary=f"{episode.referral.reference}: {summary}",
        actor=actor,
        now=now,
        person=episode.person,
        service=episode.service,
        referral=episode.referral,
        episode=episode,
        data=data or {},
    )


def _tell(users, episode: Episode, subject: str, body: str, now) -> None:
    notify(
        users=users,
        subject=f"Referral {episode.referral.reference}: {subject}",
        body=body,
        now=now,
        referral=episode.referral,
    )


def outcomes_in_words(closure: Closure, outcomes=None) -> str:
    """The outcomes and recommendations form as a social worker or screener reads it."""
    outcomes = list(closure.goal_outcomes.all()) if outcomes is None else outcomes
    lines = []
    for outcome in outcomes:
        line = f"{outcome.goal.description}: {RESULT_LABELS.get(outcome.result, '').lower()}"
        if outcome.note:
            line += f". {outcome.note}"
        lines.append(line)
    if closure.recommendations:
        lines.append(f"Recommendations: {closure.recommendations}")
    if closure.further_needs:
        lines.append(f"Further care and support needs: {closure.further_needs}")
    return "\n".join(lines)


@transaction.atomic
def propose_closure(
    *,
    episode: Episode,
    reason: str,
    discussion_note: str = "",
    discussed_with_senior: bool = False,
    outcomes: Mapping[int, tuple[str, str]] | None = None,
    recommendations: str = "",
    further_needs: str = "",
    completed_with_person: bool,
    evaluation_offer: str,
    sequel: str = "",
    employment_status: str = "",
    accommodation_status: str = "",
    actor,
    now: datetime,
) -> Closure:
    """The worker proposes closure with the outcomes and recommendations form.

    `outcomes` maps each goal of the current plan (by id) to (result, note)."""
    locked = lock_episode(episode)
    if locked.status == EpisodeStatus.CLOSING:
        raise ValidationError({"__all__": "A closure is already waiting for the senior"})
    if locked.status not in rules.OPEN_BEFORE_CLOSING:
        if locked.status == EpisodeStatus.ON_HOLD:
            raise ValidationError(
                {
                    "__all__": "The enablement is on hold waiting for the social worker: "
                    "propose closure once the hold is answered"
                }
            )
        raise ValidationError({"__all__": "This enablement has already closed"})
    outcomes = dict(outcomes or {})
    discussion_note = discussion_note.strip()
    recommendations, further_needs = recommendations.strip(), further_needs.strip()
    problems: dict[str, str] = {}
    problem = rules.reason_problem(
        reason,
        locked.service_settings.closure_reasons,
        discussed_with_senior=discussed_with_senior,
    )
    if problem:
        # A listed reason refused only for want of the senior's discussion: the checkbox.
        listed = reason in (locked.service_settings.closure_reasons or ())
        needs_discussion = listed and reason == rules.INADEQUATE_PROGRESS
        problems["discussed_with_senior" if needs_discussion else "reason"] = problem
    if reason == rules.INADEQUATE_PROGRESS and discussed_with_senior and not discussion_note:
        problems["discussion_note"] = "Say what was discussed with the senior"
    if evaluation_offer not in EvaluationOffer.values:
        problems["evaluation_offer"] = "Select how the evaluation was offered"
    # Optional here (a caller of the API from before may leave them out; the page asks for
    # them), but never outside their lists.
    if sequel and sequel not in SEQUELS_AT_CLOSURE:
        problems["sequel"] = "Select what follows the enablement from the list"
    if employment_status and employment_status not in EmploymentStatus.values:
        problems["employment_status"] = "Select the person's employment from the list"
    if accommodation_status and accommodation_status not in AccommodationStatus.values:
        problems["accommodation_status"] = "Select the person's accommodation from the list"
    goals = selectors.current_goals(locked)
    goal_ids = [g.pk for g in goals]
    results = {gid: (value[0] or "") for gid, value in outcomes.items()}
    for key, message in rules.outcome_problems(goal_ids, results, reason=reason).items():
        problems.setdefault("reason" if key == "reason" else f"goal_{key}", message)
    for gid, (_, note) in outcomes.items():
        if note and len(note) > 2000:
            problems[f"goal_{gid}_note"] = "The note must be 2,000 characters or fewer"
    if problems:
        raise ValidationError(problems)
    if discussed_with_senior:
        discussion_note = f"Discussed with the senior. {discussion_note}".strip()
    refuse_too_long(
        Closure,
        {
            "discussion_note": discussion_note,
            "recommendations": recommendations,
            "further_needs": further_needs,
        },
    )
    try:
        with transaction.atomic():
            closure = Closure.objects.create(
                episode=locked,
                reason=reason,
                status=ClosureStatus.PROPOSED,
                proposed_at=now,
                proposed_by=actor,
                discussion_note=discussion_note,
                recommendations=recommendations,
                further_needs=further_needs,
                completed_with_person=completed_with_person,
                evaluation_offer=evaluation_offer,
                sequel=sequel,
                employment_status=employment_status,
                accommodation_status=accommodation_status,
            )
    except IntegrityError as exc:
        raise ValidationError({"__all__": "A closure is already waiting for the senior"}) from exc
    GoalOutcome.objects.bulk_create(
        GoalOutcome(
            closure=closure, goal=goal, result=outcomes[goal.pk][0], note=outcomes[goal.pk][1]
        )
        for goal in goals
    )
    locked.status = EpisodeStatus.CLOSING
    locked.row_version += 1
    locked.save(update_fields=["status", "row_version"])
    episode.status, episode.row_version = locked.status, locked.row_version
    label = reason_label(reason)
    _event(
        locked,
        kind="closure.proposed",
        summary=f"closure proposed by {actor}: {label.lower()}",
        actor=actor,
        now=now,
        data={"closure": closure.pk, "reason": reason, "goals": len(goals), "sequel": sequel},
    )
    _tell(
        team_seniors(locked),
        locked,
        "closure to agree",
        f"{actor} proposes closing {locked.person.full_name}'s enablement: {label.lower()}. "
        "Open the episode to agree the closure or not.",
        now,
    )
    return closure


def _open_closure(episode: Episode) -> Closure:
    closure = (
        Closure.objects.select_for_update()
        .filter(episode=episode, status=ClosureStatus.PROPOSED)
        .first()
    )
    if closure is None:
        raise ValidationError({"__all__": "No closure is waiting for the senior's decision"})
    return closure


@transaction.atomic
def agree_closure(*, episode: Episode, actor, now: datetime) -> Closure:
    """The senior agrees: the final review (if the service holds one at closure), the
    episode closed to this service only, the further needs and recommendations to the
    named social worker."""
    locked = lock_episode(episode)
    closure = _open_closure(locked)
    outcomes = list(closure.goal_outcomes.select_related("goal").order_by("goal__position"))
    words = outcomes_in_words(closure, outcomes)
    label = reason_label(closure.reason)
    closure.status = ClosureStatus.AGREED
    closure.decided_at, closure.decided_by = now, actor
    closure.save(update_fields=["status", "decided_at", "decided_by"])
    if locked.service_settings.final_review_at_closure:
        _final_review(locked, closure, outcomes, words, actor=actor, now=now)
    close_episode(
        episode=locked,
        reason=closure.reason,
        summary=f"Closure proposed by {closure.proposed_by} and agreed by {actor}.",
        actor=actor,
        now=now,
        data={"closure": closure.pk},
    )
    episode.__dict__.update(
        {k: getattr(locked, k) for k in ("status", "closed_at", "closure_reason", "row_version")}
    )
    if closure.evaluation_offer == EvaluationOffer.LINK:
        # The single-use evaluation link goes out once the closure is agreed, not when it
        # is proposed: a closure the senior does not agree leaves the enablement running.
        from enablement.feedback.services import send_evaluation_links

        send_evaluation_links(episode=locked, actor=actor, now=now)
    referral = locked.referral
    _tell(
        [referral.named_social_worker or referral.referrer],
        locked,
        "further care and support needs after enablement",
        f"{locked.person.full_name}'s enablement with {locked.service.name} closed "
        f"({label.lower()}). The outcomes and recommendations form, completed "
        f"{'with' if closure.completed_with_person else 'without'} the person:\n\n"
        f"{words or 'No goals, recommendations or further needs were recorded.'}"
        # The form's words name the further needs when there are some; say when none were.
        + ("" if closure.further_needs else "\n\nFurther care and support needs: none identified."),
        now,
    )
    _tell(
        [closure.proposed_by, locked.worker.user],
        locked,
        "closure agreed",
        f"{actor} agreed the closure of {locked.person.full_name}'s enablement ({label.lower()}).",
        now,
    )
    _event(
        locked,
        kind="closure.agreed",
        summary=f"closure agreed by {actor}: {label.lower()}",
        actor=actor,
        now=now,
        data={"closure": closure.pk, "reason": closure.reason},
    )
    return closure


def _final_review(episode, closure, outcomes, words, *, actor, now) -> None:
    from enablement.reviews.models import GoalProgress, Review, ReviewKind

    today = timezone.localdate(now)
    summary = f"Final review at closure ({reason_label(closure.reason).lower()}).\n{words}"
    review = Review.objects.create(
        episode=episode,
        kind=ReviewKind.FINAL,
        due_on=today,
        held_on=today,
        summary=summary[:5000],
        participants="The person and the enablement worker"
        if closure.completed_with_person
        else "The enablement worker",
        recorded_at=now,
        recorded_by=actor,
    )
    GoalProgress.objects.bulk_create(
        GoalProgress(review=review, goal=o.goal, level=_PROGRESS[o.result], note=o.note)
        for o in outcomes
    )


@transaction.atomic
def not_agree_closure(*, episode: Episode, note: str, actor, now: datetime) -> Closure:
    """The senior does not agree: the episode returns to where it was; the worker is told."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "Say why you do not agree the closure"})
    refuse_too_long(Closure, {"decision_note": note}, names={"decision_note": "note"})
    locked = lock_episode(episode)
    closure = _open_closure(locked)
    closure.status = ClosureStatus.NOT_AGREED
    closure.decided_at, closure.decided_by, closure.decision_note = now, actor, note
    closure.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])
    locked.status = rules.status_after_not_agreed(locked.started_on is not None)
    locked.row_version += 1
    locked.save(update_fields=["status", "row_version"])
    episode.status, episode.row_version = locked.status, locked.row_version
    label = reason_label(closure.reason)
    _event(
        locked,
        kind="closure.not_agreed",
        summary=f"closure ({label.lower()}) not agreed by {actor}: {note}",
        actor=actor,
        now=now,
        data={"closure": closure.pk, "reason": closure.reason},
    )
    _tell(
        [closure.proposed_by, locked.worker.user],
        locked,
        "closure not agreed",
        f"{actor} did not agree closing {locked.person.full_name}'s enablement "
        f"({label.lower()}): {note} The enablement continues.",
        now,
    )
    return closure


def _chain(episode: Episode) -> list[ClosureDispute]:
    steps = list(ClosureDispute.objects.select_for_update().filter(episode=episode))
    steps.sort(key=lambda d: (d.raised_at, d.pk))
    levels = rules.current_chain([d.level for d in steps])
    return steps[len(steps) - len(levels) :]


@transaction.atomic
def record_dispute(
    *, episode: Episode, raised_by_name: str, grounds: str, actor, now: datetime
) -> ClosureDispute:
    """Someone disputes a closure: the senior answers first."""
    raised_by_name, grounds = (raised_by_name or "").strip(), (grounds or "").strip()
    problems = {}
    if not raised_by_name:
        problems["raised_by_name"] = "Enter who disputes the closure"
    if not grounds:
        problems["grounds"] = "Enter why they dispute the closure"
    if problems:
        raise ValidationError(problems)
    refuse_too_long(ClosureDispute, {"raised_by_name": raised_by_name, "grounds": grounds})
    locked = lock_episode(episode)
    if locked.status != EpisodeStatus.CLOSED or selectors.agreed_closure(locked) is None:
        raise ValidationError({"__all__": "Only an agreed closure can be disputed"})
    chain = _chain(locked)
    if chain and chain[-1].answered_at is None:
        raise ValidationError(
            {"__all__": "A dispute of this closure is already waiting for an answer"}
        )
    dispute = ClosureDispute.objects.create(
        episode=locked,
        level=DisputeLevel.SENIOR,
        raised_by_name=raised_by_name,
        grounds=grounds,
        raised_at=now,
        recorded_by=actor,
    )
    _event(
        locked,
        kind="closure.disputed",
        summary=f"closure disputed by {raised_by_name}: {grounds}",
        actor=actor,
        now=now,
        data={"dispute": dispute.pk, "level": dispute.level},
    )
    _tell(
        team_seniors(locked),
        locked,
        "closure disputed",
        f"{raised_by_name} disputes the closure of {locked.person.full_name}'s enablement: "
        f"{grounds} Answer the dispute on the episode page.",
        now,
    )
    return dispute


def _open_step(episode: Episode, dispute_id: int) -> tuple[ClosureDispute, list]:
    chain = _chain(episode)
    dispute = next((d for d in chain if d.pk == dispute_id), None)
    if dispute is None or dispute is not chain[-1]:
        raise ValidationError({"__all__": "This is not the latest step of the dispute"})
    return dispute, chain


@transaction.atomic
def answer_dispute(
    *, episode: Episode, dispute_id: int, answer: str, upheld: bool | None, actor, now: datetime
) -> ClosureDispute:
    """The answer at the step's level: the closure stands (upheld) or is overturned. An
    overturned closure is recorded and told; the episode is not reopened automatically."""
    answer = (answer or "").strip()
    problems = {}
    if not answer:
        problems["answer"] = "Enter the answer to the dispute"
    if upheld is None:
        problems["upheld"] = "Select whether the closure stands"
    if problems:
        raise ValidationError(problems)
    refuse_too_long(ClosureDispute, {"answer": answer})
    locked = lock_episode(episode)
    dispute, _ = _open_step(locked, dispute_id)
    if dispute.answered_at is not None:
        raise ValidationError({"__all__": "This step of the dispute has been answered"})
    dispute.answer, dispute.upheld = answer, upheld
    dispute.answered_at, dispute.answered_by = now, actor
    dispute.save(update_fields=["answer", "upheld", "answered_at", "answered_by"])
    level = LEVEL_LABELS[dispute.level]
    outcome = "the closure stands" if upheld else "the closure is overturned"
    _event(
        locked,
        kind="closure.dispute_answered",
        summary=f"dispute answered by {actor} ({level.lower()}): {outcome}. {answer}",
        actor=actor,
        now=now,
        data={"dispute": dispute.pk, "level": dispute.level, "upheld": upheld},
    )
    referral = locked.referral
    told = [dispute.recorded_by, locked.worker.user]
    if not upheld:
        _event(
            locked,
            kind="closure.overturned",
            summary=f"closure overturned by {actor} ({level.lower()}); the enablement is not "
            "reopened automatically",
            actor=actor,
            now=now,
            data={"dispute": dispute.pk, "level": dispute.level},
        )
        told += [*team_seniors(locked), referral.named_social_worker or referral.referrer]
    _tell(
        told,
        locked,
        "closure overturned" if not upheld else "closure dispute answered",
        f"{actor} ({level.lower()}) answered {dispute.raised_by_name}'s dispute of the closure "
        f"of {locked.person.full_name}'s enablement: {outcome}. {answer}"
        + (
            " The enablement is not reopened automatically: agree with the named social "
            "worker how support continues."
            if not upheld
            else ""
        ),
        now,
    )
    return dispute


@transaction.atomic
def escalate_dispute(
    *, episode: Episode, dispute_id: int, grounds: str, actor, now: datetime
) -> ClosureDispute:
    """The disputer is not satisfied with the answer: the next level answers."""
    grounds = (grounds or "").strip()
    if not grounds:
        raise ValidationError({"grounds": "Enter why they are not satisfied with the answer"})
    refuse_too_long(ClosureDispute, {"grounds": grounds})
    locked = lock_episode(episode)
    dispute, chain = _open_step(locked, dispute_id)
    if dispute.answered_at is None:
        raise ValidationError({"__all__": "This step has not been answered yet"})
    if not dispute.upheld:
        raise ValidationError(
            {"__all__": "The closure was overturned at this step: there is nothing to escalate"}
        )
    level = rules.next_dispute_level([d.level for d in chain])
    if level is None:
        raise ValidationError(
            {
                "__all__": "The quality and enablement service manager has answered: "
                "this is the last step of a disputed closure"
            }
        )
    step = ClosureDispute.objects.create(
        episode=locked,
        level=level,
        raised_by_name=dispute.raised_by_name,
        grounds=grounds,
        raised_at=now,
        recorded_by=actor,
    )
    label = LEVEL_LABELS[level]
    _event(
        locked,
        kind="closure.dispute_escalated",
        summary=f"dispute escalated to the {label.lower()}: {grounds}",
        actor=actor,
        now=now,
        data={"dispute": step.pk, "level": level},
    )
    _tell(
        level_people(locked, level),
        locked,
        "closure dispute escalated to you",
        f"{dispute.raised_by_name} is not satisfied with the answer to their dispute of the "
        f"closure of {locked.person.full_name}'s enablement: {grounds} Answer it on the "
        "episode page.",
        now,
    )
    return step
