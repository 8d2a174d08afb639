"""The missed-visit prompt: the senior is asked at exactly 2 misses before the planning
meeting and exactly 3 overall; nothing is ever closed; a service with no threshold (STR)
is never prompted; after the discussion the counts start again."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from enablement.casework.models import Episode, EpisodeStatus
from enablement.catalogue.models import Service
from enablement.governance.models import Event
from enablement.notifications.models import Notification
from enablement.visits import services
from enablement.visits.tests.conftest import hold_meeting

DAY = dt.date(2026, 3, 6)


def _miss(episode, user, now, outcome="not_engaged"):
    return services.record_visit(
        episode=episode,
        outcome=outcome,
        happened_on=DAY,
        hours=None,
        actor=user,
        now=now,
    )


def _prompts(senior):
    return Notification.objects.filter(user=senior, subject__contains="missed visits")


def _fresh(episode):
    return Episode.objects.get(pk=episode.pk)


@pytest.fixture
def people(user_for):
    return user_for("worker"), user_for("senior")


def test_two_misses_before_the_planning_meeting_prompt_the_senior(episode, people, monday):
    worker, senior = people
    _miss(episode, worker, monday)
    assert _fresh(episode).missed_visits_prompted_at is None
    assert not _prompts(senior).exists()
    _miss(episode, worker, monday, outcome="cancelled_by_person")
    fresh = _fresh(episode)
    assert fresh.missed_visits_prompted_at == monday
    assert fresh.status == EpisodeStatus.PLANNING  # the prompt never closes anything
    [message] = _prompts(senior)
    assert "Nothing has been closed" in message.body
    assert Event.objects.filter(kind="episode.missed_visits_prompted", episode=episode).count() == 1
    # A third miss while the prompt waits does not prompt again.
    _miss(episode, worker, monday)
    assert _prompts(senior).count() == 1


def test_three_misses_overall_after_the_meeting(started, people, monday):
    worker, senior = people
    _miss(started, worker, monday)
    _miss(started, worker, monday, outcome="cancelled_by_person")
    assert not _prompts(senior).exists()  # 2 after the meeting is below the overall 3
    _miss(started, worker, monday)
    assert _prompts(senior).count() == 1
    fresh = _fresh(started)
    assert fresh.missed_visits_prompted_at == monday
    assert fresh.status == EpisodeStatus.ACTIVE
    _miss(started, worker, monday)
    assert _prompts(senior).count() == 1


def test_one_before_and_two_after_the_meeting_is_three_overall(episode, people, monday):
    worker, senior = people
    _miss(episode, worker, monday)  # before the meeting
    hold_meeting(episode)
    _miss(episode, worker, monday)
    assert not _prompts(senior).exists()
    _miss(episode, worker, monday)
    assert _prompts(senior).count() == 1


def test_cancelled_by_the_service_and_ended_unsafe_are_not_counted(started, people, monday):
    worker, senior = people
    for _ in range(3):
        services.record_visit(
            episode=started,
            outcome="cancelled_by_service",
            happened_on=DAY,
            hours=None,
            actor=worker,
            now=monday,
        )
        services.record_visit(
            episode=started,
            outcome="ended_unsafe",
            happened_on=DAY,
            hours=1,
            note="The person was drunk and shouting; I left",
            actor=worker,
            now=monday,
        )
    assert not _prompts(senior).exists()
    assert _fresh(started).missed_visits_prompted_at is None


def test_a_service_with_no_threshold_never_prompts(started, people, monday):
    worker, senior = people
    str_settings = Service.objects.get(code="STR").current_settings
    assert str_settings.missed_visits_threshold is None
    Episode.objects.filter(pk=started.pk).update(service_settings=str_settings)
    started = Episode.objects.select_related("service_settings").get(pk=started.pk)
    for _ in range(6):
        _miss(started, worker, monday)
    assert not _prompts(senior).exists()
    assert _fresh(started).missed_visits_prompted_at is None


def test_discussion_clears_the_prompt_and_the_count_starts_again(started, people, monday):
    worker, senior = people
    for _ in range(3):
        _miss(started, worker, monday)
    later = monday + dt.timedelta(hours=2)
    note = services.discuss_missed_visits(
        episode=_fresh(started),
        decision="propose_closure",
        note="Talked it through with the worker; propose closure to the social worker",
        actor=senior,
        now=later,
    )
    fresh = _fresh(started)
    assert fresh.missed_visits_prompted_at is None
    assert fresh.missed_visits_discussed_at == later
    assert fresh.status == EpisodeStatus.ACTIVE  # proposing closure records a decision only
    assert note.kind == "formal" and "propose closure" in note.text
    assert Event.objects.filter(kind="episode.missed_visits_discussed").count() == 1
    # Counting starts again after the discussion: two more are below 3, the third prompts.
    after = later + dt.timedelta(days=1)
    _miss(fresh, worker, after)
    _miss(fresh, worker, after)
    assert _prompts(senior).count() == 1
    _miss(fresh, worker, after)
    assert _prompts(senior).count() == 2
    assert _fresh(started).missed_visits_prompted_at == after


def test_no_discussion_without_a_prompt(started, people, monday):
    with pytest.raises(ValidationError):
        services.discuss_missed_visits(
            episode=started, decision="continue", note="x", actor=people[1], now=monday
        )


def test_ended_unsafe_tells_the_named_social_worker_and_the_senior(started, people, monday):
    worker, senior = people
    with pytest.raises(ValidationError) as exc:
        services.record_visit(
            episode=started,
            outcome="ended_unsafe",
            happened_on=DAY,
            hours=1,
            note="",
            actor=worker,
            now=monday,
        )
    assert "note" in exc.value.message_dict
    services.record_visit(
        episode=started,
        outcome="ended_unsafe",
        happened_on=DAY,
        hours="0.5",
        note="Under the influence of alcohol; I ended the visit",
        actor=worker,
        now=monday,
    )
    named = started.referral.named_social_worker
    for user in (named, senior):
        assert Notification.objects.filter(user=user, subject__contains="ended early").exists()
    assert Event.objects.filter(kind="visit.ended_unsafe", episode=started).exists()


def test_before_planning_meeting_is_fixed_when_recorded(episode, people, monday):
    worker, _ = people
    planned = services.plan_visit(
        episode=episode, kind="visit", planned_for=monday, actor=worker, now=monday
    )
    before = _miss(episode, worker, monday)
    hold_meeting(episode)
    after = services.record_visit(
        episode=episode,
        visit=planned,
        outcome="attended",
        happened_on=DAY,
        hours=1,
        actor=worker,
        now=monday,
    )
    before.refresh_from_db()
    assert before.before_planning_meeting is True
    assert after.before_planning_meeting is False
    with pytest.raises(ValidationError):
        services.record_visit(
            episode=episode,
            visit=planned,
            outcome="not_engaged",
            happened_on=DAY,
            hours=None,
            actor=worker,
            now=monday,
        )


def test_no_visits_on_a_closed_episode(started, people, monday):
    Episode.objects.filter(pk=started.pk).update(status=EpisodeStatus.CLOSED)
    with pytest.raises(ValidationError):
        _miss(started, people[0], monday)
