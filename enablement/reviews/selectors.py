"""Reads for reviews and extensions, scoped to what the user may see."""

from django.db.models import Q

from enablement.accounts import access
from enablement.accounts.roles import Role
from enablement.casework.models import OPEN_EPISODE_STATUSES, Episode
from enablement.catalogue.vocab import ExtensionRule
from enablement.plans.models import Plan, PlanStatus
from enablement.reviews import rules
from enablement.reviews.models import Extension, Review


def current_plan(episode) -> Plan | None:
    """The plan a review reads: the latest signed version, else the draft."""
    plans = Plan.objects.filter(episode=episode)
    return (
        plans.filter(status=PlanStatus.SIGNED).order_by("-version").first()
        or plans.filter(status=PlanStatus.DRAFT).order_by("-version").first()
    )


def current_goals(episode) -> list:
    plan = current_plan(episode)
    return list(plan.goals.order_by("position")) if plan else []


def episode_reviews(episode):
    return Review.objects.filter(episode=episode).select_related("recorded_by")


def episode_extensions(episode):
    return Extension.objects.filter(episode=episode).select_related(
        "requested_by", "discussed_by", "decided_by"
    )


def open_extension(episode) -> Extension | None:
    return Extension.objects.filter(episode=episode, status__in=rules.OPEN_STATUSES).first()


def _waiting_filter(user) -> Q:
    """Requests whose waiting step is this user's to take, in their team or services."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    staff = getattr(user, "staff", None)
    if staff is None:
        return Q(pk__in=[])
    scopes = {}
    if Role.SENIOR in user.roles and staff.team_id:
        scopes[Role.SENIOR] = Q(episode__team_id=staff.team_id)
    if Role.PROVISION_MANAGER in user.roles:
        scopes[Role.PROVISION_MANAGER] = Q(episode__service__in=staff.services.all())
    q = Q(pk__in=[])
    for rule in ExtensionRule.values:
        for step in rules.approval_steps(rule):
            if step.role in scopes:
                q |= (
                    Q(episode__service_settings__extension_rule=rule, status=step.waits_in)
                    & scopes[step.role]
                )
    return q


def waiting_extensions(user):
    """Extension requests waiting for this user's discussion or decision: a senior's in
    their team, a provision manager's in the services they oversee. Oldest first. For the
    home pages: `.count()` reads no person."""
    return (
        Extension.objects.filter(_waiting_filter(user))
        .filter(episode__status__in=OPEN_EPISODE_STATUSES)
        .filter(episode__in=Episode.objects.filter(access.episode_filter(user)).values("pk"))
        .select_related(
            "episode__person",
            "episode__referral",
            "episode__service",
            "episode__service_settings",
            "episode__team",
            "episode__worker__user",
            "requested_by",
        )
        .order_by("requested_at", "pk")
    )


def longer_programme(settings) -> str:
    """The name of the service a service that does not extend refers on to for a longer
    programme (its level destinations, e.g. Enhanced to the Network); blank if none."""
    from enablement.catalogue.models import Service

    codes = sorted(set((settings.level_destinations or {}).values()))
    names = Service.objects.filter(code__in=codes).order_by("name").values_list("name", flat=True)
    return " or ".join(names)
