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


def feedback_fixtures(at) -> dict:
    """For the access tables: Pat Example's Kent East enablement closed (the evaluation on
    paper, one typed in), a KERS complaint about Pat, a serious incident on the episode."""
    from enablement.catalogue.models import Service
    from enablement.feedback import services
    from enablement.people.models import Person

    pat = Person.objects.get(given_name="Pat", family_name="Example")
    episode = closed_episode(at, offer="paper", person=pat)
    evaluation = services.record_paper_evaluation(
        episode=episode,
        audience="carer",
        answers={
            q.pk: (3 if q.kind == "rating" else "Keep in touch more")
            for q in services.questions_for(episode.service, "carer")
        },
        actor=user("worker.east"),
        now=at,
    )
    complaint = services.receive_feedback(
        service=Service.objects.get(code="KERS"),
        kind="complaint",
        values={"received_how": "phone", "summary": "Visits were late", "person": pat},
        actor=user("admin.east"),
        now=at,
    )
    services.record_incident(
        kind="serious_incident",
        referral=episode.referral,
        episode=episode,
        values={"occurred_on": at.date(), "description": "Fell in the kitchen"},
        actor=user("worker.east"),
        now=at,
    )
    return {
        "person": pat.pk,
        "closed": episode.pk,
        "referral": episode.referral_id,
        "complaint": complaint.pk,
        "answer": evaluation.answers.filter(question__kind="text").first().pk,
    }
