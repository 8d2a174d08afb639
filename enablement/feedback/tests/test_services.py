"""The actions of evaluation and feedback: each writes its rows and its event, and tells
whom it should."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from enablement.catalogue.models import Service
from enablement.closures.tests.helpers import episode_under_way, user
from enablement.core import clock
from enablement.feedback import selectors, services
from enablement.feedback.models import (
    Evaluation,
    EvaluationLink,
    FeedbackSettings,
    Incident,
)
from enablement.feedback.tests.helpers import closed_episode
from enablement.governance.models import Event
from enablement.notifications.models import Notification, OutboxMessage

pytestmark = pytest.mark.django_db


def _events(kind):
    return list(Event.objects.filter(kind=kind))


def _token_from(message: OutboxMessage) -> str:
    return re.search(r"/feedback/evaluation/([^/]+)/", message.body).group(1)


def _answers(service, audience="person", rating=4, text="Kind staff"):
    return {
        q.pk: (rating if q.kind == "rating" else text)
        for q in services.questions_for(service, audience)
    }


def test_agreed_closure_with_link_emails_a_single_use_link_to_person_and_carer(demo):
    episode = closed_episode(demo, carer_email="kim@example.invalid")
    links = EvaluationLink.objects.filter(episode=episode)
    assert sorted(links.values_list("audience", flat=True)) == ["carer", "person"]
    emails = OutboxMessage.objects.filter(
        to_email__in=["pat.closed@example.invalid", "kim@example.invalid"]
    )
    assert emails.count() == 2
    for message in emails:
        token = _token_from(message)
        # Only the hash is stored; the token itself is nowhere in the database row.
        assert not EvaluationLink.objects.filter(token_hash=token).exists()
        assert services.find_link(token) is not None
        # No person's name in the email.
        assert episode.person.family_name not in message.body
    link = links.get(audience="person")
    assert link.expires_at == demo + timedelta(days=28)
    assert _events("feedback.evaluation_links_sent")[0].data == {"links": 2}


def test_no_link_when_the_evaluation_was_given_on_paper(demo):
    episode = closed_episode(demo, offer="paper")
    assert not EvaluationLink.objects.filter(episode=episode).exists()


def test_no_email_address_tells_the_worker_to_offer_paper_or_the_portal(demo):
    episode = closed_episode(demo, email="")
    assert not EvaluationLink.objects.filter(episode=episode).exists()
    assert Notification.objects.filter(
        user__username="worker.east", subject__contains="no email for the evaluation link"
    ).exists()


def test_a_link_is_used_once(demo):
    episode = closed_episode(demo)
    token = _token_from(OutboxMessage.objects.get(to_email="pat.closed@example.invalid"))
    evaluation = services.submit_by_link(
        token=token, answers=_answers(episode.service), now=demo + timedelta(days=1)
    )
    assert evaluation.channel == "link" and evaluation.audience == "person"
    assert evaluation.recorded_by is None
    assert {a.rating for a in evaluation.answers.all() if a.rating} == {4}
    assert _events("feedback.evaluation_received")[0].episode_id == episode.pk
    with pytest.raises(ValidationError, match="already been used"):
        services.submit_by_link(
            token=token, answers=_answers(episode.service), now=demo + timedelta(days=2)
        )
    assert Evaluation.objects.filter(episode=episode).count() == 1


def test_an_expired_link_is_refused(demo):
    episode = closed_episode(demo)
    token = _token_from(OutboxMessage.objects.get(to_email="pat.closed@example.invalid"))
    with pytest.raises(ValidationError, match="expired"):
        services.submit_by_link(
            token=token, answers=_answers(episode.service), now=demo + timedelta(days=28)
        )
    assert not Evaluation.objects.filter(episode=episode).exists()


def test_a_missing_rating_is_refused_and_nothing_saved(demo):
    episode = closed_episode(demo)
    token = _token_from(OutboxMessage.objects.get(to_email="pat.closed@example.invalid"))
    answers = _answers(episode.service)
    first = services.questions_for(episode.service, "person")[0]
    answers[first.pk] = None
    with pytest.raises(ValidationError) as caught:
        services.submit_by_link(token=token, answers=answers, now=demo)
    assert f"q{first.pk}" in caught.value.message_dict
    assert EvaluationLink.objects.get(token_hash__isnull=False, episode=episode).used_at is None


def test_complaint_due_dates_are_stored_from_the_procedure_over_easter(demo):
    kers = Service.objects.get(code="KERS")
    # The demo's Kent procedure: acknowledge in 3 working days, respond in 20.
    with time_machine.travel(
        timezone.make_aware(timezone.datetime(2026, 4, 2, 16, 30)), tick=False
    ):
        complaint = services.receive_feedback(
            service=kers,
            kind="complaint",
            values={"received_how": "phone", "summary": "Visits were cancelled"},
            actor=user("admin.east"),
            now=clock.now(),
        )
    complaint.refresh_from_db()
    assert str(complaint.acknowledge_due) == "2026-04-09"
    assert str(complaint.respond_due) == "2026-05-05"
    assert complaint.procedure.version == 1
    assert _events("feedback.complaint_received")[0].data == {"feedback": complaint.pk}
    assert Notification.objects.filter(
        user__username="pm.kers", subject__contains="complaint"
    ).exists()


def test_a_new_procedure_version_does_not_move_an_open_complaint(demo):
    kers = Service.objects.get(code="KERS")
    complaint = services.receive_feedback(
        service=kers,
        kind="complaint",
        values={"received_how": "phone", "summary": "X"},
        actor=None,
        now=demo,
    )
    before = complaint.respond_due
    services.change_procedure(
        service=kers,
        values={
            "complaints_procedure": "New text",
            "complaints_phone": "01632 960000",
            "acknowledge_working_days": 2,
            "respond_working_days": 10,
        },
        actor=user("pm.kers"),
        now=demo,
    )
    assert FeedbackSettings.objects.filter(service=kers).count() == 2
    complaint.refresh_from_db()
    assert complaint.respond_due == before
    later = services.receive_feedback(
        service=kers,
        kind="complaint",
        values={"received_how": "phone", "summary": "Y"},
        actor=None,
        now=demo,
    )
    assert later.respond_due < before and later.procedure.version == 2
    assert _events("feedback.procedure_changed")


def test_a_compliment_has_no_due_dates(demo):
    row = services.receive_feedback(
        service=Service.objects.get(code="KERS"),
        kind="compliment",
        values={"received_how": "letter", "summary": "Thank you"},
        actor=user("senior.east"),
        now=demo,
    )
    assert row.acknowledge_due is None and row.respond_due is None
    assert _events("feedback.compliment_received")


def test_acknowledge_then_respond_each_write_an_event(demo):
    complaint = services.receive_feedback(
        service=Service.objects.get(code="KERS"),
        kind="complaint",
        values={"received_how": "phone", "summary": "X"},
        actor=None,
        now=demo,
    )
    pm = user("pm.kers")
    services.acknowledge_complaint(feedback=complaint, actor=pm, now=demo)
    with pytest.raises(ValidationError, match="already been acknowledged"):
        services.acknowledge_complaint(feedback=complaint, actor=pm, now=demo)
    with pytest.raises(ValidationError, match="Enter the response"):
        services.respond_to_complaint(feedback=complaint, response=" ", actor=pm, now=demo)
    services.respond_to_complaint(feedback=complaint, response="We are sorry", actor=pm, now=demo)
    complaint.refresh_from_db()
    assert complaint.response == "We are sorry" and complaint.responded_by == pm
    assert len(_events("feedback.complaint_acknowledged")) == 1
    assert len(_events("feedback.complaint_answered")) == 1


def test_incident_tells_the_team_senior_and_the_provision_manager(demo):
    episode = episode_under_way(at=demo)
    incident = services.record_incident(
        kind="safeguarding",
        referral=episode.referral,
        episode=episode,
        values={"occurred_on": demo.date(), "description": "Money taken by a neighbour"},
        actor=user("worker.east"),
        now=demo,
    )
    told = set(
        Notification.objects.filter(subject__contains="safeguarding concern").values_list(
            "user__username", flat=True
        )
    )
    assert told == {"senior.east", "pm.kers"}
    event = _events("feedback.safeguarding")[0]
    assert event.episode_id == episode.pk and event.data == {"incident": incident.pk}
    assert incident.team.name == "Kent East"


def test_incident_in_the_future_is_refused(demo):
    episode = episode_under_way(at=demo)
    with pytest.raises(ValidationError) as caught:
        services.record_incident(
            kind="serious_incident",
            referral=episode.referral,
            episode=episode,
            values={"occurred_on": demo.date() + timedelta(days=1), "description": "X"},
            actor=user("worker.east"),
            now=demo,
        )
    assert "occurred_on" in caught.value.message_dict
    assert not Incident.objects.exists()


def test_partner_feedback_writes_its_event(demo):
    services.record_partner_feedback(
        service=Service.objects.get(code="KERS"),
        values={"agency": "CMHT", "received_on": demo.date(), "feedback": "Quick screening"},
        actor=user("pm.kers"),
        now=demo,
    )
    assert _events("feedback.partner_feedback")


def test_dashboard_counts_and_satisfaction(demo):
    kers = Service.objects.get(code="KERS")
    episode = closed_episode(demo)
    services.record_paper_evaluation(
        episode=episode,
        audience="person",
        answers=_answers(kers, rating=5),
        actor=user("worker.east"),
        now=demo,
    )
    services.record_paper_evaluation(
        episode=episode,
        audience="carer",
        answers=_answers(kers, "carer", rating=2),
        actor=user("worker.east"),
        now=demo,
    )
    for kind in ("complaint", "compliment", "compliment"):
        services.receive_feedback(
            service=kers,
            kind=kind,
            values={"received_how": "phone", "summary": "X"},
            actor=None,
            now=demo,
        )
    services.record_incident(
        kind="serious_incident",
        referral=episode.referral,
        episode=episode,
        values={"occurred_on": demo.date(), "description": "Fell"},
        actor=user("worker.east"),
        now=demo,
    )
    today = demo.date()
    counts = selectors.counts(services=[kers], start=today, end=today)[kers.pk]
    assert counts == {"compliments": 2, "complaints": 1, "serious_incidents": 1, "safeguarding": 0}
    # Outside the period: nothing.
    earlier = today - timedelta(days=10)
    assert selectors.counts(services=[kers], start=earlier, end=earlier)[kers.pk]["complaints"] == 0
    sat = selectors.satisfaction(services=[kers], start=today, end=today)
    assert sat[(kers.pk, "person")] == {"evaluations": 1, "mean": 5.0}
    assert sat[(kers.pk, "carer")] == {"evaluations": 1, "mean": 2.0}
