"""Recording reviews: progress against every goal, the plan revision, issues fed back to the
social worker and the senior, and "Overdue" the day after a review was due."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enablement.casework.models import Episode
from enablement.governance.models import Event
from enablement.notifications.models import Notification
from enablement.plans.models import Plan, PlanStatus
from enablement.reviews import services
from enablement.reviews.models import Extension, GoalProgress, Review
from enablement.reviews.sections import episode_section
from enablement.reviews.tests.factories import START, at, make_episode

MID_POINT = START + dt.timedelta(days=42)  # KERS: no later than week 6


def _form(episode, **over):
    goals = Plan.objects.get(episode=episode, status=PlanStatus.SIGNED).goals.all()
    held = over.pop("held_on", MID_POINT)
    data = {
        "held_on_0": held.day,
        "held_on_1": held.month,
        "held_on_2": held.year,
        "engagement": "good",
        "participants": "Bo, Wren (worker) and Rowan (named social worker)",
        "summary": "Travelling alone to the allotment most weeks",
        "plan_revision": "",
        "issues_for_social_worker": "",
    }
    for g in goals:
        data[f"progress_{g.pk}"] = "on_track"
        data[f"note_{g.pk}"] = ""
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def episode(demo):
    return make_episode("KERS")


def test_the_kers_mid_point_review_is_due_at_week_6(episode):
    [review] = Review.objects.filter(episode=episode)
    assert (review.week, review.due_on) == (6, MID_POINT)
    assert Episode.objects.get(pk=episode.pk).next_review_due == MID_POINT


def test_a_review_records_progress_on_every_goal_and_moves_the_next_review(episode, client_for):
    review = Review.objects.get(episode=episode)
    with time_machine.travel(at(MID_POINT), tick=False):
        page = client_for("worker").get(f"/episodes/{episode.pk}/reviews/{review.pk}/")
        assert page.status_code == 200
        assert "Goal number 2 in the person&#x27;s words" in page.content.decode()
        done = client_for("worker").post(
            f"/episodes/{episode.pk}/reviews/{review.pk}/", _form(episode)
        )
    assert done.status_code == 302, done.content.decode()[:2000]
    review.refresh_from_db()
    assert review.held_on == MID_POINT and review.engagement == "good"
    assert GoalProgress.objects.filter(review=review).count() == 2
    assert Episode.objects.get(pk=episode.pk).next_review_due is None
    assert Event.objects.filter(episode=episode, kind="episode.review_recorded").exists()
    # Nothing to feed back: nobody is told.
    assert not Event.objects.filter(kind="episode.review_issues_raised").exists()


def test_progress_is_required_for_every_goal(episode, client_for):
    review = Review.objects.get(episode=episode)
    goal = Plan.objects.get(episode=episode).goals.get(position=2)
    with time_machine.travel(at(MID_POINT), tick=False):
        page = client_for("worker").post(
            f"/episodes/{episode.pk}/reviews/{review.pk}/",
            _form(episode, **{f"progress_{goal.pk}": None}),
        )
    assert page.status_code == 200
    body = page.content.decode()
    assert "<title>Error: " in body
    assert "Select the progress on goal 2" in body
    review.refresh_from_db()
    assert review.held_on is None
    # The action refuses it too, whoever calls it.
    with pytest.raises(ValidationError) as refused:
        services.record_review(
            episode=episode,
            review=review,
            values={
                "held_on": MID_POINT,
                "engagement": "good",
                "participants": "Bo",
                "summary": "Fine",
            },
            progress={},
            actor=episode.worker.user,
            now=at(MID_POINT),
        )
    assert set(refused.value.message_dict) == {
        f"progress_{g.pk}" for g in Plan.objects.get(episode=episode).goals.all()
    }


def test_a_review_cannot_be_held_in_the_future(episode, client_for):
    review = Review.objects.get(episode=episode)
    with time_machine.travel(at(MID_POINT - dt.timedelta(days=1)), tick=False):
        page = client_for("worker").post(
            f"/episodes/{episode.pk}/reviews/{review.pk}/", _form(episode)
        )
    assert "must be today or in the past" in page.content.decode()


def test_issues_go_to_the_named_social_worker_and_the_senior(episode, client_for, user_for):
    review = Review.objects.get(episode=episode)
    with time_machine.travel(at(MID_POINT), tick=False):
        client_for("worker").post(
            f"/episodes/{episode.pk}/reviews/{review.pk}/",
            _form(episode, issues_for_social_worker="The housing repair is still outstanding"),
        )
    for who in ("referrer", "senior"):
        note = Notification.objects.get(
            user=user_for(who), subject__contains="issues from a review"
        )
        assert "housing repair" in note.body
    assert Event.objects.filter(episode=episode, kind="episode.review_issues_raised").exists()


def test_the_plan_changes_makes_a_new_version_to_sign(episode, client_for):
    review = Review.objects.get(episode=episode)
    with time_machine.travel(at(MID_POINT), tick=False):
        done = client_for("worker").post(
            f"/episodes/{episode.pk}/reviews/{review.pk}/",
            _form(episode, plan_revision="Add the Thursday bus", plan_changes="on"),
        )
    assert done.status_code == 302
    review.refresh_from_db()
    assert review.new_plan is not None
    assert review.new_plan.status == PlanStatus.DRAFT and review.new_plan.version == 2


def test_a_held_review_is_shown_not_recorded_twice(episode, client_for):
    review = Review.objects.get(episode=episode)
    with time_machine.travel(at(MID_POINT), tick=False):
        client_for("worker").post(f"/episodes/{episode.pk}/reviews/{review.pk}/", _form(episode))
        shown = client_for("provision_manager").get(f"/episodes/{episode.pk}/reviews/{review.pk}/")
        again = client_for("worker").post(
            f"/episodes/{episode.pk}/reviews/{review.pk}/", _form(episode, summary="Second go")
        )
    assert shown.status_code == 200 and "On track" in shown.content.decode()
    review.refresh_from_db()
    assert review.summary == "Travelling alone to the allotment most weeks"
    assert again.status_code == 200


def test_an_unscheduled_review_can_be_added(episode, client_for):
    day = START + dt.timedelta(days=20)
    with time_machine.travel(at(day), tick=False):
        done = client_for("senior").post(
            f"/episodes/{episode.pk}/reviews/new/", _form(episode, held_on=day)
        )
    assert done.status_code == 302
    added = Review.objects.get(episode=episode, held_on=day)
    assert added.week is None and added.due_on == day
    # The scheduled mid-point review is still the next one due.
    assert Episode.objects.get(pk=episode.pk).next_review_due == MID_POINT


def test_overdue_the_day_after_the_review_was_due(episode, client_for):
    with time_machine.travel(at(MID_POINT), tick=False):
        on_the_day = client_for("worker").get(f"/episodes/{episode.pk}/")
    with time_machine.travel(at(MID_POINT + dt.timedelta(days=1)), tick=False):
        day_after = client_for("worker").get(f"/episodes/{episode.pk}/")
        api = client_for("worker").get(f"/api/v1/episodes/{episode.pk}/reviews")
    assert 'data-testid="review-overdue"' not in on_the_day.content.decode()
    assert 'data-testid="review-overdue">Overdue' in day_after.content.decode()
    assert api.json()[0]["overdue"] is True


def test_a_worker_of_another_team_gets_404(episode, client_for):
    review = Review.objects.get(episode=episode)
    client = client_for("worker.west")
    assert client.get(f"/episodes/{episode.pk}/reviews/{review.pk}/").status_code == 404
    assert client.get(f"/episodes/{episode.pk}/extensions/new/").status_code == 404
    assert client.get(f"/api/v1/episodes/{episode.pk}/reviews").status_code == 404


def test_only_the_team_records_a_review(episode, client_for):
    review = Review.objects.get(episode=episode)
    path = f"/episodes/{episode.pk}/reviews/{review.pk}/"
    assert client_for("provision_manager").get(path).status_code == 403
    assert client_for("admin").get(path).status_code == 403


def test_api_records_a_review(episode, client_for):
    review = Review.objects.get(episode=episode)
    goals = Plan.objects.get(episode=episode).goals.all()
    body = {
        "held_on": MID_POINT.isoformat(),
        "progress": [{"goal_id": g.pk, "level": "achieved"} for g in goals],
        "engagement": "partial",
        "participants": "Bo and Wren",
        "summary": "Goals reached",
    }
    with time_machine.travel(at(MID_POINT), tick=False):
        done = client_for("worker").post(
            f"/api/v1/episodes/{episode.pk}/reviews/{review.pk}",
            body,
            content_type="application/json",
        )
        missing = client_for("worker").post(
            f"/api/v1/episodes/{episode.pk}/reviews",
            {**body, "progress": body["progress"][:1]},
            content_type="application/json",
        )
    assert done.status_code == 200, done.content
    assert {p["level"] for p in done.json()["progress"]} == {"achieved"}
    assert missing.status_code == 400
    assert missing.json()["errors"][0]["message"] == "Select the progress on goal 2"


def _section_queries(user, episode):
    episode = Episode.objects.select_related(
        "service_settings", "referral", "person", "service", "team"
    ).get(pk=episode.pk)
    with CaptureQueriesContext(connection) as ctx:
        episode_section(user, episode, today=MID_POINT)
    return len(ctx)


def test_the_section_reads_a_fixed_number_of_queries(episode, user_for):
    user = user_for("worker")
    user.roles  # noqa: B018 - the roles are read once per request
    _section_queries(user, episode)  # warm the user's staff record
    small = _section_queries(user, episode)
    for week in range(1, 8):
        Review.objects.create(episode=episode, week=None, due_on=START + dt.timedelta(days=week))
    for status in ("approved", "refused", "requested"):
        Extension.objects.create(
            episode=episode,
            weeks=1,
            reasons="r",
            evidence="e",
            status=status,
            requested_at=at(START),
            requested_by=user,
        )
    assert _section_queries(user, episode) == small
