"""Allocation: the one action that opens an episode, and "allocate all that fit".

Two seniors may allocate at once. Each allocation locks the referral row and then the chosen
worker's staff row (always in that order, and several of each in id order, so two
allocations never wait on each other in a circle), and counts the worker's open episodes
only after the lock is held. So one referral is never given to two workers (and the episode's
one-to-one key refuses it again in the database), and a worker is never pushed past their
room without the explicit override: the second senior is told the room has gone.
"""

from collections.abc import Sequence
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from enablement.accounts.roles import Role
from enablement.allocation import rules, selectors
from enablement.casework.models import Episode, EpisodeStatus
from enablement.catalogue.models import Skill, StaffMember, Team
from enablement.core.limits import refuse_too_long
from enablement.governance.services import record_event
from enablement.notifications.services import notify
from enablement.referrals.models import Referral
from enablement.referrals.rules import Action, Status, TransitionNotAllowed, next_status
from enablement.referrals.services import team_people


def _not_waiting(referral: Referral) -> ValidationError:
    episode = Episode.objects.filter(referral=referral).select_related("worker__user").first()
    if episode is not None:
        return ValidationError(
            {
                "__all__": f"{referral.reference} was allocated to {episode.worker} at "
                f"{timezone.localtime(episode.allocated_at):%H:%M on %-d %B %Y}: it is no "
                "longer waiting"
            }
        )
    return ValidationError(
        {
            "__all__": f"{referral.reference} is {referral.get_status_display().lower()}: "
            "only an accepted referral can be allocated"
        }
    )


def _open_episode(
    referral: Referral,
    staff: StaffMember,
    choice: rules.Choice,
    *,
    reason: str,
    actor,
    now: datetime,
    passed: rules.ReferralFacts | None = None,
    out_of_order_reason: str = "",
) -> Episode:
    """Writes the episode, the referral's new status, the event and the notifications.
    The caller holds the locks and has checked the choice."""
    try:
        referral.status = next_status(
            Status(referral.status), Action.ALLOCATE, routing=referral.service_settings.routing
        )
    except TransitionNotAllowed as exc:
        raise _not_waiting(referral) from exc
    referral.save(update_fields=["status"])
    beyond = not choice.fits
    why = reason.strip() or "; ".join(choice.reasons)
    episode = Episode.objects.create(
        referral=referral,
        person=referral.person,
        service=referral.service,
        service_settings=referral.service_settings,
        team=referral.team,
        worker=staff,
        status=EpisodeStatus.PLANNING,
        allocated_at=now,
        allocated_by=actor,
        allocation_reason=why,
        overridden=not choice.is_first_proposal,
        beyond_room=beyond,
        passed_over_id=passed.id if passed else None,
        out_of_order_reason=out_of_order_reason.strip() if passed else "",
    )
    summary = f"{referral.reference} allocated to {staff}: episode opened in planning"
    if beyond:
        summary += " (override: " + "; ".join(choice.unfit).lower() + ")"
    if passed:
        summary += f" (out of order: before {passed.reference})"
    record_event(
        kind="episode.allocated",
        summary=summary[:500],
        actor=actor,
        now=now,
        person=referral.person,
        service=referral.service,
        referral=referral,
        episode=episode,
        data={
            "referral": referral.pk,
            "episode": episode.pk,
            "worker": staff.pk,
            "reason": why,
            "overridden": episode.overridden,
            "beyond_room": beyond,
            "unfit": list(choice.unfit),
            # The reason for going out of order is on the episode, not here: it may say
            # something about the person.
            "out_of_order": passed is not None,
            "passed_over": passed.id if passed else None,
            "passed_over_reference": passed.reference if passed else None,
        },
    )
    person = referral.person.full_name
    notify(
        users=[staff.user],
        subject=f"New allocation: {referral.reference}",
        body=f"{person} has been allocated to you by {actor}. Review the risk information "
        "and contact notes, then arrange the face-to-face planning meeting.",
        referral=referral,
        now=now,
    )
    notify(
        users=[referral.named_social_worker, referral.referrer],
        subject=f"Referral {referral.reference}: allocated to a worker",
        body=f"{person} has been allocated to {staff} of {referral.service.name}, who will "
        "arrange a planning meeting and tell you the start date.",
        referral=referral,
        now=now,
    )
    notify(
        users=team_people(referral.team, referral.service, Role.ADMIN),
        subject=f"Allocated: {referral.reference}",
        body=f"{person} is allocated to {staff}. Update the tracker entry if you keep one.",
        referral=referral,
        now=now,
    )
    return episode


def _lock_referral(referral: Referral) -> Referral:
    return (
        Referral.objects.select_for_update(of=("self",))
        .select_related("service_settings", "service", "person", "team")
        .get(pk=referral.pk)
    )


def _locked_workers(team: Team, workers, *, on) -> list[rules.WorkerFacts]:
    """Locks these staff rows (in id order), then reads every team worker's facts."""
    list(StaffMember.objects.select_for_update(of=("self",)).filter(pk__in=workers).order_by("pk"))
    return selectors.team_workers(team, on=on)


def allocate(
    *,
    referral: Referral,
    worker: StaffMember,
    reason: str = "",
    override: bool = False,
    out_of_order_reason: str = "",
    actor,
    now: datetime,
) -> Episode:
    """A senior allocates one accepted referral to one worker of its team. Choosing anyone
    but the first proposal needs a reason; choosing a worker who does not fit (no room, on
    leave, a needed skill missing) needs the explicit override as well. Choosing a referral
    while one accepted earlier on the team's list fits a worker today needs a reason too
    (`rules.passed_over`)."""
    refuse_too_long(
        Episode,
        {"allocation_reason": reason, "out_of_order_reason": out_of_order_reason},
        names={"allocation_reason": "reason"},
    )
    today = timezone.localdate(now)
    with transaction.atomic():
        referral = _lock_referral(referral)
        if referral.status != Status.ACCEPTED:
            raise _not_waiting(referral)
        if referral.team is None:
            raise ValidationError({"__all__": f"{referral.reference} has no team yet"})
        if worker.team_id != referral.team_id:
            raise ValidationError({"worker": f"{worker} is not a worker of {referral.team.name}"})
        workers = _locked_workers(referral.team, [worker.pk], on=today)
        choice = rules.check_choice(selectors.referral_facts(referral), worker.pk, workers)
        if choice is None:
            raise ValidationError({"worker": f"{worker} does not hold a caseload"})
        problems = choice.problems(reason=reason, override=override)
        passed = waiting_longer(referral, workers)
        problems |= rules.out_of_order_problem(
            passed,
            out_of_order_reason,
            accepted_on=timezone.localdate(passed.accepted_at) if passed else None,
        )
        if problems:
            raise ValidationError(problems)
        return _open_episode(
            referral,
            worker,
            choice,
            reason=reason,
            actor=actor,
            now=now,
            passed=passed,
            out_of_order_reason=out_of_order_reason,
        )


def waiting_longer(
    referral: Referral, workers: Sequence[rules.WorkerFacts]
) -> rules.ReferralFacts | None:
    """The referral of the same team's list that waited longer and fits today, if any."""
    if referral.team is None:
        return None
    return rules.passed_over(
        selectors.referral_facts(referral),
        [e.facts for e in selectors.waiting_list(referral.team)],
        workers,
    )


def set_skills_needed(
    *, referral: Referral, codes: Sequence[str], actor, now: datetime
) -> Referral:
    """A senior corrects the skills a waiting referral needs (screening set them first)."""

    skills = list(Skill.objects.filter(code__in=set(codes)).order_by("name"))
    unknown = set(codes) - {s.code for s in skills}
    if unknown:
        raise ValidationError(
            {"skills_needed": f"Not a skill we record: {', '.join(sorted(unknown))}"}
        )
    with transaction.atomic():
        referral = _lock_referral(referral)
        if referral.status != Status.ACCEPTED:
            raise _not_waiting(referral)
        before = sorted(referral.skills_needed.values_list("name", flat=True))
        after = [s.name for s in skills]
        if before == after:
            return referral
        referral.skills_needed.set(skills)
        record_event(
            kind="referral.skills_needed",
            summary=f"{referral.reference}: skills needed now "
            + (", ".join(after) or "none")
            + f" (were {', '.join(before) or 'none'})",
            actor=actor,
            now=now,
            person=referral.person,
            service=referral.service,
            referral=referral,
            data={"referral": referral.pk, "before": before, "after": after},
        )
    return referral


class PlanChanged(ValidationError):
    """The waiting list or the caseloads changed between review and confirm."""


def allocate_all(
    *, team: Team, reviewed: Sequence[tuple[int, int]], actor, now: datetime
) -> list[Episode]:
    """Confirms "allocate all that fit in order" exactly as the senior reviewed it, or not
    at all: if anything changed since (another allocation, a new acceptance, leave), nothing
    is written and the senior reviews the new plan."""
    today = timezone.localdate(now)
    reviewed = [tuple(pair) for pair in reviewed]
    if not reviewed:
        raise ValidationError({"__all__": "There was nothing to allocate"})
    with transaction.atomic():
        waiting = list(
            Referral.objects.select_for_update(of=("self",))
            .filter(team=team, status=Status.ACCEPTED)
            .order_by("pk")
        )
        # The whole team is locked, not the workers the request names: what is written is
        # the plan worked out here, and the request only has to match it.
        workers = _locked_workers(team, StaffMember.objects.filter(team=team), on=today)
        locked = {r.pk for r in waiting}
        entries = [e for e in selectors.waiting_list(team) if e.facts.id in locked]
        plan = rules.plan([e.facts for e in entries], workers)
        if list(plan.pairs()) != reviewed:
            raise PlanChanged(
                {
                    "__all__": "The waiting list or the caseloads changed after you reviewed "
                    "the plan, so nothing was allocated. Review the new plan below."
                }
            )
        staff = StaffMember.objects.select_related("user").in_bulk(
            [a.worker.id for a in plan.assignments]
        )
        return [
            _open_episode(
                _lock_referral(Referral(pk=a.referral.id)),
                staff[a.worker.id],
                rules.Choice(worker=a.worker, fits=True, is_first_proposal=True, reasons=a.reasons),
                reason="",
                actor=actor,
                now=now,
            )
            for a in plan.assignments
        ]
