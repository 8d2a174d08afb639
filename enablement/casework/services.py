"""Actions on an episode: one function per state change, each writing the state, the
event and the messages in one transaction. The parts of the enablement that live in other
apps (plans, visits, reviews, closures) end an episode through `close_episode` and move its
review clock through `refresh_next_review`, so an episode closes and is dated one way.
"""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from enablement.casework import rules
from enablement.casework.models import (
    OPEN_EPISODE_STATUSES,
    Episode,
    EpisodeHold,
    EpisodeStatus,
    MeetingOutcome,
    PlanningMeeting,
    SafetyIssue,
    SafetyIssueKind,
)
from enablement.core.batches import claim_batch
from enablement.core.dates import long_date
from enablement.core.limits import refuse_too_long
from enablement.core.workdays import ENGLAND_AND_WALES
from enablement.governance.services import record_event
from enablement.notifications.services import notify
from enablement.returns.vocab import AccommodationStatus, EmploymentStatus


def lock_episode(episode: Episode) -> Episode:
    """The episode re-read under a row lock: every action that changes an episode's state
    takes it first, so two people acting at once are serialised and the second sees the
    first's result."""
    locked = Episode.objects.select_for_update().get(pk=episode.pk)
    episode.status = locked.status
    episode.row_version = locked.row_version
    return locked


def refresh_next_review(episode: Episode) -> None:
    """Writes the earliest scheduled review not yet held onto the episode (or none)."""
    from enablement.reviews.models import Review, ReviewKind

    due = Review.objects.filter(
        episode=episode, kind=ReviewKind.SCHEDULED, held_on__isnull=True
    ).aggregate(due=Min("due_on"))["due"]
    Episode.objects.filter(pk=episode.pk).update(next_review_due=due)
    episode.next_review_due = due


@transaction.atomic
def close_episode(
    *, episode: Episode, reason: str, summary: str, actor, now: datetime, data: dict | None = None
) -> Episode:
    """Closes the episode to this service only: the person stays open to social care and
    to their named social worker. Tells the named social worker and the referrer."""
    locked = lock_episode(episode)
    if locked.status not in OPEN_EPISODE_STATUSES:
        raise ValidationError({"__all__": "This enablement has already closed"})
    from enablement.catalogue.vocab import ClosureReason

    locked.status = EpisodeStatus.CLOSED
    locked.closed_at = now
    locked.closure_reason = reason
    locked.next_review_due = None
    locked.row_version += 1
    locked.save(
        update_fields=["status", "closed_at", "closure_reason", "next_review_due", "row_version"]
    )
    episode.__dict__.update(
        {k: getattr(locked, k) for k in ("status", "closed_at", "closure_reason", "row_version")}
    )
    label = dict(ClosureReason.choices).get(reason, reason)
    referral = locked.referral
    record_event(
        kind="episode.closed",
        summary=f"{referral.reference}: enablement closed ({label.lower()}). {summary}",
        actor=actor,
        now=now,
        person=locked.person,
        service=locked.service,
        referral=referral,
        episode=locked,
        data={"reason": reason, **(data or {})},
    )
    notify(
        users=[referral.named_social_worker, referral.referrer],
        subject=f"Referral {referral.reference}: enablement closed",
        body=f"{locked.person.full_name}'s enablement with {locked.service.name} has closed: "
        f"{label.lower()}. {summary} The person stays open to you; this closes them to "
        f"{locked.service.name} only.",
        referral=referral,
        now=now,
    )
    return locked


# --- Before the start, the start, and a hold during the enablement --------------------------
# (seed 000 §6.2, §7; seed 001 §9, §10)


NEEDS = (
    ("carer_need", "carer", "Carer's needs"),
    ("advocacy_need", "advocacy", "Advocacy"),
    ("capacity_need", "capacity", "Mental capacity"),
    ("safeguarding_need", "safeguarding", "Safeguarding"),
)


def _social_worker(referral):
    """Who answers for the person: the named social worker, else the referrer."""
    return referral.named_social_worker or referral.referrer


def _event(episode: Episode, kind: str, summary: str, actor, now, data=None):
    return record_event(
        kind=kind,
        summary=summary,
        actor=actor,
        now=now,
        person=episode.person,
        service=episode.service,
        referral=episode.referral,
        episode=episode,
        data=data or {},
    )


def _require_status(episode: Episode, *statuses, message: str) -> None:
    if episode.status not in statuses:
        raise ValidationError({"__all__": message})


def _bump(locked: Episode, episode: Episode, *fields) -> None:
    locked.row_version += 1
    locked.save(update_fields=[*fields, "row_version"])
    for name in (*fields, "row_version"):
        setattr(episode, name, getattr(locked, name))


@transaction.atomic
def record_risk_review(*, episode: Episode, actor, now: datetime) -> Episode:
    """The worker reviewed the risk assessments and contact notes before the first visit."""
    locked = lock_episode(episode)
    _require_status(
        locked,
        EpisodeStatus.PLANNING,
        message="The risk review is recorded before the enablement starts",
    )
    if locked.risk_reviewed_at is not None:
        raise ValidationError({"__all__": "The risk review has already been recorded"})
    locked.risk_reviewed_at, locked.risk_reviewed_by = now, actor
    _bump(locked, episode, "risk_reviewed_at", "risk_reviewed_by")
    _event(
        locked,
        "episode.risk_reviewed",
        f"{locked.referral.reference}: risk assessments and contact notes reviewed",
        actor,
        now,
    )
    return episode


@transaction.atomic
def record_planning_meeting(*, episode: Episode, values: dict, actor, now: datetime):
    """The face-to-face planning meeting. Each need identified is raised with the named
    social worker (one message listing them, one event each). "Unsafe to start" or "joint
    working for the whole period" closes the episode not ready for enablement."""
    locked = lock_episode(episode)
    _require_status(
        locked,
        EpisodeStatus.PLANNING,
        message="The planning meeting is recorded before the enablement starts",
    )
    if PlanningMeeting.objects.filter(episode=locked).exists():
        raise ValidationError({"__all__": "The planning meeting has already been recorded"})
    refuse_too_long(
        PlanningMeeting,
        {
            k: values.get(k, "")
            for k in ("attendees", "joint_visit_with", "needs_note")
            if isinstance(values.get(k, ""), str)
        },
    )
    today = timezone.localdate(now)
    problems = rules.meeting_problems(
        held_on=values.get("held_on"),
        today=today,
        risk_reviewed=locked.risk_reviewed_at is not None,
        allocated_on=timezone.localdate(locked.allocated_at),
    )
    if not values.get("held_on"):
        problems.setdefault("held_on", "Enter the date of the planning meeting")
    if not (values.get("attendees") or "").strip():
        problems["attendees"] = "Enter who attended the planning meeting"
    if values.get("joint_visit") and not (values.get("joint_visit_with") or "").strip():
        problems["joint_visit_with"] = (
            "Enter the social worker or social work assistant the visit was held with"
        )
    if values.get("outcome") not in MeetingOutcome.values:
        problems["outcome"] = "Select the outcome of the planning meeting"
    # Asked on the page; optional to the API's older callers, never outside the lists.
    if values.get("employment_status") not in ("", None, *EmploymentStatus.values):
        problems["employment_status"] = "Select the person's employment from the list"
    if values.get("accommodation_status") not in ("", None, *AccommodationStatus.values):
        problems["accommodation_status"] = "Select the person's accommodation from the list"
    if problems:
        raise ValidationError(problems)
    meeting = PlanningMeeting.objects.create(
        episode=locked,
        held_on=values["held_on"],
        attendees=values["attendees"].strip(),
        joint_visit=bool(values.get("joint_visit")),
        joint_visit_with=(values.get("joint_visit_with") or "").strip()
        if values.get("joint_visit")
        else "",
        carer_need=bool(values.get("carer_need")),
        advocacy_need=bool(values.get("advocacy_need")),
        capacity_need=bool(values.get("capacity_need")),
        safeguarding_need=bool(values.get("safeguarding_need")),
        needs_note=(values.get("needs_note") or "").strip(),
        outcome=values["outcome"],
        employment_status=values.get("employment_status") or "",
        accommodation_status=values.get("accommodation_status") or "",
        recorded_at=now,
        recorded_by=actor,
    )
    referral = locked.referral
    _event(
        locked,
        "episode.planning_meeting",
        f"{referral.reference}: planning meeting held {long_date(meeting.held_on)}: "
        f"{meeting.get_outcome_display().lower()}",
        actor,
        now,
        {"meeting": meeting.pk, "outcome": meeting.outcome},
    )
    needs = [(code, label) for attr, code, label in NEEDS if getattr(meeting, attr)]
    for code, label in needs:
        _event(
            locked,
            "episode.need_raised",
            f"{referral.reference}: {label.lower()} need raised with the social worker",
            actor,
            now,
            {"need": code, "meeting": meeting.pk},
        )
    if needs:
        listed = "\n".join(f"- {label}" for _, label in needs)
        note = f"\n\n{meeting.needs_note}" if meeting.needs_note else ""
        notify(
            users=[_social_worker(referral)],
            subject=f"Referral {referral.reference}: needs raised at the planning meeting",
            body=f"At {locked.person.full_name}'s planning meeting on "
            f"{long_date(meeting.held_on)} these needs were identified, for you to "
            f"consider:\n{listed}{note}",
            referral=referral,
            now=now,
        )
    if meeting.outcome != MeetingOutcome.READY:
        why = (
            "it was unsafe to start"
            if meeting.outcome == MeetingOutcome.UNSAFE
            else "joint working would be needed for the whole enablement period"
        )
        close_episode(
            episode=locked,
            reason="not_ready",
            summary=f"At the planning meeting on {long_date(meeting.held_on)} {why}.",
            actor=actor,
            now=now,
            data={"meeting": meeting.pk},
        )
        episode.status = EpisodeStatus.CLOSED
    return meeting


@transaction.atomic
def raise_safety_issue(
    *, episode: Episode, kind: str, description: str, actor, now: datetime
) -> SafetyIssue:
    """A health-and-safety issue, referred to the named social worker for resolution. While
    it is open the enablement cannot start."""
    locked = lock_episode(episode)
    if locked.status not in OPEN_EPISODE_STATUSES:
        raise ValidationError({"__all__": "This enablement has closed"})
    problems = {}
    if kind not in SafetyIssueKind.values:
        problems["kind"] = "Select the kind of health-and-safety issue"
    if not (description or "").strip():
        problems["description"] = "Describe the health-and-safety issue"
    if problems:
        raise ValidationError(problems)
    refuse_too_long(SafetyIssue, {"description": description})
    issue = SafetyIssue.objects.create(
        episode=locked,
        kind=kind,
        description=description.strip(),
        raised_at=now,
        raised_by=actor,
    )
    referral = locked.referral
    _event(
        locked,
        "episode.safety_issue_raised",
        f"{referral.reference}: health-and-safety issue raised: {issue.get_kind_display().lower()}",
        actor,
        now,
        {"issue": issue.pk, "kind": kind},
    )
    notify(
        users=[_social_worker(referral)],
        subject=f"Referral {referral.reference}: a health-and-safety issue to resolve",
        body=f"{issue.get_kind_display()} for {locked.person.full_name}:\n{issue.description}"
        "\n\nThe enablement cannot start until it is resolved.",
        referral=referral,
        now=now,
    )
    return issue


@transaction.atomic
def resolve_safety_issue(
    *, issue: SafetyIssue, resolution: str, actor, now: datetime
) -> SafetyIssue:
    lock_episode(issue.episode)
    locked = SafetyIssue.objects.select_for_update().get(pk=issue.pk)
    if not locked.is_open:
        raise ValidationError({"__all__": "This health-and-safety issue is already resolved"})
    if not (resolution or "").strip():
        raise ValidationError({"resolution": "Enter how the issue was resolved"})
    refuse_too_long(SafetyIssue, {"resolution": resolution})
    locked.resolved_at, locked.resolved_by = now, actor
    locked.resolution = resolution.strip()
    locked.save(update_fields=["resolved_at", "resolved_by", "resolution"])
    episode = issue.episode
    _event(
        episode,
        "episode.safety_issue_resolved",
        f"{episode.referral.reference}: health-and-safety issue resolved: "
        f"{locked.get_kind_display().lower()}",
        actor,
        now,
        {"issue": locked.pk},
    )
    issue.__dict__.update(
        {k: getattr(locked, k) for k in ("resolved_at", "resolved_by_id", "resolution")}
    )
    return locked


def _write_reviews(episode: Episode, due: tuple[tuple[int, date], ...]) -> int:
    """Puts each scheduled review the rule gives on its due date; held reviews keep theirs.
    Returns how many rows changed or were made."""
    from enablement.reviews.models import Review, ReviewKind

    changed = 0
    existing = {
        r.week: r
        for r in Review.objects.filter(episode=episode, kind=ReviewKind.SCHEDULED).order_by("id")
    }
    for week, due_on in due:
        review = existing.get(week)
        if review is None:
            Review.objects.create(
                episode=episode, kind=ReviewKind.SCHEDULED, week=week, due_on=due_on
            )
            changed += 1
        elif review.held_on is None and review.due_on != due_on:
            Review.objects.filter(pk=review.pk).update(due_on=due_on)
            changed += 1
    return changed


@transaction.atomic
def start_enablement(*, episode: Episode, start_on: date, actor, now: datetime) -> Episode:
    """The enablement starts: every clock is written on the row from the rule and the
    episode's own settings version, one scheduled review per review week, and the person
    and the named social worker are told the start date and the planned end."""
    locked = lock_episode(episode)
    _require_status(
        locked, EpisodeStatus.PLANNING, message="This enablement is not waiting to start"
    )
    meeting = PlanningMeeting.objects.filter(episode=locked).first()
    open_issues = tuple(
        f"{i.get_kind_display().lower()} ({i.description[:80]})"
        for i in SafetyIssue.objects.filter(episode=locked, resolved_at__isnull=True)
    )
    problems = rules.start_problems(
        start_on=start_on,
        risk_reviewed=locked.risk_reviewed_at is not None,
        meeting_held_on=meeting.held_on if meeting else None,
        meeting_ready=bool(meeting and meeting.outcome == MeetingOutcome.READY),
        open_issues=open_issues,
    )
    if start_on is None:
        problems["start_on"] = "Enter the start date"
    if problems:
        raise ValidationError(problems)
    settings = rules.ClockSettings.of(locked.service_settings)
    for name, value in rules.stored_clocks(start_on, settings).items():
        setattr(locked, name, value)
    locked.extended_weeks = 0
    locked.status = EpisodeStatus.ACTIVE
    _bump(
        locked,
        episode,
        "started_on",
        "planned_end",
        "chargeable_from",
        "support_ends_by",
        "extended_weeks",
        "status",
    )
    _write_reviews(locked, rules.clocks(start_on, settings).review_due)
    refresh_next_review(locked)
    episode.next_review_due = locked.next_review_due
    referral = locked.referral
    _event(
        locked,
        "episode.started",
        f"{referral.reference}: enablement starts {long_date(start_on)}, planned end "
        f"{long_date(locked.planned_end)}",
        actor,
        now,
        {"started_on": start_on.isoformat(), "planned_end": locked.planned_end.isoformat()},
    )
    dates = (
        f"starts on {long_date(start_on)} and is planned to end on {long_date(locked.planned_end)}"
    )
    portal = getattr(locked.person, "portal_user", None)
    if portal is not None:
        notify(
            users=[portal],
            subject=f"Your enablement with {locked.service.name} starts",
            body=f"Your enablement with {locked.service.name} {dates}. Your worker is "
            f"{locked.worker}.",
            referral=referral,
            now=now,
        )
    notify(
        users=[referral.named_social_worker, referral.referrer],
        subject=f"Referral {referral.reference}: enablement start date",
        body=f"{locked.person.full_name}'s enablement with {locked.service.name} {dates}. "
        f"The worker is {locked.worker}.",
        referral=referral,
        now=now,
    )
    return episode


def recompute_clocks(episode: Episode) -> bool:
    """Rewrites a started episode's stored clocks from the rule and its own settings
    version (planned end with the approved extensions, chargeable date, last day, unheld
    reviews, next review). True if anything changed."""
    with transaction.atomic():
        locked = lock_episode(episode)
        if locked.started_on is None:
            return False
        settings = rules.ClockSettings.of(locked.service_settings)
        want = rules.stored_clocks(
            locked.started_on, settings, extended_weeks=locked.extended_weeks
        )
        changed = [k for k, v in want.items() if getattr(locked, k) != v]
        if changed:
            Episode.objects.filter(pk=locked.pk).update(**{k: want[k] for k in changed})
        due = rules.clocks(
            locked.started_on, settings, extended_weeks=locked.extended_weeks
        ).review_due
        reviews_changed = _write_reviews(locked, due)
        before = locked.next_review_due
        refresh_next_review(locked)
        return bool(changed or reviews_changed or before != locked.next_review_due)


def recompute_open_episode_clocks() -> tuple[int, int]:
    """(episodes checked, episodes changed) over every open started episode."""
    checked = changed = 0
    started = Episode.objects.filter(
        status__in=OPEN_EPISODE_STATUSES, started_on__isnull=False
    ).order_by("pk")
    for episode in started.iterator():
        checked += 1
        changed += recompute_clocks(episode)
    return checked, changed


def hold_deadline(episode: Episode, on: date) -> date:
    """The last day the named social worker may answer a hold raised on `on`: the same
    working-day rule as the front door's hold."""
    from enablement.referrals.rules import hold_expires_after

    return hold_expires_after(episode.service_settings, on, ENGLAND_AND_WALES)


@transaction.atomic
def raise_episode_hold(*, episode: Episode, concern: str, actor, now: datetime) -> EpisodeHold:
    """Complex risk during the enablement: the episode waits for the named social worker,
    who has the service's hold time in working days to answer."""
    locked = lock_episode(episode)
    if not locked.service_settings.complex_risk_hold:
        raise ValidationError({"__all__": "This service does not put an enablement on hold"})
    _require_status(
        locked,
        EpisodeStatus.PLANNING,
        EpisodeStatus.ACTIVE,
        message="Only an enablement in planning or under way can be put on hold",
    )
    if not (concern or "").strip():
        raise ValidationError({"concern": "Describe the concern for the named social worker"})
    refuse_too_long(EpisodeHold, {"concern": concern})
    today = timezone.localdate(now)
    until = hold_deadline(locked, today)
    hold = EpisodeHold.objects.create(
        episode=locked,
        concern=concern.strip(),
        status_before=locked.status,
        started_at=now,
        started_on=today,
        expires_on=until,
        started_by=actor,
    )
    locked.status = EpisodeStatus.ON_HOLD
    _bump(locked, episode, "status")
    referral = locked.referral
    _event(
        locked,
        "episode.on_hold",
        f"{referral.reference}: enablement on hold, waiting for the social worker",
        actor,
        now,
        {"hold": hold.pk, "expires_on": until.isoformat()},
    )
    notify(
        users=[_social_worker(referral)],
        subject=f"Referral {referral.reference}: enablement on hold, your answer is needed",
        body=f"A concern about {locked.person.full_name}'s enablement:\n{hold.concern}\n\n"
        f"Please answer by the end of {until:%A} {long_date(until)}. With no answer the "
        f"enablement will be closed as not ready for enablement.",
        referral=referral,
        now=now,
    )
    return hold


@transaction.atomic
def answer_episode_hold(*, hold: EpisodeHold, answer: str, actor, now: datetime) -> EpisodeHold:
    """The named social worker (or the referrer) answers: the episode goes back to where
    it was before the hold."""
    locked_episode = lock_episode(hold.episode)
    referral = locked_episode.referral
    if actor.pk not in (referral.named_social_worker_id, referral.referrer_id):
        raise ValidationError({"__all__": "Only the named social worker can answer the hold"})
    locked = EpisodeHold.objects.select_for_update().get(pk=hold.pk)
    if not locked.is_open:
        raise ValidationError({"__all__": "This hold has already been answered or closed"})
    if not (answer or "").strip():
        raise ValidationError({"answer": "Enter your answer to the concern"})
    refuse_too_long(EpisodeHold, {"answer": answer})
    locked.answered_at, locked.answered_by, locked.answer = now, actor, answer.strip()
    locked.save(update_fields=["answered_at", "answered_by", "answer"])
    locked_episode.status = locked.status_before
    _bump(locked_episode, hold.episode, "status")
    _event(
        locked_episode,
        "episode.hold_answered",
        f"{referral.reference}: the social worker answered the hold",
        actor,
        now,
        {"hold": locked.pk},
    )
    from enablement.accounts.roles import Role
    from enablement.referrals.services import team_people

    notify(
        users=[
            locked.started_by,
            locked_episode.worker.user,
            *team_people(locked_episode.team, locked_episode.service, Role.SENIOR),
        ],
        subject=f"Hold answered on {referral.reference}",
        body=f"The social worker answered the concern about {locked_episode.person.full_name}'s "
        f"enablement:\n{locked.answer}",
        referral=referral,
        now=now,
    )
    hold.__dict__.update(
        {k: getattr(locked, k) for k in ("answered_at", "answered_by_id", "answer")}
    )
    return locked


def expire_episode_holds(*, now: datetime, batch_size: int = 500) -> int:
    """Closes not ready every episode whose hold passed its last day unanswered. Safe to
    run again and at the same time: the due holds are claimed a batch at a time with their
    episodes, under row locks that skip rows another transaction holds (ADR 0038), each
    batch committed as one, and a hold is closed only while still open. Each closing goes
    through `close_episode`, the same action a person takes: episode holds are few (one
    per episode at most, and episodes are a fraction of referrals)."""
    today = timezone.localdate(now)
    closed = 0
    last = 0
    due = (
        EpisodeHold.objects.filter(
            answered_at__isnull=True, expired_at__isnull=True, expires_on__lt=today
        )
        .select_related("episode")
        .order_by("pk")
    )
    while True:
        with transaction.atomic():
            # The episode and the hold locked together: every action on a hold takes the
            # episode first, and a claim that skips locked rows never waits on either.
            holds = claim_batch(
                due.filter(pk__gt=last), of=("self", "episode"), batch_size=batch_size
            )
            if not holds:
                return closed
            last = holds[-1].pk
            for hold in holds:
                episode = lock_episode(Episode(pk=hold.episode_id))
                hold.episode = episode
                if not hold.is_open:
                    continue
                hold.expired_at = now
                hold.save(update_fields=["expired_at"])
                close_episode(
                    episode=hold.episode,
                    reason="not_ready",
                    summary=f"The named social worker did not answer the concern by the end of "
                    f"{long_date(hold.expires_on)}.",
                    actor=None,
                    now=now,
                    data={"hold": hold.pk},
                )
                closed += 1
