"""The sweep's batches on more than one connection at once, on PostgreSQL: two sweeps
side by side, and one sweep writing its batches side by side (core.batches.run_batches).
Apart from test_sweep_at_scale.py: a module whose tests share the demo holds one
transaction open across them, which these tests' other connections could not see into."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from enablement.referrals import services
from enablement.referrals.tests.test_sweep_at_scale import (
    LAST_DAY,
    TODAY,
    _assert_each_closed_once,
    _held,
)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks exist only on PostgreSQL; SQLite serialises every writer",
)
def test_two_sweeps_at_once_close_every_hold_exactly_once(monkeypatch):
    """The first sweep stops inside its first batch, holding that batch's locks, until the
    second has finished: the second skips the locked holds rather than waiting for them
    (it would wait for ever) and closes all the others; the first then closes its batch."""
    from enablement.demo.loader import load_demo

    load_demo(now=TODAY - dt.timedelta(days=2))
    services.expire_holds(now=TODAY)
    referrals = _held(300, LAST_DAY, TODAY)
    later = TODAY + dt.timedelta(days=3)
    real = services.notify_many
    first_claimed, second_done = threading.Event(), threading.Event()

    def first_waits(notices, **kwargs):
        if threading.current_thread().name == "first" and not first_claimed.is_set():
            first_claimed.set()  # its batch claimed and locked, its transaction open
            assert second_done.wait(60), "the second sweep waited on the first's locks"
        return real(notices, **kwargs)

    monkeypatch.setattr(services, "notify_many", first_waits)
    closed, failed = {}, []

    def run(name):
        try:
            # Each sweep one batch at a time: the test stops the first inside its own.
            closed[name] = services.expire_holds(now=later, batch_size=40, workers=1)
        except Exception as exc:  # reported below: an assertion in a thread is lost
            failed.append(exc)
        finally:
            if name == "second":
                second_done.set()
            connections.close_all()

    first = threading.Thread(target=run, args=("first",), name="first")
    second = threading.Thread(target=run, args=("second",), name="second")
    first.start()
    assert first_claimed.wait(60)
    second.start()
    first.join(90)
    second.join(90)
    assert not failed, failed
    assert closed == {"first": 40, "second": 260}
    _assert_each_closed_once(referrals, later)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="batches are written side by side only on PostgreSQL (core.batches.run_batches)",
)
def test_one_sweep_writing_batches_side_by_side_closes_every_hold_exactly_once(monkeypatch):
    """Two batches are open at once (each waits, holding its locks, until the other has
    claimed its own), and still every hold is closed once, every message written once, and
    the event chain unbroken: the batches' events are sealed one batch after the other."""
    from enablement.demo.loader import load_demo

    load_demo(now=TODAY - dt.timedelta(days=2))
    services.expire_holds(now=TODAY)
    referrals = _held(500, LAST_DAY, TODAY)
    later = TODAY + dt.timedelta(days=3)
    real = services.notify_many
    both_claimed = threading.Barrier(2, timeout=30)
    waited = []

    def wait_for_the_other(notices, **kwargs):
        if len(waited) < 2:
            waited.append(threading.current_thread().name)
            both_claimed.wait()
        return real(notices, **kwargs)

    monkeypatch.setattr(services, "notify_many", wait_for_the_other)
    assert services.expire_holds(now=later, batch_size=120, workers=2) == 500
    assert len(set(waited)) == 2
    assert services.expire_holds(now=later, batch_size=120, workers=2) == 0
    _assert_each_closed_once(referrals, later)
