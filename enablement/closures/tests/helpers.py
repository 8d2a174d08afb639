"""Test data for closures: an episode under way with a signed plan, made directly (as
`allocation.services._open_episode` writes an episode), so a closure can be proposed
whatever state the demo's own episodes are in."""

from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model

from enablement.casework.models import Episode, EpisodeStatus
from enablement.catalogue.models import StaffMember, Team
from enablement.people.models import Person
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
    new_person: bool = True,
    person=None,
) -> Episode:
    """A new episode of the team (on a copy of one of its referrals, for a new person unless
    `new_person` is false), started, with a plan of `goals`, signed by default."""
    team = Team.objects.get(name=team_name)
    referrals = Referral.objects.filter(team=team, person__isnull=False).order_by("pk")
    like = referrals.filter(person__family_name="Exemplar").first() or referrals.first()
    copy = Referral.objects.get(pk=like.pk)
    copy.pk, copy.status = None, Status.ALLOCATED
    if person is not None:
        copy.person = person
    elif new_person:
        person = Person.objects.get(pk=like.person_id)
        person.pk = person.nhs_number = person.case_system_id = person.portal_user = None
        person.family_name = "Closurecase"
        person.save()
        copy.person = person
    copy.reference = f"CLOSE-{Referral.objects.count()}"  # unique in a test's database
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


def closure_fixtures(at: datetime) -> dict:
    """Kent East episodes in each state a closure page acts on, for the access tables:
    `open` (under way, with goals), `proposed` (a closure waiting for the senior), `closed`
    with a `dispute` waiting for the senior, and `answered` closed with its dispute step
    `answered_dispute` answered (the closure stands), so it may be escalated."""
    from enablement.closures import services

    worker, senior = user("worker.east"), user("senior.east")

    open_ = episode_under_way(at=at)
    # One person for them all, so the access tables name one person.
    person = open_.person

    def closed_episode():
        episode = episode_under_way(at=at, person=person)
        services.propose_closure(
            episode=episode,
            reason="goals_achieved",
            outcomes={g.pk: ("achieved", "") for g in goals_of(episode)},
            completed_with_person=True,
            evaluation_offer="link",
            actor=worker,
            now=at,
        )
        services.agree_closure(episode=episode, actor=senior, now=at)
        return episode

    def disputed(episode):
        return services.record_dispute(
            episode=episode,
            raised_by_name="The person's sister",
            grounds="Still cannot use the bus alone",
            actor=worker,
            now=at,
        )

    proposed = episode_under_way(at=at, person=person)
    services.propose_closure(
        episode=proposed,
        reason="declined",
        outcomes={g.pk: ("not", "") for g in goals_of(proposed)},
        completed_with_person=False,
        evaluation_offer="declined",
        actor=worker,
        now=at,
    )
    closed = closed_episode()
    dispute = disputed(closed)
    answered = closed_episode()
    answered_dispute = disputed(answered)
    services.answer_dispute(
        episode=answered,
        dispute_id=answered_dispute.pk,
        answer="The goals were met",
        upheld=True,
        actor=senior,
        now=at,
    )
    return {
        "open": open_.pk,
        "open_goals": [g.pk for g in goals_of(open_)],
        "proposed": proposed.pk,
        "closed": closed.pk,
        "dispute": dispute.pk,
        "answered": answered.pk,
        "answered_dispute": answered_dispute.pk,
        "person": open_.person_id,
    }
