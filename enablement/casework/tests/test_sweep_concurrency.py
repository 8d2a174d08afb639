"""Two sweeps at once close an expired hold once and send one message, on PostgreSQL, in
two threads with their own connections (SQLite serialises every writer: nothing to test).
The first sweep pauses inside its transaction, after taking the locks, while the second
starts."""

import datetime as dt
import threading
import time

import pytest
from django.db import connection, connections
from django.utils import timezone

from enablement.casework import services
from enablement.casework.models import Episode, EpisodeStatus
from enablement.notifications.models import Notification

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks exist only on PostgreSQL; SQLite serialises every writer",
    ),
]

RAISED = timezone.make_aware(dt.datetime(2026, 3, 3, 10, 0))
LATER = timezone.make_aware(dt.datetime(2026, 3, 20, 7, 0))


@pytest.fixture
def held(transactional_db):
    from django.contrib.auth import get_user_model

    from enablement.demo.loader import load_demo

    load_demo(now=timezone.make_aware(dt.datetime(2026, 3, 2, 9, 0)))
    episode = Episode.objects.filter(referral__person__family_name="Exemplar").earliest("pk")
    worker = get_user_model().objects.get(username="worker.east")
    services.raise_episode_hold(episode=episode, concern="Violence", actor=worker, now=RAISED)
    return episode


def test_two_sweeps_at_once_close_once_and_tell_once(held, monkeypatch):
    social_worker = held.referral.named_social_worker
    before = Notification.objects.filter(user=social_worker).count()
    real = services.close_episode
    paused = threading.Event()

    def slow_first(**kwargs):
        if threading.current_thread().name == "first":
            paused.set()
            time.sleep(1.0)
        return real(**kwargs)

    monkeypatch.setattr(services, "close_episode", slow_first)
    closed = {}

    def run(name):
        try:
            closed[name] = services.expire_episode_holds(now=LATER)
        finally:
            connections.close_all()

    a = threading.Thread(target=run, args=("first",), name="first")
    b = threading.Thread(target=run, args=("second",), name="second")
    a.start()
    assert paused.wait(10)
    b.start()
    a.join(30)
    b.join(30)
    assert sorted(closed.values()) == [0, 1]
    held.refresh_from_db()
    assert held.status == EpisodeStatus.CLOSED
    assert Notification.objects.filter(user=social_worker).count() == before + 1
