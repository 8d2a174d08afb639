"""Test data for evaluation and feedback: a Kent East enablement closed through the closure
actions, with the evaluation offered by link."""

from enablement.closures import services as closures
from enablement.closures.tests.helpers import episode_under_way, goals_of, user
from enablement.people.models import Carer


def closed_episode(
    at, *, offer="link", email="pat.closed@example.invalid", carer_email="", person=None
):
    episode = episode_under_way(at=at, person=person)
    person = episode.person
    person.email = email
    person.save(update_fields=["email"])
    Carer.objects.filter(person=person).delete()
    if carer_email:
        Carer.objects.create(
            person=person, name="Kim Closurecase", relationship="Sister", email=carer_email
        )
    closures.propose_closure(
        episode=episode,
        reason="goals_achieved",
        outcomes={g.pk: ("achieved", "") for g in goals_of(episode)},
        completed_with_person=True,
        evaluation_offer=offer,
        actor=user("worker.east"),
        now=at,
    )
    closures.agree_closure(episode=episode, actor=user("senior.east"), now=at)
    episode.refresh_from_db()
    return episode
