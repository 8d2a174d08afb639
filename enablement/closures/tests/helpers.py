"""Test data for closures: an episode under way with a signed plan, made directly (as
`allocation.services._open_episode` writes an episode), so a closure can be proposed
whatever state the demo's own episodes are in."""

from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model

from enablement.casework.models import Episode, EpisodeStatus
from enablement.catalogue.models import StaffMember, Team
from enablement.plans.models import Goal, Plan, PlanStatus
from enablement.referrals.models import Referral
from enablement.referrals.rules import Status

GOALS = (
    ("Travel alone by bus to the Tuesday allotment group", "Goes alone three weeks running"),
    ("Cook a hot meal twice a week", "Cooks twice a week for a month"),
)


def user(username: str):
    return get_user_model().objects.get(username=username)


def episode_under_way(
    *,
    team_name: str = "Kent East",
    worker: str = "worker.east",
    at: datetime,
    goals=GOALS,
    started: bool = True,
    signed: bool = True,
) -> Episode:
    """A new episode of the team (on a copy of one of its referrals), started, with a plan
    of `goals`, signed by default."""
    team = Team.objects.get(name=team_name)
    like = Referral.objects.filter(team=team).order_by("pk").first()
    copy = Referral.objects.get(pk=like.pk)
    copy.pk, copy.status = None, Status.ALLOCATED
    copy.reference = f"CLOSE-{Referral.objects.count()}"
    copy.save()
    staff = StaffMember.objects.get(user__username=worker)
    senior = user("senior.east" if team_name == "Kent East" else "senior.west")
    episode = Episode.objects.create(
        referral=copy,
        person=copy.person,
        service=copy.service,
        service_settings=copy.service_settings,
        team=team,
        worker=staff,
        status=EpisodeStatus.ACTIVE if started else EpisodeStatus.PLANNING,
        allocated_at=at - timedelta(days=60),
        allocated_by=senior,
        allocation_reason="for the closure tests",
        started_on=(at - timedelta(days=50)).date() if started else None,
        planned_end=(at + timedelta(days=34)).date() if started else None,
    )
    if goals:
        plan = Plan.objects.create(
            episode=episode,
            version=1,
            status=PlanStatus.SIGNED if signed else PlanStatus.DRAFT,
            created_at=at - timedelta(days=49),
            created_by=staff.user,
            updated_at=at - timedelta(days=49),
            worker_signed_at=at - timedelta(days=48) if signed else None,
            worker_signed_by=staff.user if signed else None,
            person_signed_how="paper" if signed else "",
            person_signed_on=(at - timedelta(days=48)).date() if signed else None,
        )
        for position, (description, measure) in enumerate(goals, start=1):
            Goal.objects.create(
                plan=plan,
                position=position,
                key=position,
                description=description,
                measure=measure,
                target_date=date(2026, 12, 31),
            )
    return episode


def goals_of(episode) -> list[Goal]:
    return list(Goal.objects.filter(plan__episode=episode).order_by("plan__version", "position"))


def closed_with_dispute(at: datetime) -> dict:
    """A Kent East episode closed (goals achieved) with a dispute waiting for the senior,
    and another with a closure waiting for the senior. For the access tables."""
    from enablement.closures import services

    worker, senior = user("worker.east"), user("senior.east")
    closed = episode_under_way(at=at)
    services.propose_closure(
        episode=closed,
        reason="goals_achieved",
        outcomes={g.pk: ("achieved", "") for g in goals_of(closed)},
        completed_with_person=True,
        evaluation_offer="link",
        actor=worker,
        now=at,
    )
    services.agree_closure(episode=closed, actor=senior, now=at)
    dispute = services.record_dispute(
        episode=closed,
        raised_by_name="The person's sister",
        grounds="Still cannot use the bus alone",
        actor=worker,
        now=at,
    )
    proposed = episode_under_way(at=at)
    services.propose_closure(
        episode=proposed,
        reason="declined",
        outcomes={g.pk: ("not", "") for g in goals_of(proposed)},
        completed_with_person=False,
        evaluation_offer="declined",
        actor=worker,
        now=at,
    )
    return {"closed": closed.pk, "dispute": dispute.pk, "proposed": proposed.pk}
