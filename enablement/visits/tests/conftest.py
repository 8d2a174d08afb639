import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from enablement.casework.models import Episode, EpisodeStatus, PlanningMeeting


@pytest.fixture
def monday(demo):
    """A week after the demo was loaded (2026-03-09 10:00)."""
    with time_machine.travel(timezone.make_aware(dt.datetime(2026, 3, 9, 10, 0)), tick=False):
        yield timezone.make_aware(dt.datetime(2026, 3, 9, 10, 0))


@pytest.fixture
def episode(demo):
    """Exemplar's KERS episode in Kent East (allocated by the demo), in planning."""
    return Episode.objects.select_related(
        "referral", "person", "service", "service_settings", "team"
    ).get(referral__person__family_name="Exemplar")


@pytest.fixture
def started(episode):
    """The same episode started on Monday 2 March 2026, with its planning meeting held."""
    Episode.objects.filter(pk=episode.pk).update(
        status=EpisodeStatus.ACTIVE,
        started_on=dt.date(2026, 3, 2),
        planned_end=dt.date(2026, 4, 13),
    )
    hold_meeting(episode)
    episode.refresh_from_db()
    return episode


def hold_meeting(episode, on=dt.date(2026, 3, 2)):
    from enablement.accounts.models import User

    return PlanningMeeting.objects.create(
        episode=episode,
        held_on=on,
        attendees="Worker, person, named social worker",
        outcome="ready",
        recorded_at=timezone.make_aware(dt.datetime.combine(on, dt.time(12))),
        recorded_by=User.objects.get(username="worker.east"),
    )


@pytest.fixture
def west_episode(demo):
    return Episode.objects.get(referral__person__family_name="Testcase")
