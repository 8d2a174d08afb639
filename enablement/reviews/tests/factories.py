"""Episodes under way for the reviews tests (and the access tables), written as the start
writes them: the clocks from `casework.rules.clocks`, one scheduled review per review week,
and a signed plan with goals. The referral is a copy of a demo referral given to the
service and team asked for."""

import datetime as dt
import itertools

from django.contrib.auth import get_user_model
from django.utils import timezone

from enablement.accounts.roles import ROLES, Role
from enablement.casework.models import Episode, EpisodeStatus
from enablement.casework.rules import ClockSettings, clocks
from enablement.casework.services import refresh_next_review
from enablement.catalogue.models import Service, StaffMember, Team
from enablement.plans.models import Goal, Plan, PlanStatus
from enablement.referrals.models import Referral
from enablement.reviews.models import Review, ReviewKind

# A Monday after the demo's moment (2 March 2026).
START = dt.date(2026, 3, 9)
_numbers = itertools.count(1)

TEAMS = {"KERS": "Kent East", "KPS": "KPS Kent", "STR": "Thanet and Dover", "BEP": "Barnet West"}
WORKERS = {"KERS": "worker.east", "KPS": "worker.kps", "STR": "worker.str", "BEP": "worker.bep"}


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour, 0))


def make_episode(
    service_code: str = "KERS",
    *,
    start: dt.date = START,
    team_name: str | None = None,
    goals: int = 2,
    plan: bool = True,
) -> Episode:
    service = Service.objects.get(code=service_code)
    team = Team.objects.get(service=service, name=team_name or TEAMS[service_code])
    settings = service.current_settings
    referral = Referral.objects.filter(person__family_name="Exemplar").order_by("pk").first()
    referral.pk = referral.id = None
    referral._state.adding = True
    referral.reference = f"TEST-R{next(_numbers):05d}"
    referral.service, referral.team, referral.service_settings = service, team, settings
    referral.save()
    users = get_user_model().objects
    workers = StaffMember.objects.filter(team=team, user__groups__name=ROLES[Role.WORKER].group)
    worker = workers.filter(user__username=WORKERS.get(service_code)).first() or workers.first()
    senior = users.filter(
        staff__team=team, groups__name=ROLES[Role.SENIOR].group
    ).first() or users.get(username="senior.east")
    found = clocks(start, ClockSettings.of(settings))
    episode = Episode.objects.create(
        referral=referral,
        person=referral.person,
        service=service,
        service_settings=settings,
        team=team,
        worker=worker,
        status=EpisodeStatus.ACTIVE,
        allocated_at=at(start - dt.timedelta(days=7)),
        allocated_by=senior,
        allocation_reason="First proposal",
        started_on=start,
        planned_end=found.planned_end,
        chargeable_from=found.chargeable_from,
        support_ends_by=found.support_ends_by,
    )
    for week, due in found.review_due:
        Review.objects.create(episode=episode, kind=ReviewKind.SCHEDULED, week=week, due_on=due)
    refresh_next_review(episode)
    if plan:
        signed = Plan.objects.create(
            episode=episode,
            version=1,
            status=PlanStatus.SIGNED,
            created_at=at(start),
            created_by=worker.user,
            updated_at=at(start),
            worker_signed_at=at(start),
            worker_signed_by=worker.user,
            person_signed_how="paper",
            person_signed_on=start,
        )
        for n in range(1, goals + 1):
            Goal.objects.create(
                plan=signed,
                position=n,
                key=n,
                description=f"Goal number {n} in the person's words",
                measure="Does it alone twice",
                target_date=found.planned_end,
            )
    return episode


def episode_for_tables(*, extension: bool = True) -> dict:
    """A Kent East episode under way since 2 February 2026 (its mid-point review due 16
    March), with a request for an extension waiting for the senior if asked: the ids the
    access tests (accounts, governance) request."""
    episode = make_episode("KERS", start=dt.date(2026, 2, 2))
    ids = {
        "reviews:episode": episode.pk,
        "reviews:review": Review.objects.get(episode=episode).pk,
        "reviews:goals": list(
            Goal.objects.filter(plan__episode=episode).values_list("pk", flat=True)
        ),
        "referral:reviews_episode": episode.referral_id,
    }
    if extension:
        ids["reviews:extension"] = waiting_extension(episode).pk
    return ids


def waiting_extension(episode):
    from enablement.reviews.models import Extension

    return Extension.objects.filter(
        episode=episode, status__in=["requested", "discussed"]
    ).first() or (
        Extension.objects.create(
            episode=episode,
            weeks=2,
            reasons="Two journeys short of travelling alone",
            evidence="Travelled alone twice",
            requested_at=at(episode.started_on + dt.timedelta(days=21)),
            requested_by=episode.worker.user,
        )
    )
