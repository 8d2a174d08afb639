"""Actions on visits and case notes: one function per change, each writing the state, the
event and the messages in one transaction. The views and the API check who may act
(`access.may_act_on_episode`); these functions check the facts."""

from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from enablement.accounts.roles import Role
from enablement.casework.models import OPEN_EPISODE_STATUSES, Episode, PlanningMeeting
from enablement.casework.services import lock_episode
from enablement.core.limits import LONG_TEXT, refuse_too_long
from enablement.governance.services import record_event
from enablement.notifications.services import notify
from enablement.referrals.services import team_people
from enablement.visits import rules
from enablement.visits.models import (
    CaseNote,
    ContactKind,
    NoteCheck,
    NoteKind,
    Visit,
    VisitOutcome,
)

CONTINUE = "continue"
PROPOSE_CLOSURE = "propose_closure"
DISCUSSION_DECISIONS = {
    CONTINUE: "Continue the enablement",
    PROPOSE_CLOSURE: "Propose closure",
}


def team_seniors(episode: Episode) -> list:
    return team_people(episode.team, episode.service, Role.SENIOR)


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
        data={"episode": episode.pk, **(data or {})},
    )


def _refuse_closed(episode: Episode) -> None:
    if episode.status not in OPEN_EPISODE_STATUSES:
        raise ValidationError({"__all__": "This enablement has closed: visits cannot be added"})


def _kind(kind: str) -> str:
    if kind not in ContactKind.values:
        raise ValidationError({"kind": "Select the kind of contact"})
    return kind


@transaction.atomic
def plan_visit(*, episode: Episode, kind: str, planned_for: datetime, actor, now) -> Visit:
    locked = lock_episode(episode)
    _refuse_closed(locked)
    _kind(kind)
    if planned_for is None:
        raise ValidationError({"planned_for": "Enter the day and time of the visit"})
    if timezone.is_naive(planned_for):
        # A time without an offset is the service's local time.
        planned_for = timezone.make_aware(planned_for)
    visit = Visit.objects.create(
        episode=episode, kind=kind, planned_for=planned_for, planned_by=actor
    )
    when = timezone.localtime(planned_for)
    _event(
        episode,
        kind="visit.planned",
        summary=f"{ContactKind(kind).label} planned for {when:%-d %B %Y %H:%M}",
        actor=actor,
        now=now,
        data={"visit": visit.pk, "kind": kind},
    )
    return visit


def _counted_visits(episode: Episode, *, since):
    """The recorded missed visits that count: those recorded after the last discussion."""
    visits = Visit.objects.filter(episode=episode, outcome__in=rules.MISSED_OUTCOMES)
    if since is not None:
        visits = visits.filter(recorded_at__gt=since)
    return list(visits.values_list("outcome", "before_planning_meeting"))


@transaction.atomic
def record_visit(
    *,
    episode: Episode,
    visit: Visit | None = None,
    kind: str = ContactKind.VISIT,
    outcome: str,
    happened_on,
    hours: Decimal | None,
    note: str = "",
    actor,
    now: datetime,
) -> Visit:
    """Records what happened at a planned visit, or (with no `visit`) a visit that happened
    without being planned. A recorded visit is not changed later: a correction is a case
    note. A miss that makes a count reach its threshold prompts the team's senior(s)."""
    locked = lock_episode(episode)
    _refuse_closed(locked)
    note = note or ""
    refuse_too_long(Visit, {"note": note})
    if hours is not None and not isinstance(hours, Decimal):
        try:
            hours = Decimal(str(hours))
        except InvalidOperation:
            raise ValidationError({"hours": "Enter hours as a number, like 1.5"}) from None
    if outcome and outcome not in VisitOutcome.values:
        raise ValidationError({"outcome": "Select what happened"})
    problems = rules.visit_problems(
        outcome=outcome,
        happened_on=happened_on,
        hours=hours,
        note=note,
        today=timezone.localdate(now),
    )
    if problems:
        raise ValidationError(problems)
    if outcome not in rules.HOURS_OUTCOMES:
        hours = None
    settings = locked.service_settings
    counts_before = rules.missed_counts(
        _counted_visits(locked, since=locked.missed_visits_discussed_at)
    )
    if visit is None:
        _kind(kind)
        visit = Visit(
            episode=episode,
            kind=kind,
            planned_for=now,
            planned_by=actor,
        )
    else:
        visit = Visit.objects.select_for_update().get(pk=visit.pk, episode=episode)
        if visit.recorded_at is not None:
            raise ValidationError(
                {"__all__": "This visit has already been recorded: write a case note to correct it"}
            )
    visit.outcome = outcome
    visit.happened_on = happened_on
    visit.hours = hours
    visit.note = note
    visit.before_planning_meeting = not PlanningMeeting.objects.filter(
        episode_id=episode.pk
    ).exists()
    visit.recorded_at = now
    visit.recorded_by = actor
    visit.save()
    label = VisitOutcome(outcome).label
    _event(
        episode,
        kind="visit.recorded",
        summary=f"visit of {happened_on:%-d %B %Y} recorded: {label.lower()}",
        actor=actor,
        now=now,
        data={"visit": visit.pk, "outcome": outcome, "hours": str(hours) if hours else None},
    )
    referral = locked.referral
    if outcome == rules.ENDED_UNSAFE:
        notify(
            users=[referral.named_social_worker, *team_seniors(locked)],
            subject=f"Referral {referral.reference}: a visit ended early for safety",
            body=f"The visit to {locked.person.full_name} on {happened_on:%-d %B %Y} was ended "
            f"early because the worker felt unsafe. What happened: {note}",
            referral=referral,
            now=now,
        )
        _event(
            episode,
            kind="visit.ended_unsafe",
            summary="visit ended early because the worker felt unsafe; the named social "
            "worker and the senior were told",
            actor=actor,
            now=now,
            data={"visit": visit.pk},
        )
    visit.prompted_senior = False
    if rules.is_missed(outcome):
        counts_after = rules.missed_counts(
            _counted_visits(locked, since=locked.missed_visits_discussed_at)
        )
        reached = rules.prompt_due(
            counts_before,
            counts_after,
            threshold=settings.missed_visits_threshold,
            before_planning_threshold=settings.missed_visits_before_planning,
            waiting=locked.missed_visits_prompted_at is not None,
        )
        if reached:
            _prompt(locked, reached, counts_after, actor=actor, now=now)
            episode.missed_visits_prompted_at = now
            visit.prompted_senior = True
    return visit


def _prompt(episode: Episode, reached: str, counts, *, actor, now) -> None:
    settings = episode.service_settings
    if reached == rules.BEFORE_PLANNING:
        what = (
            f"{counts.before_planning} visits cancelled or not engaged with before the "
            f"planning meeting (the service's guide is {settings.missed_visits_before_planning})"
        )
    else:
        what = (
            f"{counts.overall} visits cancelled or not engaged with (the service's guide is "
            f"{settings.missed_visits_threshold})"
        )
    episode.missed_visits_prompted_at = now
    episode.row_version += 1
    episode.save(update_fields=["missed_visits_prompted_at", "row_version"])
    referral = episode.referral
    notify(
        users=team_seniors(episode),
        subject=f"Referral {referral.reference}: missed visits to discuss",
        body=f"{episode.person.full_name} has {what}. Discuss with the worker whether to "
        "continue or propose closure, and record the discussion on the episode. Nothing has "
        "been closed.",
        referral=referral,
        now=now,
    )
    _event(
        episode,
        kind="episode.missed_visits_prompted",
        summary=f"{what}: the senior is asked to discuss closure",
        actor=actor,
        now=now,
        data={
            "reached": reached,
            "before_planning": counts.before_planning,
            "overall": counts.overall,
        },
    )


@transaction.atomic
def discuss_missed_visits(*, episode: Episode, decision: str, note: str, actor, now) -> CaseNote:
    """The senior's discussion of a missed-visit prompt: written as a formal case
    discussion note; clears the prompt and restarts the counts. "Propose closure" only
    records the decision: closing is a separate step."""
    locked = lock_episode(episode)
    if locked.missed_visits_prompted_at is None:
        raise ValidationError({"__all__": "There are no missed visits waiting to be discussed"})
    if decision not in DISCUSSION_DECISIONS:
        raise ValidationError({"decision": "Select whether to continue or propose closure"})
    if not (note or "").strip():
        raise ValidationError({"note": "Enter what was discussed"})
    refuse_too_long(CaseNote, {"text": note}, names={"text": "note"})
    label = DISCUSSION_DECISIONS[decision]
    text = f"Missed visits discussed. Decision: {label.lower()}.\n\n{note}"
    if len(text) > LONG_TEXT:
        text = text[:LONG_TEXT]
    written = CaseNote.objects.create(
        episode=episode, kind=NoteKind.FORMAL, text=text, written_at=now, written_by=actor
    )
    locked.missed_visits_prompted_at = None
    locked.missed_visits_discussed_at = now
    locked.row_version += 1
    locked.save(
        update_fields=["missed_visits_prompted_at", "missed_visits_discussed_at", "row_version"]
    )
    episode.missed_visits_prompted_at = None
    episode.missed_visits_discussed_at = now
    _event(
        episode,
        kind="episode.missed_visits_discussed",
        summary=f"missed visits discussed by the senior: {label.lower()}",
        actor=actor,
        now=now,
        data={"decision": decision, "note": written.pk},
    )
    return written


@transaction.atomic
def write_note(*, episode: Episode, kind: str, text: str, actor, now) -> CaseNote:
    """A case discussion or contact note. An escalation (the named social worker is not
    engaging) also tells the team's senior(s)."""
    if kind not in NoteKind.values:
        raise ValidationError({"kind": "Select the kind of note"})
    if not (text or "").strip():
        raise ValidationError({"text": "Enter the note"})
    refuse_too_long(CaseNote, {"text": text})
    note = CaseNote.objects.create(
        episode=episode, kind=kind, text=text, written_at=now, written_by=actor
    )
    referral = episode.referral
    if kind == NoteKind.ESCALATION:
        notify(
            users=team_seniors(episode),
            subject=f"Referral {referral.reference}: the named social worker is not engaging",
            body=f"{actor.get_full_name() or actor.username} escalates "
            f"{episode.person.full_name}'s enablement: {text}",
            referral=referral,
            now=now,
        )
        _event(
            episode,
            kind="episode.escalated",
            summary="escalated to the senior: the named social worker is not engaging",
            actor=actor,
            now=now,
            data={"note": note.pk},
        )
    else:
        _event(
            episode,
            kind="note.written",
            summary=f"{NoteKind(kind).label.lower()} written",
            actor=actor,
            now=now,
            data={"note": note.pk, "kind": kind},
        )
    return note


@transaction.atomic
def correct_note(*, note: CaseNote, text: str, actor, now) -> CaseNote:
    """A note is never edited: the correction is a new note of the same kind linked to the
    one it corrects. Only the latest version of a note may be corrected."""
    note = CaseNote.objects.select_for_update().get(pk=note.pk)
    if note.corrections.exists():
        raise ValidationError(
            {"__all__": "This note has already been corrected: correct the later note"}
        )
    if not (text or "").strip():
        raise ValidationError({"text": "Enter the corrected note"})
    refuse_too_long(CaseNote, {"text": text})
    episode = note.episode
    correction = CaseNote.objects.create(
        episode=episode,
        kind=note.kind,
        text=text,
        corrects=note,
        written_at=now,
        written_by=actor,
    )
    _event(
        episode,
        kind="note.corrected",
        summary=f"a {note.get_kind_display().lower()} of {note.written_at:%-d %B %Y} corrected",
        actor=actor,
        now=now,
        data={"note": correction.pk, "corrects": note.pk},
    )
    return correction


@transaction.atomic
def check_note(*, note: CaseNote, meets_standard: bool, comment: str, actor, now) -> NoteCheck:
    """A senior's quality check of a note (seed 000 §8: regular quality checks)."""
    note = CaseNote.objects.select_for_update().get(pk=note.pk)
    if note.checks.exists():
        raise ValidationError({"__all__": "This note has already been checked"})
    if meets_standard is None:
        raise ValidationError({"meets_standard": "Select whether the note meets the standard"})
    comment = comment or ""
    if not meets_standard and not comment.strip():
        raise ValidationError({"comment": "Say what the note needs to meet the standard"})
    refuse_too_long(NoteCheck, {"comment": comment})
    check = NoteCheck.objects.create(
        note=note,
        checked_at=now,
        checked_by=actor,
        meets_standard=meets_standard,
        comment=comment,
    )
    _event(
        note.episode,
        kind="note.checked",
        summary="case note checked: "
        + ("meets the standard" if meets_standard else "does not meet the standard"),
        actor=actor,
        now=now,
        data={"note": note.pk, "meets_standard": meets_standard},
    )
    return check
