"""Closure as users meet it: proposing with the outcomes form, the senior's agreement, the
named social worker's messages, disputes, the previous enablement and the tracker."""

import csv
import io
import json

import pytest
from django.core.exceptions import ValidationError

from enablement.casework import selectors as casework_selectors
from enablement.casework.models import Episode, EpisodeStatus
from enablement.closures import services
from enablement.closures.models import Closure, ClosureDispute, ClosureStatus
from enablement.closures.tests.helpers import episode_under_way, goals_of, user
from enablement.governance.models import Event
from enablement.notifications.models import Notification
from enablement.referrals.models import Referral
from enablement.reviews.models import GoalProgress, Review, ReviewKind


@pytest.fixture
def episode(demo):
    return episode_under_way(at=demo)


def _form(episode, reason="goals_achieved", **extra):
    goals = goals_of(episode)
    data = {
        "reason": reason,
        "discussion_note": "Talked it through with Bo and the social worker",
        "recommendations": "Keep the bus pass; join the Thursday walking group",
        "further_needs": "Help with managing money",
        "completed_with_person": "yes",
        "evaluation_offer": "link",
        "sequel": "ended_as_planned",
        "employment_status": "seeking_work",
        "accommodation_status": "tenant_social",
        f"goal_{goals[0].pk}": "achieved",
        f"goal_{goals[0].pk}_note": "Went alone three Tuesdays running",
        f"goal_{goals[1].pk}": "partly",
    }
    data.update(extra)
    return data


def _propose(episode, *, reason="goals_achieved", now, **extra):
    goals = goals_of(episode)
    values = {
        "outcomes": {goals[0].pk: ("achieved", "Alone"), goals[1].pk: ("partly", "")},
        "recommendations": "Keep the bus pass",
        "further_needs": "Help with managing money",
        "completed_with_person": True,
        "evaluation_offer": "paper",
        **extra,
    }
    return services.propose_closure(
        episode=episode, reason=reason, actor=user("worker.east"), now=now, **values
    )


def _inbox(person):
    return list(Notification.objects.filter(user=person).values_list("subject", "body"))


def test_goals_achieved_closes_the_episode_and_tells_the_named_social_worker(demo, client_for):
    # A person with other referrals and an episode of their own: none of them is touched.
    episode = episode_under_way(at=demo, new_person=False)
    referral = episode.referral
    social_worker = referral.named_social_worker
    other_referrals = {
        r.pk: r.status
        for r in Referral.objects.filter(person=episode.person).exclude(pk=referral.pk)
    }
    other_episodes = {
        e.pk: e.status for e in Episode.objects.filter(person=episode.person).exclude(pk=episode.pk)
    }

    assert other_referrals and other_episodes
    worker = client_for("worker")
    page = worker.get(f"/episodes/{episode.pk}/closure/")
    assert page.status_code == 200
    assert "Travel alone by bus to the Tuesday allotment group" in page.content.decode()
    done = worker.post(f"/episodes/{episode.pk}/closure/", _form(episode))
    assert done.status_code == 302, done.content.decode()[:2000]
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.CLOSING
    closure = Closure.objects.get(episode=episode)
    assert closure.status == ClosureStatus.PROPOSED
    assert {o.result for o in closure.goal_outcomes.all()} == {"achieved", "partly"}
    # The senior is told.
    assert any("closure to agree" in s for s, _ in _inbox(user("senior.east")))

    senior = client_for("senior")
    shown = senior.get(f"/episodes/{episode.pk}/closure/decide/")
    assert "Help with managing money" in shown.content.decode()
    agreed = senior.post(f"/episodes/{episode.pk}/closure/decide/", {"decision": "agree"})
    assert agreed.status_code == 302
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.CLOSED
    assert episode.closure_reason == "goals_achieved"
    assert episode.closed_at is not None

    inbox = _inbox(social_worker)
    assert any("enablement closed" in s for s, _ in inbox)
    further = [b for s, b in inbox if "further care and support needs" in s]
    assert further and "Help with managing money" in further[0]
    assert "Keep the bus pass; join the Thursday walking group" in further[0]
    assert "Travel alone by bus to the Tuesday allotment group: achieved" in further[0]

    # The final review at closure, from the outcomes form.
    final = Review.objects.get(episode=episode, kind=ReviewKind.FINAL)
    assert final.held_on == final.due_on
    assert GoalProgress.objects.filter(review=final).count() == 2

    # Closed to this service only: the person's other referrals and episodes untouched.
    assert {
        r.pk: r.status
        for r in Referral.objects.filter(person=episode.person).exclude(pk=referral.pk)
    } == other_referrals
    assert {
        e.pk: e.status for e in Episode.objects.filter(person=episode.person).exclude(pk=episode.pk)
    } == other_episodes

    kinds = set(Event.objects.filter(episode=episode).values_list("kind", flat=True))
    assert {"closure.proposed", "closure.agreed", "episode.closed"} <= kinds

    # The episode page shows the closure, its reason and the outcomes per goal.
    body = client_for("worker").get(f"/episodes/{episode.pk}/").content.decode()
    assert 'data-testid="closure"' in body
    assert "Goals achieved" in body
    assert "Partly achieved" in body


def test_a_reason_not_in_the_services_list_is_refused(episode, demo, client_for):
    settings = episode.service_settings
    narrower = type(settings).objects.get(pk=settings.pk)
    narrower.pk = None
    narrower.version = type(settings).objects.filter(service=settings.service).count() + 1
    narrower.closure_reasons = ["goals_achieved", "declined"]
    narrower.save()
    Episode.objects.filter(pk=episode.pk).update(service_settings=narrower)
    episode.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        _propose(episode, reason="missed_visits", now=demo)
    assert "this service's reasons" in str(refused.value.message_dict["reason"])
    page = client_for("worker").post(
        f"/episodes/{episode.pk}/closure/", _form(episode, reason="missed_visits")
    )
    assert page.status_code == 200
    assert "Missed visits" not in page.content.decode()
    assert "<title>Error: " in page.content.decode()
    assert "Select one of this service" in page.content.decode()
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.ACTIVE


def test_inadequate_progress_needs_the_discussion_with_the_senior(episode, client_for):
    worker = client_for("worker")
    page = worker.post(
        f"/episodes/{episode.pk}/closure/", _form(episode, reason="inadequate_progress")
    )
    assert page.status_code == 200
    assert "needs a discussion with the senior" in page.content.decode()
    done = worker.post(
        f"/episodes/{episode.pk}/closure/",
        _form(episode, reason="inadequate_progress", discussed_with_senior="on"),
    )
    assert done.status_code == 302
    closure = Closure.objects.get(episode=episode)
    assert closure.discussion_note.startswith("Discussed with the senior.")


def test_goals_achieved_with_no_goal_achieved_is_refused(episode, demo):
    goals = goals_of(episode)
    with pytest.raises(ValidationError) as refused:
        _propose(
            episode,
            now=demo,
            outcomes={goals[0].pk: ("partly", ""), goals[1].pk: ("not", "")},
        )
    assert "No goal is recorded as achieved" in str(refused.value)


def test_every_goal_needs_a_result(episode, demo, client_for):
    data = _form(episode)
    del data[f"goal_{goals_of(episode)[1].pk}"]
    page = client_for("worker").post(f"/episodes/{episode.pk}/closure/", data)
    assert page.status_code == 200
    assert "Select whether the goal was achieved" in page.content.decode()


def test_only_the_senior_agrees(episode, demo, client_for):
    _propose(episode, now=demo)
    worker = client_for("worker")
    assert worker.get(f"/episodes/{episode.pk}/closure/decide/").status_code == 403
    assert (
        worker.post(f"/episodes/{episode.pk}/closure/decide/", {"decision": "agree"}).status_code
        == 403
    )
    api = worker.post(f"/api/v1/episodes/{episode.pk}/closure/agree")
    assert api.status_code == 403
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.CLOSING
    ok = client_for("senior").post(f"/api/v1/episodes/{episode.pk}/closure/agree")
    assert ok.status_code == 200, ok.content
    assert ok.json()["episode_status"] == "closed"


def test_not_agreed_returns_the_episode_and_tells_the_worker(episode, demo, client_for):
    _propose(episode, now=demo)
    senior = client_for("senior")
    missing = senior.post(f"/episodes/{episode.pk}/closure/decide/", {"decision": "not_agree"})
    assert "Say why you do not agree" in missing.content.decode()
    done = senior.post(
        f"/episodes/{episode.pk}/closure/decide/",
        {"decision": "not_agree", "note": "Two more weeks of bus travel first"},
    )
    assert done.status_code == 302
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.ACTIVE
    closure = Closure.objects.get(episode=episode)
    assert closure.status == ClosureStatus.NOT_AGREED
    assert closure.decision_note == "Two more weeks of bus travel first"
    assert any("Two more weeks of bus travel first" in b for _, b in _inbox(user("worker.east")))
    # A new proposal may follow.
    _propose(episode, now=demo)


def test_not_agreed_before_the_start_returns_to_planning(demo):
    episode = episode_under_way(at=demo, started=False, signed=False)
    _propose(episode, reason="no_enablement_need", now=demo)
    services.not_agree_closure(
        episode=episode, note="Meet first", actor=user("senior.east"), now=demo
    )
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.PLANNING


def test_outcomes_are_recorded_against_the_draft_when_nothing_is_signed(demo):
    episode = episode_under_way(at=demo, signed=False)
    closure = _propose(episode, now=demo)
    assert closure.goal_outcomes.count() == 2


def test_a_second_proposal_is_refused(episode, demo):
    _propose(episode, now=demo)
    with pytest.raises(ValidationError) as refused:
        _propose(episode, now=demo)
    assert "already waiting" in str(refused.value)


def test_a_worker_of_another_team_gets_404(episode, client_for):
    west = client_for("worker.west")
    assert west.get(f"/episodes/{episode.pk}/closure/").status_code == 404
    assert west.get(f"/episodes/{episode.pk}/closure/decide/").status_code == 404
    body = {"reason": "declined", "completed_with_person": True, "evaluation_offer": "declined"}
    api = west.post(
        f"/api/v1/episodes/{episode.pk}/closure", json.dumps(body), content_type="application/json"
    )
    assert api.status_code == 404
    assert client_for("senior.west").get(f"/episodes/{episode.pk}/closure/decide/").status_code == (
        404
    )


def _api(client, path, body=None):
    return client.post(path, json.dumps(body or {}), content_type="application/json")


def test_a_dispute_escalates_senior_then_provision_manager_then_quality_manager(
    episode, client_for
):
    goals = goals_of(episode)
    worker, senior = client_for("worker"), client_for("senior")
    made = _api(
        worker,
        f"/api/v1/episodes/{episode.pk}/closure",
        {
            "reason": "goals_achieved",
            "outcomes": [
                {"goal_id": goals[0].pk, "result": "achieved", "note": "Alone"},
                {"goal_id": goals[1].pk, "result": "achieved"},
            ],
            "recommendations": "Keep going",
            "completed_with_person": True,
            "evaluation_offer": "link",
        },
    )
    assert made.status_code == 201, made.content
    assert _api(senior, f"/api/v1/episodes/{episode.pk}/closure/agree").status_code == 200

    base = f"/api/v1/episodes/{episode.pk}/disputes"
    raised = _api(worker, base, {"raised_by_name": "Bo's sister", "grounds": "Not ready yet"})
    assert raised.status_code == 201, raised.content
    step = raised.json()
    assert step["level"] == "senior"
    # Only the senior answers at their level.
    assert (
        _api(
            client_for("provision_manager"),
            f"{base}/{step['id']}/answer",
            {"answer": "x", "upheld": True},
        ).status_code
        == 403
    )
    answered = _api(
        senior, f"{base}/{step['id']}/answer", {"answer": "Goals were met", "upheld": True}
    )
    assert answered.status_code == 200, answered.content

    to_pm = _api(worker, f"{base}/{step['id']}/escalate", {"grounds": "Still not satisfied"})
    assert to_pm.status_code == 201, to_pm.content
    assert to_pm.json()["level"] == "provision_manager"
    assert any("escalated to you" in s for s, _ in _inbox(user("pm.kers"))), (
        "the provision manager is told"
    )
    assert (
        _api(
            senior, f"{base}/{to_pm.json()['id']}/answer", {"answer": "x", "upheld": True}
        ).status_code
        == 403
    )
    pm_answer = _api(
        client_for("provision_manager"),
        f"{base}/{to_pm.json()['id']}/answer",
        {"answer": "The review showed the goals met", "upheld": True},
    )
    assert pm_answer.status_code == 200

    to_qm = _api(worker, f"{base}/{to_pm.json()['id']}/escalate", {"grounds": "Still not"})
    assert to_qm.json()["level"] == "quality_manager"
    qm_answer = _api(
        client_for("quality_manager"),
        f"{base}/{to_qm.json()['id']}/answer",
        {"answer": "The closure stands", "upheld": True},
    )
    assert qm_answer.status_code == 200

    last = _api(worker, f"{base}/{to_qm.json()['id']}/escalate", {"grounds": "Again"})
    assert last.status_code == 400
    assert "last step" in last.json()["errors"][0]["message"]

    steps = list(ClosureDispute.objects.filter(episode=episode).order_by("raised_at", "id"))
    assert [(s.level, s.upheld) for s in steps] == [
        ("senior", True),
        ("provision_manager", True),
        ("quality_manager", True),
    ]
    assert all(s.answer for s in steps)

    # The episode page shows each step with its answer.
    body = worker.get(f"/episodes/{episode.pk}/").content.decode()
    assert "The review showed the goals met" in body
    assert "quality and enablement service manager" in body


def test_an_overturned_closure_is_recorded_and_not_reopened(episode, demo, client_for):
    _propose(episode, now=demo)
    services.agree_closure(episode=episode, actor=user("senior.east"), now=demo)
    dispute = services.record_dispute(
        episode=episode,
        raised_by_name="Bo",
        grounds="I wanted more",
        actor=user("worker.east"),
        now=demo,
    )
    senior = client_for("senior")
    page = senior.get(f"/episodes/{episode.pk}/closure/disputes/{dispute.pk}/answer/")
    assert "not reopened automatically" in page.content.decode()
    done = senior.post(
        f"/episodes/{episode.pk}/closure/disputes/{dispute.pk}/answer/",
        {"upheld": "no", "answer": "The second goal needed more time"},
    )
    assert done.status_code == 302
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.CLOSED
    assert Event.objects.filter(episode=episode, kind="closure.overturned").exists()
    social_worker = episode.referral.named_social_worker
    assert any("closure overturned" in s for s, _ in _inbox(social_worker))
    # Nothing to escalate after an overturn.
    with pytest.raises(ValidationError):
        services.escalate_dispute(
            episode=episode,
            dispute_id=dispute.pk,
            grounds="x",
            actor=user("worker.east"),
            now=demo,
        )


def test_an_open_closure_cannot_be_disputed(episode, demo):
    with pytest.raises(ValidationError):
        services.record_dispute(
            episode=episode, raised_by_name="Bo", grounds="x", actor=user("worker.east"), now=demo
        )


def test_the_previous_enablement_shows_how_it_ended(episode, demo):
    _propose(episode, now=demo)
    services.agree_closure(episode=episode, actor=user("senior.east"), now=demo)
    previous = casework_selectors.last_enablement(episode.person_id, ["KERS"])
    assert previous.episode_id == episode.pk
    assert previous.how_it_ended == "Goals achieved"
    words = previous.outcomes_and_recommendations
    assert "Travel alone by bus to the Tuesday allotment group: achieved. Alone" in words
    assert "Cook a hot meal twice a week: partly achieved" in words
    assert "Recommendations: Keep the bus pass" in words
    assert "Further care and support needs: Help with managing money" in words


def test_the_previous_enablement_reads_the_closure_in_one_query(
    episode, demo, django_assert_num_queries
):
    _propose(episode, now=demo)
    services.agree_closure(episode=episode, actor=user("senior.east"), now=demo)
    with django_assert_num_queries(2):
        casework_selectors.last_enablement(episode.person_id, ["KERS"])


def test_the_tracker_shows_the_closure_and_its_reason(episode, demo, client_for):
    _propose(episode, now=demo)
    services.agree_closure(episode=episode, actor=user("senior.east"), now=demo)
    senior = client_for("senior")
    page = senior.get(f"/referrals/?status={episode.referral.status}&sort=received_desc")
    body = page.content.decode()
    assert "Closed, 2 Mar 2026: Goals achieved" in body
    export = senior.get(f"/referrals/export/csv/?status={episode.referral.status}")
    rows = list(csv.DictReader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    row = next(r for r in rows if r["Reference"] == episode.referral.reference)
    assert row["Enablement"] == "Closed"
    assert row["Enablement closed"] == "2026-03-02"
    assert row["Closure reason"] == "Goals achieved"


def test_the_tracker_reads_a_fixed_number_of_queries(
    demo, client_for, django_assert_max_num_queries
):
    senior = client_for("senior")
    senior.get("/referrals/")  # warm the session
    # 22: the page's fixed reads, one of them whether the team's service ever routed
    # (the access filter's handed-on clause, ADR 0042), and the page's ids read before its
    # rows (the tracker's page, PERFORMANCE.md).
    with django_assert_max_num_queries(22) as few:
        senior.get("/referrals/")
    for _ in range(3):
        closed = episode_under_way(at=demo)
        _propose(closed, now=demo)
        services.agree_closure(episode=closed, actor=user("senior.east"), now=demo)
    with django_assert_max_num_queries(len(few.captured_queries)):
        senior.get("/referrals/")


def test_the_senior_sees_closures_to_agree(episode, demo, client_for):
    _propose(episode, now=demo)
    page = client_for("senior").get("/episodes/closures/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "1 closure waiting for a senior" in body
    assert episode.referral.reference in body
    west = client_for("senior.west").get("/episodes/closures/").content.decode()
    assert episode.referral.reference not in west
    assert client_for("worker").get("/episodes/closures/").status_code == 403


def test_the_episode_section_reads_a_fixed_number_of_queries(
    episode, demo, django_assert_num_queries, django_assert_max_num_queries
):
    from enablement.closures.sections import episode_section

    senior = user("senior.east")
    senior.staff  # noqa: B018  (the access door reads it once per request)
    _propose(episode, now=demo)
    services.agree_closure(episode=episode, actor=senior, now=demo)
    episode_section(senior, episode, today=demo.date())  # the user's roles, read once
    with django_assert_max_num_queries(5) as before:
        episode_section(senior, episode, today=demo.date())
    for i in range(3):
        dispute = services.record_dispute(
            episode=episode, raised_by_name="Bo", grounds=f"{i}", actor=senior, now=demo
        )
        services.answer_dispute(
            episode=episode,
            dispute_id=dispute.pk,
            answer="Stands",
            upheld=True,
            actor=senior,
            now=demo,
        )
    with django_assert_num_queries(len(before.captured_queries)):
        section = episode_section(senior, episode, today=demo.date())
    assert len(section["steps"]) == 3


def test_the_api_refuses_a_reason_not_in_the_list_with_the_field_named(demo, client_for):
    episode = episode_under_way(at=demo, goals=())
    body = {
        "reason": "moved_abroad",
        "completed_with_person": False,
        "evaluation_offer": "declined",
    }
    refused = _api(client_for("worker"), f"/api/v1/episodes/{episode.pk}/closure", body)
    assert refused.status_code == 400
    [error] = refused.json()["errors"]
    assert error["field"] == "reason"
    assert error["message"] == "Select one of this service's reasons for closing an enablement"
    made = _api(
        client_for("worker"),
        f"/api/v1/episodes/{episode.pk}/closure",
        {**body, "reason": "no_enablement_need"},
    )
    assert made.status_code == 201
    assert made.json()["outcomes"] == []
    assert made.json()["reason_label"] == "No enablement need"
    not_agreed = _api(
        client_for("senior"), f"/api/v1/episodes/{episode.pk}/closure/not-agree", {"note": "Wait"}
    )
    assert not_agreed.json()["episode_status"] == "active"
    assert not_agreed.json()["decision_note"] == "Wait"
