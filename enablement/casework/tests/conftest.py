"""An episode of the demo, waiting to start, and ways to walk it to the start."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from enablement.casework import services
from enablement.casework.models import Episode, EpisodeStatus


def at(y, m, d, h=10):
    return timezone.make_aware(dt.datetime(y, m, d, h, 0))


@pytest.fixture
def tuesday(demo):
    """The day after the demo was loaded."""
    with time_machine.travel(at(2026, 3, 3), tick=False):
        yield at(2026, 3, 3)


@pytest.fixture
def episode(demo):
    """Kent East's planning episode for the Exemplar referral (allocated in December)."""
    found = Episode.objects.select_related("referral", "person", "service_settings").get(
        referral__person__family_name="Exemplar"
    )
    assert found.status == EpisodeStatus.PLANNING
    return found


@pytest.fixture
def worker(user_for):
    return user_for("worker")


@pytest.fixture
def social_worker(episode):
    return episode.referral.named_social_worker


MEETING = {
    "held_on": dt.date(2026, 3, 2),
    "attendees": "Bo, Wren (worker)",
    "joint_visit": False,
    "joint_visit_with": "",
    "carer_need": False,
    "advocacy_need": False,
    "capacity_need": False,
    "safeguarding_need": False,
    "needs_note": "",
    "outcome": "ready",
}


def ready_to_start(episode, actor, now, **meeting):
    services.record_risk_review(episode=episode, actor=actor, now=now)
    services.record_planning_meeting(
        episode=episode, values={**MEETING, **meeting}, actor=actor, now=now
    )


def started(episode, actor, now, start_on=dt.date(2026, 3, 2)):
    ready_to_start(episode, actor, now)
    services.start_enablement(episode=episode, start_on=start_on, actor=actor, now=now)
    episode.refresh_from_db()
    return episode
