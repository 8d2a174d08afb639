"""The pages of evaluation and feedback, as their users meet them."""

import re

import pytest
import time_machine

from enablement.catalogue.models import Service
from enablement.feedback import services
from enablement.feedback.models import Evaluation, Feedback, Incident, Theme
from enablement.feedback.tests.helpers import closed_episode
from enablement.governance.models import AccessLogEntry
from enablement.notifications.models import OutboxMessage
from enablement.people.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _at_the_demo_moment(demo):
    """The pages read the clock: hold it at the demo's moment (Monday 2 March 2026)."""
    with time_machine.travel(demo, tick=False):
        yield


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def _link_path(email="pat.closed@example.invalid") -> str:
    body = OutboxMessage.objects.get(to_email=email).body
    return re.search(r"(/feedback/evaluation/[^/]+/)", body).group(1)


def _form(service, audience="person", rating="4", text="Kind staff"):
    return {
        f"q{q.pk}": rating if q.kind == "rating" else text
        for q in services.questions_for(service, audience)
    }


def test_public_complaint_form_says_what_is_missing(demo, client):
    page = client.get("/feedback/tell-us/")
    assert page.status_code == 200
    # The procedure and contact details of each service are on the form.
    assert "complaintsteamadults@kent.gov.uk" in _text(page)
    assert "respond within 20 working days" in _text(page)
    response = client.post("/feedback/tell-us/", {})
    text = _text(response)
    for message in (
        "Select the service it is about",
        "Say whether it is a complaint or a compliment",
        "Say who you are",
        "Tell us what happened",
    ):
        assert message in text
    response = client.post(
        "/feedback/tell-us/",
        {"service": "KERS", "kind": "complaint", "from_whom": "person", "summary": "Late"},
    )
    assert "Enter an email address or a phone number so we can reply" in _text(response)
    response = client.post(
        "/feedback/tell-us/",
        {"service": "KERS", "kind": "complaint", "from_whom": "person", "summary": "x" * 5001},
    )
    assert "What you would like to tell us must be 5,000 characters or fewer" in _text(response)
    assert not Feedback.objects.exists()


def test_public_complaint_is_received_with_its_due_dates(demo, client):
    response = client.post(
        "/feedback/tell-us/",
        {
            "service": "KERS",
            "kind": "complaint",
            "from_whom": "carer",
            "summary": "Nobody called back",
            "contact_email": "dana@example.invalid",
        },
        follow=True,
    )
    row = Feedback.objects.get()
    assert row.received_how == "public_form" and row.recorded_by is None and row.person is None
    # Monday 2 March 2026: acknowledge by Thursday 5 March, respond by Monday 30 March.
    assert "acknowledge your complaint by Thursday 5 March 2026" in _text(response)
    assert "respond by Monday 30 March 2026" in _text(response)


def test_single_use_link_works_once_then_says_it_was_used(demo, client):
    episode = closed_episode(demo)
    path = _link_path()
    page = client.get(path)
    assert page.status_code == 200
    assert f"Tell us what you thought of {episode.service.name}" in _text(page)
    response = client.post(path, {})
    assert "Choose an answer from 1 to 5" in _text(response)
    response = client.post(path, _form(episode.service))
    assert response.status_code == 302 and response["Location"] == "/feedback/evaluation/thank-you/"
    assert Evaluation.objects.get(episode=episode).channel == "link"
    again = client.get(path)
    assert again.status_code == 410
    assert "This link has already been used" in _text(again)
    resent = client.post(path, _form(episode.service))
    assert resent.status_code == 410
    assert Evaluation.objects.filter(episode=episode).count() == 1


def test_unknown_link_is_not_found(demo, client):
    assert client.get("/feedback/evaluation/not-a-real-token/").status_code == 404


def test_staff_type_in_a_paper_evaluation(demo, client_for):
    episode = closed_episode(demo, offer="paper")
    client = client_for("worker")
    path = f"/feedback/episodes/{episode.pk}/evaluation/"
    page = client.get(path + "?audience=carer")
    assert "A carer: their answers" in _text(page)
    response = client.post(
        path, {"audience": "carer", **_form(episode.service, "carer", rating="2")}
    )
    assert response.status_code == 302
    evaluation = Evaluation.objects.get(episode=episode)
    assert (evaluation.channel, evaluation.audience) == ("paper", "carer")
    assert evaluation.recorded_by.username == "worker.east"
    assert {a.rating for a in evaluation.answers.all() if a.rating} == {2}
    # A worker of another team cannot.
    assert client_for("worker.west").get(path).status_code == 404


def test_person_completes_the_evaluation_in_the_portal_once(demo, client_for):
    pat = Person.objects.get(given_name="Pat", family_name="Example")
    episode = closed_episode(demo, person=pat, offer="paper")
    client = client_for("person")
    page = client.get("/feedback/my-evaluations/")
    assert f"Tell us what you thought of {episode.service.name}" in _text(page)
    assert "complaintsteamadults@kent.gov.uk" in _text(page)
    response = client.post(f"/feedback/my-evaluations/{episode.pk}/", _form(episode.service))
    assert response.status_code == 302
    evaluation = Evaluation.objects.get(episode=episode)
    assert (evaluation.channel, evaluation.recorded_by.username) == ("portal", "person")
    assert "sent, thank you" in _text(client.get("/feedback/my-evaluations/"))
    again = client.get(f"/feedback/my-evaluations/{episode.pk}/")
    assert again.status_code == 302
    assert Evaluation.objects.filter(episode=episode).count() == 1


def test_complaints_list_labels_overdue_and_acts(demo, client_for):
    from datetime import timedelta

    kers = Service.objects.get(code="KERS")
    late = services.receive_feedback(
        service=kers,
        kind="complaint",
        values={"received_how": "phone", "summary": "Late"},
        actor=None,
        now=demo - timedelta(days=14),
    )
    client = client_for("provision_manager")
    page = _text(client.get("/feedback/complaints/"))
    assert "Overdue by 7 working days" in page  # acknowledgement due 19 Feb 2026
    assert "Due in 10 working days" in page  # response due 16 March 2026
    client.post(f"/feedback/complaints/{late.pk}/acknowledge/")
    response = client.post(f"/feedback/complaints/{late.pk}/respond/", {"response": ""})
    assert "Enter the response" in _text(response)
    client.post(f"/feedback/complaints/{late.pk}/respond/", {"response": "We apologise"})
    late.refresh_from_db()
    assert late.acknowledged_at and late.response == "We apologise"
    assert client_for("commissioner").get("/feedback/complaints/").status_code == 403
    # Barnet's provision manager does not see Kent's complaints.
    assert client_for("pm.bep").get(f"/feedback/complaints/{late.pk}/").status_code == 404


def test_incident_on_an_episode_is_recorded_and_listed(demo, client_for):
    episode = closed_episode(demo, offer="paper")
    client = client_for("worker")
    response = client.post(
        f"/feedback/episodes/{episode.pk}/incident/",
        {
            "kind": "serious_incident",
            "occurred_on_0": "1",
            "occurred_on_1": "3",
            "occurred_on_2": "2026",
            "description": "Fell on the stairs",
        },
    )
    assert response.status_code == 302
    assert Incident.objects.get().episode == episode
    listing = client_for("senior").get("/feedback/incidents/")
    assert episode.person.full_name in _text(listing)
    assert AccessLogEntry.objects.filter(
        person=episode.person, user__username="senior.east"
    ).exists()


def test_analysis_filters_tags_and_exports(demo, client_for):
    kers = Service.objects.get(code="KERS")
    episode = closed_episode(demo, offer="paper")
    services.record_paper_evaluation(
        episode=episode,
        audience="person",
        answers={
            q.pk: (4 if q.kind == "rating" else "The bus training helped")
            for q in services.questions_for(kers, "person")
        },
        actor=None,
        now=demo,
    )
    client = client_for("quality_manager")
    page = _text(client.get("/feedback/evaluations/?service=KERS&audience=person"))
    assert "The bus training helped" in page
    assert episode.person.full_name not in page
    assert "The bus training helped" not in _text(
        client.get("/feedback/evaluations/?audience=carer")
    )
    answer = Evaluation.objects.get().answers.filter(question__kind="text").first()
    theme = Theme.objects.get(name="Goals and progress")
    client.post(f"/feedback/evaluations/answers/{answer.pk}/themes/", {"themes": [theme.pk]})
    assert list(answer.themes.all()) == [theme]
    page = _text(client.get(f"/feedback/evaluations/?theme={theme.pk}"))
    # Both free-text answers said it; only the tagged one has the theme.
    assert page.count("The bus training helped") == 1
    csv = client.get("/feedback/evaluations/export/csv/").content.decode()
    assert "The bus training helped" in csv and "Goals and progress" in csv
    assert AccessLogEntry.objects.filter(action="export", user__username="quality").exists()
    assert client_for("commissioner").get("/feedback/evaluations/").status_code == 403


def test_provision_manager_changes_the_complaints_procedure(demo, client_for):
    client = client_for("provision_manager")
    path = "/feedback/services/KERS/complaints-procedure/"
    page = _text(client.get(path))
    assert "Version 1" in page and "complaintsteamadults@kent.gov.uk" in page
    response = client.post(
        path,
        {
            "complaints_procedure": "Phone us first",
            "complaints_phone": "01632 960000",
            "acknowledge_working_days": "5",
            "respond_working_days": "2",
        },
    )
    assert "The response cannot be due before the acknowledgement" in _text(response)
    response = client.post(
        path,
        {
            "complaints_procedure": "Phone us first",
            "acknowledge_working_days": "2",
            "respond_working_days": "10",
        },
    )
    assert "Enter at least one way to contact the complaints team" in _text(response)
    client.post(
        path,
        {
            "complaints_procedure": "Phone us first",
            "complaints_phone": "01632 960000",
            "acknowledge_working_days": "2",
            "respond_working_days": "10",
        },
    )
    public = _text(client_for("person").get("/feedback/my-evaluations/"))
    assert "Phone us first" in public and "respond within 10 working days" in public
