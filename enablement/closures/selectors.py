"""Reading closures: the current plan's goals for the outcomes form, the closures waiting for
a senior, and an episode's closures and disputes for its page."""

from django.db.models import Prefetch, Q

from enablement.accounts.roles import Role
from enablement.closures.models import Closure, ClosureDispute, ClosureStatus, GoalOutcome


def current_plan(episode):
    """The plan the outcomes are recorded against: the latest signed version, else the
    draft; None when the episode has no plan yet. One query."""
    from enablement.plans.models import Plan, PlanStatus

    plans = list(
        Plan.objects.filter(
            episode=episode, status__in=[PlanStatus.SIGNED, PlanStatus.DRAFT]
        ).order_by("-version")
    )
    signed = [p for p in plans if p.status == PlanStatus.SIGNED]
    if signed:
        return signed[0]
    return plans[0] if plans else None


def current_goals(episode) -> list:
    """The goals of the current plan, in the plan's order. Two queries at most."""
    plan = current_plan(episode)
    if plan is None:
        return []
    return list(plan.goals.order_by("position"))


def proposed_closure(episode) -> Closure | None:
    return (
        Closure.objects.filter(episode=episode, status=ClosureStatus.PROPOSED)
        .select_related("proposed_by")
        .first()
    )


def agreed_closure(episode) -> Closure | None:
    return (
        Closure.objects.filter(episode=episode, status=ClosureStatus.AGREED)
        .order_by("-decided_at", "-id")
        .first()
    )


def closures_to_agree(user):
    """Proposed closures in the senior's team (every team of theirs), oldest first; none for
    anyone who is not a senior with a team."""
    if not user.is_authenticated or Role.SENIOR not in user.roles:
        return Closure.objects.none()
    staff = getattr(user, "staff", None)
    if staff is None or staff.team_id is None:
        return Closure.objects.none()
    return (
        Closure.objects.filter(status=ClosureStatus.PROPOSED, episode__team_id=staff.team_id)
        .select_related(
            "episode__person",
            "episode__referral",
            "episode__service",
            "episode__team",
            "episode__worker__user",
            "proposed_by",
        )
        .order_by("proposed_at", "id")
    )


def disputes_waiting(user):
    """Dispute steps waiting for an answer at this user's level: the senior's team, the
    provision manager's services, any for a quality manager."""
    if not user.is_authenticated:
        return ClosureDispute.objects.none()
    roles, staff = user.roles, getattr(user, "staff", None)
    q = Q(pk__in=[])
    if Role.QUALITY_MANAGER in roles:
        q |= Q(level="quality_manager")
    if Role.PROVISION_MANAGER in roles and staff is not None:
        q |= Q(level="provision_manager", episode__service__in=staff.services.all())
    if Role.SENIOR in roles and staff is not None and staff.team_id:
        q |= Q(level="senior", episode__team_id=staff.team_id)
    return (
        ClosureDispute.objects.filter(q, answered_at__isnull=True)
        .select_related("episode__person", "episode__referral", "episode__team")
        .order_by("raised_at", "id")
    )


def episode_closures(episode) -> tuple[list[Closure], list[ClosureDispute]]:
    """Every closure of the episode (newest first) with its goal outcomes, and its dispute
    steps in order. Three queries whatever the episode holds."""
    closures = list(
        Closure.objects.filter(episode=episode)
        .select_related("proposed_by", "decided_by")
        .prefetch_related(
            Prefetch(
                "goal_outcomes",
                queryset=GoalOutcome.objects.select_related("goal").order_by("goal__position"),
            )
        )
        .order_by("-proposed_at", "-id")
    )
    disputes = list(
        ClosureDispute.objects.filter(episode=episode)
        .select_related("recorded_by", "answered_by")
        .order_by("raised_at", "id")
    )
    return closures, disputes
