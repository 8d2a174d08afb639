"""Actions on reviews and extensions: one function per state change, each writing the state,
the event and the messages in one transaction, under the episode's row lock.

The caller (a page or the API) has checked through the access door that the actor may take
the step (`accounts.access.may_act_on_episode` with the step's action); these functions check
that the step is the one the request waits for and that the values are sound.
"""

from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from enablement.accounts.roles import ROLES, Role
from enablement.casework import rules as clock_rules
from enablement.casework.models import Episode, EpisodeStatus
from enablement.casework.services import lock_episode, refresh_next_review
from enablement.core.dates import long_date
from enablement.core.limits import fit, refuse_too_long
from enablement.governance.services import record_event
from enablement.notifications.services import notify
from enablement.plans.services import start_revision
from enablement.reviews import rules, selectors
from enablement.reviews.models import (
    Engagement,
    Extension,
    ExtensionStatus,
    GoalProgress,
    GoalProgressLevel,
    Review,
    ReviewKind,
)

# A review or an extension belongs to an enablement that has started and not closed.
RUNNING = (EpisodeStatus.ACTIVE, EpisodeStatus.ON_HOLD)
REVIEWABLE = (EpisodeStatus.ACTIVE, EpisodeStatus.ON_HOLD, EpisodeStatus.CLOSING)


def _people(role: Role, episode: Episode):
    """Active users holding `role` for this episode: a senior of its team, or a provision
    manager of its service."""
    users = get_user_model().objects.filter(groups__name=ROLES[role].group, is_active=True)
    if role == Role.PROVISION_MANAGER:
        return list(users.filter(staff__services=episode.service_id).distinct())
    return list(users.filter(staff__team_id=episode.team_id).distinct())


def _worker_user(episode: Episode):
    return episode.worker.user


# --- Reviews -----------------------------------------------------------------------------------


@transaction.atomic
def record_review(
    *,
    episode: Episode,
    review: Review | None,
    values: dict,
    progress: dict[int, tuple[str, str]],
    actor,
    now: datetime,
) -> Review:
    """Records a review: a scheduled one (`review`), or one added unscheduled (None).

    `values`: held_on, engagement, participants, summary, plan_revision, plan_changes,
    issues_for_social_worker. `progress`: goal id -> (level, note), one for every goal of the
    current plan. "The plan changes" starts a new version of the plan to sign. Issues for
    the social worker go to the named social worker and the team's seniors."""
    locked = lock_episode(episode)
    if locked.status not in REVIEWABLE:
        raise ValidationError(
            {"__all__": "A review can be recorded only while the enablement is running"}
        )
    if review is not None:
        review = Review.objects.select_for_update().get(pk=review.pk, episode=locked)
        if review.is_held:
            raise ValidationError(
                {"__all__": f"This review was recorded as held on {long_date(review.held_on)}"}
            )
    goals = selectors.current_goals(locked)
    text = {
        k: (values.get(k) or "").strip()
        for k in ("participants", "summary", "plan_revision", "issues_for_social_worker")
    }
    problems = rules.review_problems(
        today=timezone.localdate(now),
        started_on=locked.started_on,
        held_on=values.get("held_on"),
        goals=[rules.GoalFact(id=g.pk, position=g.position) for g in goals],
        progress={goal_id: level for goal_id, (level, _note) in progress.items()},
        engagement=values.get("engagement") or "",
        participants=text["participants"],
        summary=text["summary"],
        plan_changes=bool(values.get("plan_changes")),
        plan_revision=text["plan_revision"],
    )
    if problems:
        raise ValidationError(problems)
    refuse_too_long(Review, text)
    limit = GoalProgress._meta.get_field("note").max_length
    long_notes = {
        rules.progress_field(goal_id): f"The note on this goal must be {limit:,} characters or "
        "fewer"
        for goal_id, (_level, note) in progress.items()
        if len(note or "") > limit
    }
    if long_notes:
        raise ValidationError(long_notes)

    if review is None:
        review = Review(episode=locked, kind=ReviewKind.SCHEDULED, week=None)
        review.due_on = values["held_on"]
    review.held_on = values["held_on"]
    review.engagement = values["engagement"]
    review.participants = text["participants"]
    review.summary = text["summary"]
    review.plan_revision = text["plan_revision"]
    review.issues_for_social_worker = text["issues_for_social_worker"]
    review.recorded_at = now
    review.recorded_by = actor
    review.save()
    GoalProgress.objects.bulk_create(
        GoalProgress(
            review=review,
            goal=goal,
            level=progress[goal.pk][0],
            note=(progress[goal.pk][1] or "").strip(),
        )
        for goal in goals
    )
    referral = locked.referral
    what = f"week {review.week} review" if review.week else "review"
    if values.get("plan_changes"):
        review.new_plan = start_revision(
            episode=locked,
            actor=actor,
            now=now,
            change_summary=fit(
                f"Review of {long_date(review.held_on)}: {text['plan_revision']}", 500
            ),
        )
        review.save(update_fields=["new_plan"])
    levels = dict(GoalProgressLevel.choices)
    record_event(
        kind="episode.review_recorded",
        summary=f"{referral.reference}: {what} held on {long_date(review.held_on)} "
        f"({dict(Engagement.choices)[review.engagement].lower()})"
        + ("; a new version of the plan to sign" if review.new_plan_id else ""),
        actor=actor,
        now=now,
        person=locked.person,
        service=locked.service,
        referral=referral,
        episode=locked,
        data={
            "review_id": review.pk,
            "week": review.week,
            "held_on": review.held_on.isoformat(),
            "progress": {str(g.key): progress[g.pk][0] for g in goals},
            "new_plan_id": review.new_plan_id,
        },
    )
    if text["issues_for_social_worker"]:
        record_event(
            kind="episode.review_issues_raised",
            summary=f"{referral.reference}: issues from the {what} raised with the named "
            "social worker and the senior",
            actor=actor,
            now=now,
            person=locked.person,
            service=locked.service,
            referral=referral,
            episode=locked,
            data={"review_id": review.pk},
        )
        progress_lines = "\n".join(
            f"- Goal {g.position}: {levels[progress[g.pk][0]]}" for g in goals
        )
        notify(
            users=[referral.named_social_worker, *_people(Role.SENIOR, locked)],
            subject=f"Referral {referral.reference}: issues from a review",
            body=f"{locked.person.full_name}'s {what} with {locked.service.name} was held on "
            f"{long_date(review.held_on)}. Issues for the social worker:\n\n"
            f"{text['issues_for_social_worker']}\n\nProgress:\n{progress_lines}",
            referral=referral,
            now=now,
        )
    refresh_next_review(locked)
    episode.next_review_due = locked.next_review_due
    return review


# --- Extensions --------------------------------------------------------------------------------


def _clock_settings(episode):
    return clock_rules.ClockSettings.of(episode.service_settings)


@transaction.atomic
def request_extension(
    *, episode: Episode, weeks: int | None, reasons: str, evidence: str, actor, now: datetime
) -> Extension:
    """Asks for an extension. Refused beyond the service's maximum, for a service that does
    not extend, and while another request waits. Tells whoever takes the first step."""
    locked = lock_episode(episode)
    rule = locked.service_settings.extension_rule
    started = locked.started_on is not None
    weeks_problem = None
    if weeks is None:
        weeks_problem = "Enter how many weeks the extension is for"
    elif started:
        weeks_problem = clock_rules.extension_problem(
            _clock_settings(locked),
            start=locked.started_on,
            weeks=weeks,
            already_extended=locked.extended_weeks,
        )
    problems = rules.request_problems(
        extension_rule=rule,
        started=started,
        status_allows=locked.status in RUNNING,
        open_request=Extension.objects.filter(
            episode=locked, status__in=rules.OPEN_STATUSES
        ).exists(),
        weeks_problem=weeks_problem,
        reasons=reasons,
        evidence=evidence,
        longer_programme=selectors.longer_programme(locked.service_settings),
    )
    if problems:
        raise ValidationError(problems)
    values = {"reasons": reasons.strip(), "evidence": evidence.strip()}
    refuse_too_long(Extension, values)
    extension = Extension.objects.create(
        episode=locked, weeks=weeks, requested_at=now, requested_by=actor, **values
    )
    referral = locked.referral
    step = rules.approval_steps(rule)[0]
    record_event(
        kind="episode.extension_requested",
        summary=f"{referral.reference}: an extension of {_weeks(weeks)} asked for. "
        f"Next: {step.label.lower()}",
        actor=actor,
        now=now,
        person=locked.person,
        service=locked.service,
        referral=referral,
        episode=locked,
        data={"extension_id": extension.pk, "weeks": weeks},
    )
    _tell_next(step, locked, extension, now)
    return extension


def _weeks(n: int) -> str:
    return f"{n} week" if n == 1 else f"{n} weeks"


def _tell_next(step: rules.Step, episode: Episode, extension: Extension, now) -> None:
    referral = episode.referral
    verb = "discuss" if step.kind == rules.DISCUSS else "decide"
    notify(
        users=_people(step.role, episode),
        subject=f"Referral {referral.reference}: an extension to {verb}",
        body=f"{episode.worker} asks to extend {episode.person.full_name}'s enablement with "
        f"{episode.service.name} by {_weeks(extension.weeks)} (planned end "
        f"{long_date(episode.planned_end)}). {step.label}.",
        referral=referral,
        now=now,
    )


def _locked_extension(extension: Extension) -> tuple[Episode, Extension]:
    episode = lock_episode(extension.episode)
    locked = Extension.objects.select_for_update().get(pk=extension.pk)
    return episode, locked


@transaction.atomic
def discuss_extension(*, extension: Extension, note: str, actor, now: datetime) -> Extension:
    """The senior's discussion (KERS): the request then waits for the provision manager."""
    episode, locked = _locked_extension(extension)
    if episode.status not in RUNNING:
        raise ValidationError({"__all__": "This enablement is no longer running"})
    rule = episode.service_settings.extension_rule
    step = rules.waiting_step(rule, locked.status)
    problems = rules.discussion_problems(step=step, note=note)
    if problems:
        raise ValidationError(problems)
    note = note.strip()
    refuse_too_long(Extension, {"discussion_note": note}, names={"discussion_note": "note"})
    locked.status = ExtensionStatus.DISCUSSED
    locked.discussed_at = now
    locked.discussed_by = actor
    locked.discussion_note = note
    locked.save(update_fields=["status", "discussed_at", "discussed_by", "discussion_note"])
    referral = episode.referral
    following = rules.waiting_step(rule, locked.status)
    record_event(
        kind="episode.extension_discussed",
        summary=f"{referral.reference}: the extension of {_weeks(locked.weeks)} discussed "
        f"with the senior. Next: {following.label.lower() if following else 'decided'}",
        actor=actor,
        now=now,
        person=episode.person,
        service=episode.service,
        referral=referral,
        episode=episode,
        data={"extension_id": locked.pk},
    )
    if following is not None:
        _tell_next(following, episode, locked, now)
    extension.__dict__.update(
        {k: getattr(locked, k) for k in ("status", "discussed_at", "discussion_note")}
    )
    return locked


@transaction.atomic
def decide_extension(
    *,
    extension: Extension,
    approve: bool | None,
    note: str,
    agreed_with: str = "",
    actor,
    now: datetime,
) -> Extension:
    """Approves or refuses. Only an approval moves the planned end: the weeks are added to
    the episode and every clock recomputed from the rule (unheld reviews included)."""
    episode, locked = _locked_extension(extension)
    if episode.status not in RUNNING:
        raise ValidationError({"__all__": "This enablement is no longer running"})
    settings = episode.service_settings
    step = rules.waiting_step(settings.extension_rule, locked.status)
    week = rules.review_week_for_decision(settings.review_weeks)
    held = (
        week is not None
        and Review.objects.filter(
            episode=episode, kind=ReviewKind.SCHEDULED, week=week, held_on__isnull=False
        ).exists()
    )
    problems = rules.decision_problems(
        step=step,
        approve=approve,
        note=note or "",
        agreed_with=agreed_with or "",
        review_week=week,
        review_held=held,
    )
    if problems:
        raise ValidationError(problems)
    values = {"decision_note": (note or "").strip(), "agreed_with": (agreed_with or "").strip()}
    refuse_too_long(Extension, values, names={"decision_note": "note"})
    if approve:
        # Checked again: the maximum counts every extension approved so far.
        problem = clock_rules.extension_problem(
            _clock_settings(episode),
            start=episode.started_on,
            weeks=locked.weeks,
            already_extended=episode.extended_weeks,
        )
        if problem:
            raise ValidationError({"__all__": problem})
    locked.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
    locked.decided_at = now
    locked.decided_by = actor
    locked.decision_note = values["decision_note"]
    locked.agreed_with = values["agreed_with"] if step.needs_agreed_with else ""
    referral = episode.referral
    if approve:
        before = episode.planned_end
        _extend(episode, locked.weeks)
        locked.planned_end_before, locked.planned_end_after = before, episode.planned_end
    locked.save()
    if approve:
        record_event(
            kind="episode.extension_approved",
            summary=f"{referral.reference}: extension of {_weeks(locked.weeks)} approved; "
            f"planned end moved from {long_date(locked.planned_end_before)} to "
            f"{long_date(locked.planned_end_after)}",
            actor=actor,
            now=now,
            person=episode.person,
            service=episode.service,
            referral=referral,
            episode=episode,
            data={
                "extension_id": locked.pk,
                "weeks": locked.weeks,
                "planned_end_before": locked.planned_end_before.isoformat(),
                "planned_end_after": locked.planned_end_after.isoformat(),
                "agreed_with": locked.agreed_with,
            },
        )
        notify(
            users=[_worker_user(episode), locked.requested_by, referral.named_social_worker],
            subject=f"Referral {referral.reference}: extension approved",
            body=f"{episode.person.full_name}'s enablement with {episode.service.name} is "
            f"extended by {_weeks(locked.weeks)}. It now ends on "
            f"{long_date(locked.planned_end_after)} (it was "
            f"{long_date(locked.planned_end_before)}).",
            referral=referral,
            now=now,
        )
    else:
        record_event(
            kind="episode.extension_refused",
            summary=f"{referral.reference}: extension of {_weeks(locked.weeks)} refused",
            actor=actor,
            now=now,
            person=episode.person,
            service=episode.service,
            referral=referral,
            episode=episode,
            data={"extension_id": locked.pk},
        )
        notify(
            users=[_worker_user(episode), locked.requested_by],
            subject=f"Referral {referral.reference}: extension refused",
            body=f"The extension of {_weeks(locked.weeks)} for {episode.person.full_name}'s "
            f"enablement was refused: {locked.decision_note} The planned end stays "
            f"{long_date(episode.planned_end)}.",
            referral=referral,
            now=now,
        )
    return locked


def _extend(episode: Episode, weeks: int) -> None:
    """Adds the weeks and rewrites the clocks from the rule: the planned end, and the due
    date of every scheduled review not yet held (a review week the longer period now
    reaches gets its row)."""
    episode.extended_weeks += weeks
    found = clock_rules.clocks(
        episode.started_on, _clock_settings(episode), extended_weeks=episode.extended_weeks
    )
    episode.planned_end = found.planned_end
    episode.row_version += 1
    episode.save(update_fields=["extended_weeks", "planned_end", "row_version"])
    scheduled = {
        r.week: r
        for r in Review.objects.filter(episode=episode, kind=ReviewKind.SCHEDULED).exclude(
            week=None
        )
    }
    for week, due in found.review_due:
        review = scheduled.get(week)
        if review is None:
            Review.objects.create(episode=episode, kind=ReviewKind.SCHEDULED, week=week, due_on=due)
        elif not review.is_held and review.due_on != due:
            review.due_on = due
            review.save(update_fields=["due_on"])
    refresh_next_review(episode)
