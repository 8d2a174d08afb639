"""Before the start: the risk review, the planning meeting (needs raised with the social
worker, unsafe or whole-period joint working closes not ready), health-and-safety issues
that block the start, and the start telling the person and the social worker."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from enablement.casework import services
from enablement.casework.models import EpisodeStatus, PlanningMeeting
from enablement.casework.tests.conftest import MEETING, ready_to_start
from enablement.governance.models import Event
from enablement.notifications.models import Notification
from enablement.reviews.models import Review

START_FORM = {"start_on_0": "3", "start_on_1": "3", "start_on_2": "2026"}


def _form(**over):
    data = {
        "held_on_0": "2",
        "held_on_1": "3",
        "held_on_2": "2026",
        "attendees": "Bo, Wren",
        "outcome": "ready",
        "employment_status": "not_seeking",
        "accommodation_status": "council_temporary",
    }
    return data | over


def test_meeting_refused_before_the_risk_review(tuesday, episode, worker, client_for):
    client = client_for("worker")
    response = client.post(f"/episodes/{episode.pk}/planning-meeting/", _form())
    assert response.status_code == 200
    assert "reviewed the risk assessments" in response.content.decode()
    assert not PlanningMeeting.objects.filter(episode=episode).exists()


def test_worker_walks_before_the_start_by_pages(tuesday, episode, client_for, social_worker):
    client = client_for("worker")
    page = client.get(f"/episodes/{episode.pk}/").content.decode()
    assert "Review risk and contact notes" in page and 'data-testid="before-start"' in page

    reviewed = client.post(f"/episodes/{episode.pk}/risk-review/", {"reviewed": "on"})
    assert reviewed.status_code == 302
    episode.refresh_from_db()
    assert episode.risk_reviewed_at is not None
    assert Event.objects.filter(episode=episode, kind="episode.risk_reviewed").count() == 1

    future = client.post(
        f"/episodes/{episode.pk}/planning-meeting/", _form(held_on_0="4")
    ).content.decode()
    assert "Error: " in future and "today or in the past" in future

    before = Notification.objects.filter(user=social_worker).count()
    done = client.post(
        f"/episodes/{episode.pk}/planning-meeting/",
        _form(needs=["carer_need", "safeguarding_need"], needs_note="Mum cares most days"),
    )
    assert done.status_code == 302
    raised = Event.objects.filter(episode=episode, kind="episode.need_raised")
    assert sorted(e.data["need"] for e in raised) == ["carer", "safeguarding"]
    [message] = Notification.objects.filter(user=social_worker).order_by("pk")[before:]
    assert "Carer's needs" in message.body and "Safeguarding" in message.body
    assert "Advocacy" not in message.body

    start = client.post(f"/episodes/{episode.pk}/start/", START_FORM)
    assert start.status_code == 302
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.ACTIVE
    assert episode.started_on == dt.date(2026, 3, 3)
    assert episode.planned_end == dt.date(2026, 5, 26)
    page = client.get(f"/episodes/{episode.pk}/").content.decode()
    assert "26 May 2026" in page and "14 April 2026" in page  # planned end, week-6 review
    assert "enablement starts 3 March 2026" in page  # the timeline


def test_joint_working_asked_for_is_said_on_the_meeting_page(tuesday, episode, worker, client_for):
    type(episode.referral).objects.filter(pk=episode.referral_id).update(
        joint_working_requested=True
    )
    services.record_risk_review(episode=episode, actor=worker, now=tuesday)
    page = client_for("worker").get(f"/episodes/{episode.pk}/planning-meeting/")
    assert 'data-testid="joint-working"' in page.content.decode()


@pytest.mark.parametrize("outcome", ["unsafe", "joint_working"])
def test_unsafe_or_whole_period_joint_working_closes_not_ready(
    outcome, tuesday, episode, worker, social_worker
):
    before = Notification.objects.filter(user=social_worker).count()
    ready_to_start(episode, worker, tuesday, outcome=outcome)
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.CLOSED
    assert episode.closure_reason == "not_ready"
    closing = Notification.objects.filter(user=social_worker).order_by("pk")[before:]
    assert [n.subject for n in closing] == [
        f"Referral {episode.referral.reference}: enablement closed"
    ]
    with pytest.raises(ValidationError):
        services.start_enablement(
            episode=episode, start_on=dt.date(2026, 3, 3), actor=worker, now=tuesday
        )


def test_open_safety_issue_blocks_the_start_naming_it_until_resolved(
    tuesday, episode, worker, social_worker, client_for
):
    ready_to_start(episode, worker, tuesday)
    before = Notification.objects.filter(user=social_worker).count()
    client = client_for("worker")
    raised = client.post(
        f"/episodes/{episode.pk}/safety-issues/",
        {"kind": "access", "description": "No key safe; nobody answers the door"},
    )
    assert raised.status_code == 302
    assert Notification.objects.filter(user=social_worker).count() == before + 1
    assert Event.objects.filter(episode=episode, kind="episode.safety_issue_raised").exists()
    page = client.get(f"/episodes/{episode.pk}/").content.decode()
    assert "cannot start until access to the property is resolved" in page

    refused = client.post(f"/episodes/{episode.pk}/start/", START_FORM).content.decode()
    assert "resolve the health-and-safety issue: access to the property" in refused
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.PLANNING

    issue = episode.safety_issues.get()
    empty = client.post(f"/episodes/{episode.pk}/safety-issues/{issue.pk}/resolve/", {})
    assert "Enter how the issue was resolved" in empty.content.decode()
    resolved = client.post(
        f"/episodes/{episode.pk}/safety-issues/{issue.pk}/resolve/",
        {"resolution": "Key safe fitted by the landlord"},
    )
    assert resolved.status_code == 302
    assert Event.objects.filter(episode=episode, kind="episode.safety_issue_resolved").exists()
    services.start_enablement(
        episode=episode, start_on=dt.date(2026, 3, 3), actor=worker, now=tuesday
    )
    assert episode.status == EpisodeStatus.ACTIVE


def test_start_not_before_the_meeting_and_not_twice(tuesday, episode, worker):
    ready_to_start(episode, worker, tuesday)
    with pytest.raises(ValidationError) as refused:
        services.start_enablement(
            episode=episode, start_on=dt.date(2026, 3, 1), actor=worker, now=tuesday
        )
    assert "on or after the planning meeting, 2 March 2026" in str(refused.value)
    services.start_enablement(
        episode=episode, start_on=dt.date(2026, 3, 2), actor=worker, now=tuesday
    )
    with pytest.raises(ValidationError):
        services.start_enablement(
            episode=episode, start_on=dt.date(2026, 3, 2), actor=worker, now=tuesday
        )
    assert Review.objects.filter(episode=episode).count() == 1


def test_start_tells_the_person_on_the_portal_and_the_social_worker(
    tuesday, episode, worker, social_worker, django_user_model
):
    portal = django_user_model.objects.create_user(username="bo.portal")
    type(episode.person).objects.filter(pk=episode.person_id).update(portal_user=portal)
    episode.person.refresh_from_db()
    ready_to_start(episode, worker, tuesday)
    services.start_enablement(
        episode=episode, start_on=dt.date(2026, 3, 2), actor=worker, now=tuesday
    )
    [told] = Notification.objects.filter(user=portal)
    assert "2 March 2026" in told.body and "25 May 2026" in told.body
    sw = Notification.objects.filter(user=social_worker).order_by("-pk").first()
    assert "starts on 2 March 2026" in sw.body and "25 May 2026" in sw.body
    assert Event.objects.filter(episode=episode, kind="episode.started").count() == 1


def test_start_does_not_need_a_signed_plan(tuesday, episode, worker):
    ready_to_start(episode, worker, tuesday, held_on=MEETING["held_on"])
    services.start_enablement(
        episode=episode, start_on=dt.date(2026, 3, 3), actor=worker, now=tuesday
    )
    assert episode.status == EpisodeStatus.ACTIVE
