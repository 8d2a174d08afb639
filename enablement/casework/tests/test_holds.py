"""A hold during the enablement: the named social worker is asked and has the service's
hold time in working days; an answer from the summary page puts the episode back where it
was; no answer closes it not ready at the first sweep after the last day, once."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from enablement.casework import services
from enablement.casework.models import Episode, EpisodeHold, EpisodeStatus
from enablement.casework.tests.conftest import at, started
from enablement.catalogue.models import Service
from enablement.governance.models import Event
from enablement.notifications.models import Notification
from enablement.referrals.jobs import sweep

# Thursday 21 May 2026; Monday 25 May is the spring bank holiday. Five working days on is
# Friday 29 May: open all that day, closed by the first sweep from Monday 1 June.
THURSDAY = at(2026, 5, 21)


@pytest.fixture
def active(tuesday, episode, worker):
    return started(episode, worker, tuesday)


def _raise(client_for, role, episode):
    with time_machine.travel(THURSDAY, tick=False):
        client = client_for(role)  # signed in that day: a session does not last weeks
        page = client.get(f"/episodes/{episode.pk}/hold/").content.decode()
        assert "Friday 29 May 2026" in page
        response = client.post(
            f"/episodes/{episode.pk}/hold/", {"concern": "Poor progress against the goals"}
        )
    assert response.status_code == 302
    return EpisodeHold.objects.get(episode=episode)


def test_raised_hold_asks_the_social_worker_with_the_working_day_deadline(
    active, client_for, social_worker
):
    before = Notification.objects.filter(user=social_worker).count()
    hold = _raise(client_for, "senior", active)
    assert hold.expires_on == dt.date(2026, 5, 29)
    assert hold.status_before == EpisodeStatus.ACTIVE
    active.refresh_from_db()
    assert active.status == EpisodeStatus.ON_HOLD
    [asked] = Notification.objects.filter(user=social_worker).order_by("pk")[before:]
    assert "Friday 29 May 2026" in asked.body and "Poor progress" in asked.body
    assert Event.objects.filter(episode=active, kind="episode.on_hold").count() == 1
    with time_machine.travel(THURSDAY, tick=False):
        page = client_for("worker").get(f"/episodes/{active.pk}/").content.decode()
    assert 'data-testid="open-hold"' in page and "Friday 29 May 2026" in page


def test_no_answer_closes_at_the_first_sweep_after_the_last_day_once(
    active, client_for, social_worker
):
    _raise(client_for, "worker", active)
    with time_machine.travel(at(2026, 5, 29, 17), tick=False):  # the 5th working day
        assert sweep()["episode_holds_closed"] == 0
    active.refresh_from_db()
    assert active.status == EpisodeStatus.ON_HOLD
    before = Notification.objects.filter(user=social_worker).count()
    with time_machine.travel(at(2026, 6, 1, 7), tick=False):
        assert sweep()["episode_holds_closed"] == 1
        assert sweep()["episode_holds_closed"] == 0
    active.refresh_from_db()
    assert active.status == EpisodeStatus.CLOSED and active.closure_reason == "not_ready"
    assert EpisodeHold.objects.get(episode=active).expired_at is not None
    told = Notification.objects.filter(user=social_worker).order_by("pk")[before:]
    assert len(told) == 1 and "not ready for enablement" in told[0].body
    assert Event.objects.filter(episode=active, kind="episode.closed").count() == 1


def test_social_worker_answers_from_the_summary_page(active, client_for, social_worker):
    _raise(client_for, "worker", active)
    assert social_worker.username == "referrer"
    with time_machine.travel(at(2026, 5, 27), tick=False):
        client = client_for("referrer")
        page = client.get(f"/episodes/{active.pk}/summary/").content.decode()
        assert "Poor progress against the goals" in page and "Send answer" in page
        empty = client.post(f"/episodes/{active.pk}/summary/", {"answer": ""})
        assert "Error: " in empty.content.decode()
        assert "Enter your answer to the concern" in empty.content.decode()
        done = client.post(
            f"/episodes/{active.pk}/summary/", {"answer": "Spoke to Bo: carry on, weekly"}
        )
    assert done.status_code == 302
    active.refresh_from_db()
    assert active.status == EpisodeStatus.ACTIVE
    hold = EpisodeHold.objects.get(episode=active)
    assert hold.answer == "Spoke to Bo: carry on, weekly" and hold.answered_by == social_worker
    assert Event.objects.filter(episode=active, kind="episode.hold_answered").exists()
    with time_machine.travel(at(2026, 6, 1), tick=False):
        assert sweep()["episode_holds_closed"] == 0
    active.refresh_from_db()
    assert active.status == EpisodeStatus.ACTIVE


def test_hold_in_planning_returns_to_planning(tuesday, episode, worker, social_worker):
    services.raise_episode_hold(episode=episode, concern="Violence", actor=worker, now=tuesday)
    hold = EpisodeHold.objects.get(episode=episode)
    services.answer_episode_hold(hold=hold, answer="Safe", actor=social_worker, now=tuesday)
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.PLANNING


def test_only_where_the_service_holds(tuesday, episode, worker, client_for):
    settings = Service.objects.get(code="STR").current_settings
    assert not settings.complex_risk_hold
    Episode.objects.filter(pk=episode.pk).update(service_settings=settings)
    episode.refresh_from_db()
    with pytest.raises(ValidationError):
        services.raise_episode_hold(episode=episode, concern="x", actor=worker, now=tuesday)
    assert client_for("worker").get(f"/episodes/{episode.pk}/hold/").status_code == 404


def test_one_open_hold_and_only_the_social_worker_answers(tuesday, episode, worker, social_worker):
    services.raise_episode_hold(episode=episode, concern="Violence", actor=worker, now=tuesday)
    with pytest.raises(ValidationError):
        services.raise_episode_hold(episode=episode, concern="Again", actor=worker, now=tuesday)
    hold = EpisodeHold.objects.get(episode=episode)
    with pytest.raises(ValidationError):
        services.answer_episode_hold(hold=hold, answer="Fine", actor=worker, now=tuesday)
