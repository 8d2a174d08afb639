"""Two seniors allocating at once, on PostgreSQL, in two threads with their own connections.

The first allocation is held inside its transaction (after its checks, before it commits)
while the second starts, so the second always runs its checks while the first is still
uncommitted: exactly the moment a missing lock would let it through.

SQLite is left out because it has no row locks to test: its transactions take the whole
database's write lock at BEGIN (IMMEDIATE, see settings), so two writers never overlap.
CI runs this file in its PostgreSQL pass.
"""

import datetime as dt
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone

from enablement.allocation import services
from enablement.allocation.tests.helpers import fill_caseload
from enablement.casework.models import Episode
from enablement.catalogue.models import StaffMember
from enablement.referrals.models import Referral
from enablement.referrals.rules import Status

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks exist only on PostgreSQL; SQLite serialises every writer",
    ),
]

NOW = timezone.make_aware(dt.datetime(2026, 3, 3, 10, 0))


@pytest.fixture
def demo_loaded(transactional_db):
    from enablement.demo.loader import load_demo

    load_demo(now=timezone.make_aware(dt.datetime(2026, 3, 2, 9, 0)))


def _race(monkeypatch, first: dict, second: dict) -> list:
    """Runs two allocations; the first pauses inside its transaction until the second has
    had time to reach its own checks. Returns each outcome: an Episode or the error."""
    real = services._open_episode
    paused = threading.Event()

    def slow_first(*args, **kwargs):
        if threading.current_thread().name == "first":
            paused.set()
            time.sleep(1.0)
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "_open_episode", slow_first)
    outcomes: dict[str, object] = {}

    def run(name, kwargs):
        try:
            outcomes[name] = services.allocate(now=NOW, **kwargs)
        except ValidationError as exc:
            outcomes[name] = exc
        finally:
            connections.close_all()

    a = threading.Thread(target=run, args=("first", first), name="first")
    b = threading.Thread(target=run, args=("second", second), name="second")
    a.start()
    assert paused.wait(10), "the first allocation never reached its write"
    b.start()
    a.join(30)
    b.join(30)
    return [outcomes["first"], outcomes["second"]]


def _senior():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="senior.east")


def test_one_referral_is_never_given_to_two_workers(demo_loaded, monkeypatch):
    standin = Referral.objects.get(person__family_name="Standin")
    wren = StaffMember.objects.get(user__username="worker.east")
    jules = StaffMember.objects.get(user__username="worker.east2")
    senior = _senior()
    first, second = _race(
        monkeypatch,
        {"referral": standin, "worker": wren, "actor": senior},
        {"referral": standin, "worker": jules, "reason": "Second senior", "actor": senior},
    )
    assert isinstance(first, Episode)
    assert isinstance(second, ValidationError)
    assert "was allocated to Wren Worker" in str(second)
    assert list(Episode.objects.filter(referral=standin).values_list("worker", flat=True)) == [
        wren.pk
    ]
    standin.refresh_from_db()
    assert standin.status == Status.ALLOCATED


def test_two_allocations_never_push_a_worker_past_their_room(demo_loaded, monkeypatch):
    """Jules holds 9 (0.6 FTE); with 8 open, two seniors each give Jules a different
    referral at once: one gets the last place, the other is told the room has gone."""
    jules = StaffMember.objects.get(user__username="worker.east2")
    senior = _senior()
    base = Referral.objects.get(person__family_name="Facsimile")
    fill_caseload(jules, 7, like=base, by=senior, at=NOW)  # and 1 open in the demo: 8 of 9
    standin = Referral.objects.get(person__family_name="Standin")
    facsimile = Referral.objects.get(person__family_name="Facsimile", status=Status.ACCEPTED)
    first, second = _race(
        monkeypatch,
        {"referral": standin, "worker": jules, "reason": "First senior", "actor": senior},
        {"referral": facsimile, "worker": jules, "reason": "Second senior", "actor": senior},
    )
    assert isinstance(first, Episode)
    assert isinstance(second, ValidationError)
    assert "no room: 9 open of 9 places" in str(second)
    assert Episode.objects.filter(worker=jules, status__in=["planning", "active"]).count() == 9
    facsimile.refresh_from_db()
    assert facsimile.status == Status.ACCEPTED  # still waiting, nothing lost
