"""Who reaches the casework pages and API: a worker of another team gets 404 everywhere,
the referrer gets the summary and nothing else of the record, a provision manager who sees
the episode may not act on it (403). The API takes the same actions with field errors."""

import datetime as dt
import json

import pytest

from enablement.casework import services
from enablement.casework.models import EpisodeHold, EpisodeStatus
from enablement.casework.tests.conftest import MEETING, ready_to_start, started
from enablement.governance.services import record_event


def _paths(episode, issue_id=1, hold_id=1):
    pages = [
        f"/episodes/{episode.pk}/",
        f"/episodes/{episode.pk}/summary/",
        f"/episodes/{episode.pk}/risk-review/",
        f"/episodes/{episode.pk}/planning-meeting/",
        f"/episodes/{episode.pk}/safety-issues/",
        f"/episodes/{episode.pk}/safety-issues/{issue_id}/resolve/",
        f"/episodes/{episode.pk}/start/",
        f"/episodes/{episode.pk}/hold/",
    ]
    a = f"/api/v1/episodes/{episode.pk}"
    api_posts = {
        f"{a}/risk-reviewed": {},
        f"{a}/planning-meeting": {**MEETING, "held_on": "2026-03-02"},
        f"{a}/safety-issues": {"kind": "access", "description": "x"},
        f"{a}/safety-issues/{issue_id}/resolve": {"resolution": "x"},
        f"{a}/start": {"start_on": "2026-03-03"},
        f"{a}/holds": {"concern": "x"},
        f"{a}/holds/{hold_id}/answer": {"answer": "x"},
    }
    return pages, a, api_posts


def _post(client, path, body):
    return client.post(path, json.dumps(body), content_type="application/json")


def test_worker_of_another_team_gets_404_on_every_page_and_api_path(
    tuesday, episode, worker, client_for
):
    issue = services.raise_safety_issue(
        episode=episode, kind="access", description="No key", actor=worker, now=tuesday
    )
    hold = services.raise_episode_hold(episode=episode, concern="x", actor=worker, now=tuesday)
    pages, a, posts = _paths(episode, issue.pk, hold.pk)
    west = client_for("worker.west")
    for path in pages:
        assert west.get(path).status_code == 404, path
        assert west.post(path, {}).status_code == 404, path
    assert west.get(a).status_code == 404
    for path, body in posts.items():
        assert _post(west, path, body).status_code == 404, path


def test_referrer_sees_the_summary_only(tuesday, episode, worker, client_for):
    started(episode, worker, tuesday)
    referrer = client_for("referrer")
    summary = referrer.get(f"/episodes/{episode.pk}/summary/")
    assert summary.status_code == 200
    text = summary.content.decode()
    assert "25 May 2026" in text and 'data-testid="no-plan"' in text
    assert "Who attended" not in text and "Timeline" not in text
    assert referrer.get(f"/episodes/{episode.pk}/").status_code == 404
    assert referrer.get(f"/episodes/{episode.pk}/start/").status_code == 404
    got = referrer.get(f"/api/v1/episodes/{episode.pk}")
    assert got.status_code == 200 and got.json()["planned_end"] == "2026-05-25"
    assert _post(referrer, f"/api/v1/episodes/{episode.pk}/start", {}).status_code in (404, 422)


def test_summary_shows_the_latest_signed_plans_goals(tuesday, episode, worker, client_for):
    from enablement.plans.models import Goal, Plan

    def plan(version, signed, goal):
        p = Plan.objects.create(
            episode=episode,
            version=version,
            status="signed" if signed else "draft",
            created_at=tuesday,
            created_by=worker,
            updated_at=tuesday,
            worker_signed_at=tuesday if signed else None,
            worker_signed_by=worker if signed else None,
            person_signed_on=dt.date(2026, 3, 3) if signed else None,
        )
        Goal.objects.create(
            plan=p,
            position=1,
            key=1,
            description=goal,
            measure="Goes alone",
            target_date=dt.date(2026, 5, 1),
        )

    plan(1, True, "Take the bus to the allotment")
    plan(2, False, "A draft goal not yet agreed")
    page = client_for("referrer").get(f"/episodes/{episode.pk}/summary/").content.decode()
    assert "Take the bus to the allotment" in page
    assert "A draft goal not yet agreed" not in page


def test_provision_manager_sees_but_may_not_act(tuesday, episode, client_for):
    pm = client_for("provision_manager")
    assert pm.get(f"/episodes/{episode.pk}/").status_code == 200
    assert pm.get(f"/episodes/{episode.pk}/risk-review/").status_code == 403
    response = _post(pm, f"/api/v1/episodes/{episode.pk}/risk-reviewed", {})
    assert response.status_code == 403 and response.json()["detail"]


def test_api_walks_to_the_start_with_field_errors(tuesday, episode, client_for):
    client = client_for("worker")
    a = f"/api/v1/episodes/{episode.pk}"
    early = _post(client, f"{a}/planning-meeting", {**MEETING, "held_on": "2026-03-02"})
    assert early.status_code == 400
    assert "reviewed the risk" in early.json()["errors"][0]["message"]
    assert _post(client, f"{a}/risk-reviewed", {}).status_code == 200
    future = _post(client, f"{a}/planning-meeting", {**MEETING, "held_on": "2026-03-09"})
    assert future.status_code == 400
    assert {
        "field": "held_on",
        "message": "The date of the meeting must be today or in the past",
    } in future.json()["errors"]
    made = _post(
        client,
        f"{a}/planning-meeting",
        {**MEETING, "held_on": "2026-03-02", "advocacy_need": True},
    )
    assert made.status_code == 201 and made.json()["needs_raised"] == ["advocacy"]
    issue = _post(client, f"{a}/safety-issues", {"kind": "substances", "description": "Drinks"})
    assert issue.status_code == 201
    blocked = _post(client, f"{a}/start", {"start_on": "2026-03-03"})
    assert blocked.status_code == 400
    assert "drug or alcohol use" in blocked.json()["errors"][0]["message"]
    resolved = _post(
        client, f"{a}/safety-issues/{issue.json()['id']}/resolve", {"resolution": "Agreed plan"}
    )
    assert resolved.status_code == 200 and resolved.json()["resolved_at"]
    begun = _post(client, f"{a}/start", {"start_on": "2026-03-03"})
    assert begun.status_code == 200, begun.content
    body = begun.json()
    assert body["status"] == "active" and body["planned_end"] == "2026-05-26"
    assert body["next_review_due"] == "2026-04-14"
    held = _post(client, f"{a}/holds", {"concern": "Poor progress"})
    assert held.status_code == 201 and held.json()["expires_on"] == "2026-03-10"
    answered = _post(
        client_for("referrer"), f"{a}/holds/{held.json()['id']}/answer", {"answer": "Carry on"}
    )
    assert answered.status_code == 200
    assert client.get(a).json()["status"] == "active"
    # The worker may not answer for the social worker.
    again = _post(client, f"{a}/holds", {"concern": "Again"})
    refused = _post(client, f"{a}/holds/{again.json()['id']}/answer", {"answer": "x"})
    assert refused.status_code == 403


def test_section_and_timeline(tuesday, episode, worker, client_for, django_assert_max_num_queries):
    from enablement.casework.sections import episode_section

    ready_to_start(episode, worker, tuesday)
    for n in range(60):
        record_event(
            kind="episode.note", summary=f"Event {n}", actor=worker, now=tuesday, episode=episode
        )
    with django_assert_max_num_queries(12):
        section = episode_section(worker, episode, today=dt.date(2026, 3, 3))
    assert [t["name"] for t in section["tasks"]] == [
        "Review risk and contact notes",
        "Planning meeting",
        "Health and safety",
        "Start",
    ]
    page = client_for("worker").get(f"/episodes/{episode.pk}/").content.decode()
    assert "Timeline" in page and "Event 59" in page and "Event 5<" not in page
    assert "Older events" in page and "Newest events" not in page


def test_overdue_review_tagged(tuesday, episode, worker, client_for):
    import time_machine

    from enablement.casework.tests.conftest import at

    started(episode, worker, tuesday)
    with time_machine.travel(at(2026, 4, 14), tick=False):
        page = client_for("worker").get(f"/episodes/{episode.pk}/").content.decode()
    assert "13 April 2026" in page and "Overdue" in page


def test_referral_page_links_to_the_enablement(tuesday, episode, client_for):
    worker_page = client_for("worker").get(f"/referrals/{episode.referral_id}/").content.decode()
    assert f'href="/episodes/{episode.pk}/" data-testid="see-enablement"' in worker_page
    referrer_page = client_for("referrer").get(f"/referrals/{episode.referral_id}/")
    assert f'href="/episodes/{episode.pk}/summary/"' in referrer_page.content.decode()


@pytest.mark.parametrize("status", [EpisodeStatus.ACTIVE])
def test_hold_status_before_kept(status, tuesday, episode, worker):
    started(episode, worker, tuesday)
    hold = services.raise_episode_hold(episode=episode, concern="x", actor=worker, now=tuesday)
    assert EpisodeHold.objects.get(pk=hold.pk).status_before == status
