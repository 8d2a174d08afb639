"""Reads of plans, always for an episode the caller found through the access door, and the
portal's own door: a person's (or their carer's) portal account reaches only that person's
episodes, and of them only the plan, the dates and the next visit."""

from datetime import datetime

from django.db.models import Prefetch, Q
from django.http import Http404
from django.utils import timezone

from enablement.accounts.roles import Role
from enablement.casework.models import Episode
from enablement.catalogue.models import Resource
from enablement.governance import reads
from enablement.plans import rules
from enablement.plans.models import Goal, Plan, PlanStatus
from enablement.referrals.rules import level_label


def _plans():
    return Plan.objects.select_related("worker_signed_by", "person_signed_by").prefetch_related(
        Prefetch("goals", queryset=Goal.objects.order_by("position")),
        Prefetch("resources", queryset=Resource.objects.order_by("name")),
    )


def versions(episode: Episode) -> list[Plan]:
    """Every version, newest first, with goals and resources (three queries)."""
    return list(_plans().filter(episode=episode).order_by("-version"))


def current_plan(episode: Episode) -> Plan | None:
    """The draft if there is one, else the signed plan, else None."""
    found = list(
        _plans()
        .filter(episode=episode, status__in=[PlanStatus.DRAFT, PlanStatus.SIGNED])
        .order_by("-version")
    )
    return found[0] if found else None


def signed_plan(episode: Episode) -> Plan | None:
    return _plans().filter(episode=episode, status=PlanStatus.SIGNED).first()


def get_version(episode: Episode, version: int) -> Plan:
    found = _plans().filter(episode=episode, version=version).first()
    if found is None:
        raise Http404
    return found


def as_input(plan: Plan | None) -> rules.PlanInput:
    if plan is None:
        return rules.PlanInput()
    return rules.PlanInput(
        goals=tuple(
            rules.GoalInput(
                description=g.description,
                measure=g.measure,
                target_date=g.target_date,
                steps=g.steps,
                key=g.key,
            )
            for g in plan.goals.all()
        ),
        strengths=plan.strengths,
        own_strategies=plan.own_strategies,
        interventions=plan.interventions,
        resources=tuple(r.name for r in plan.resources.all()),
        level=plan.level,
    )


def compare(a: rules.PlanInput, b: rules.PlanInput) -> list[rules.Row]:
    return rules.compare(a, b, level_label=level_label)


def window(episode: Episode) -> rules.Window:
    return rules.goal_window(
        allocated_on=timezone.localdate(episode.allocated_at),
        length_weeks=episode.service_settings.length_weeks,
        started_on=episode.started_on,
        planned_end=episode.planned_end,
    )


def levels(episode: Episode) -> list[str]:
    referral = episode.referral
    referral_level = referral.level
    if not referral_level and referral.routed_from_id:
        referral_level = referral.routed_from.level
    return rules.level_choices(
        routing=episode.service_settings.routing,
        service_levels=episode.service_settings.levels or (),
        referral_level=referral_level,
    )


def default_level(episode: Episode) -> str:
    referral = episode.referral
    if referral.level:
        return referral.level
    return referral.routed_from.level if referral.routed_from_id else ""


def resources(episode: Episode):
    return Resource.objects.filter(services=episode.service).order_by("name")


# --- The portal's door ------------------------------------------------------------------------


def portal_filter(user) -> Q:
    """Episodes of the person this portal account is, or cares for."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    q = Q(pk__in=[])
    if Role.PERSON in user.roles:
        q |= Q(person__portal_user=user)
    if Role.CARER in user.roles:
        q |= Q(person__carers__portal_user=user)
    return q


def get_portal_episode(user, pk) -> Episode:
    """The episode if it is this portal user's own or their cared-for person's, else 404."""
    try:
        episode = (
            Episode.objects.select_related("person", "service", "referral", "worker__user")
            .filter(portal_filter(user))
            .distinct()
            .get(pk=pk)
        )
    except (Episode.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    reads.viewed(person=episode.person, referral=episode.referral)
    return episode


def portal_episodes(user) -> list[Episode]:
    """The portal user's episodes, newest first, each with its signed plan and any draft
    waiting for the person's signature (`portal_plan`, `awaiting`)."""
    episodes = list(
        Episode.objects.select_related("service", "service_settings")
        .filter(portal_filter(user))
        .distinct()
        .order_by("-allocated_at")
    )
    plans = Plan.objects.filter(
        episode__in=episodes, status__in=[PlanStatus.SIGNED, PlanStatus.DRAFT]
    ).order_by("version")
    by_episode: dict[int, dict] = {}
    for plan in plans:
        slot = by_episode.setdefault(plan.episode_id, {})
        if plan.status == PlanStatus.SIGNED:
            slot["signed"] = plan
        elif plan.worker_signed_at is not None:
            slot["awaiting"] = plan
    for episode in episodes:
        slot = by_episode.get(episode.pk, {})
        episode.portal_plan = slot.get("signed")
        episode.awaiting = slot.get("awaiting")
    return episodes


def portal_may_read(plan: Plan) -> bool:
    """The person and their carer read the signed plan and a draft the worker has signed
    and waits for the person's signature; never a draft in progress or an old version."""
    return plan.status == PlanStatus.SIGNED or (
        plan.status == PlanStatus.DRAFT and plan.worker_signed_at is not None
    )


def next_visit(episode: Episode, now: datetime):
    from enablement.visits.models import Visit

    return (
        Visit.objects.filter(episode=episode, planned_for__gte=now, outcome="")
        .order_by("planned_for")
        .first()
    )


def next_visits(episodes, now: datetime) -> dict[int, object]:
    """The earliest planned visit not yet recorded, per episode, in one query."""
    from enablement.visits.models import Visit

    found: dict[int, object] = {}
    for visit in Visit.objects.filter(
        episode__in=episodes, planned_for__gte=now, outcome=""
    ).order_by("planned_for"):
        found.setdefault(visit.episode_id, visit)
    return found
