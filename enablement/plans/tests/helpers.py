"""Test data for plans: an episode for anyone (a copy of a demo allocation), and a plan
written and signed through the actions, as a worker would."""

from datetime import timedelta

from django.contrib.auth import get_user_model

from enablement.casework.models import Episode
from enablement.people.models import Person
from enablement.plans import rules, selectors, services
from enablement.referrals.models import Referral
from enablement.referrals.rules import Status


def demo_episode(family: str = "Mockup") -> Episode:
    """One of the demo's Kent East allocations (planning)."""
    return Episode.objects.get(referral__person__family_name=family)


def episode_for(person: Person, *, like: str = "Mockup") -> Episode:
    """An episode of `person` with the same service, team, worker and dates as the demo's
    allocation of `like` (the way allocation writes one)."""
    model = demo_episode(like)
    copy = Referral.objects.get(pk=model.referral_id)
    copy.pk, copy.person, copy.status = None, person, Status.ALLOCATED
    copy.reference = f"PLAN-{person.pk}-{Referral.objects.count()}"
    copy.save()
    return Episode.objects.create(
        referral=copy,
        person=person,
        service=model.service,
        service_settings=model.service_settings,
        team=model.team,
        worker=model.worker,
        allocated_at=model.allocated_at,
        allocated_by=model.allocated_by,
        allocation_reason="for the plan tests",
    )


def pat_episode() -> Episode:
    return episode_for(Person.objects.get(given_name="Pat", family_name="Example"))


def goal(episode: Episode, text: str = "Take the bus to the allotment on my own", days=28):
    window = selectors.window(episode)
    return rules.GoalInput(
        description=text,
        measure="Goes alone three Tuesdays running",
        target_date=window.starts_on + timedelta(days=days),
        steps="Practise the route with Wren",
    )


def draft(episode: Episode, *, goals=None, now, worker="worker.east", row_version=None):
    actor = get_user_model().objects.get(username=worker)
    if row_version is None:
        current = selectors.current_plan(episode)
        row_version = current.row_version if current else 0
    return services.save_draft(
        episode=episode,
        values=rules.PlanInput(
            goals=tuple(goals or (goal(episode),)),
            strengths="Knows the town well",
            own_strategies="Walks the dog when anxious",
            interventions="Travel training",
        ),
        resource_ids=[],
        row_version=row_version,
        actor=actor,
        now=now,
    )


def signed_plan(episode: Episode, *, now, worker="worker.east", goals=None):
    """A plan written, signed by the worker and signed by the person on paper."""
    actor = get_user_model().objects.get(username=worker)
    plan = draft(episode, goals=goals, now=now, worker=worker)
    plan = services.sign_worker(episode=episode, plan=plan, actor=actor, now=now)
    return services.record_paper_signature(
        episode=episode, plan=plan, signed_on=now.date(), actor=actor, now=now
    )


def pat_with_plans(now) -> Episode:
    """For the access matrix and the read log: an episode of Pat Example (the portal's
    person, Kent East) with version 1 signed and version 2 a draft to edit and sign."""
    episode = pat_episode()
    signed_plan(episode, now=now)
    worker = get_user_model().objects.get(username="worker.east")
    services.start_revision(episode=episode, actor=worker, now=now, change_summary="Review")
    return episode
