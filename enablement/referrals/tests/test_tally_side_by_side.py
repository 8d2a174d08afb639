"""The tally folded while another transaction moves referrals, on PostgreSQL. Apart from
test_tally.py: a module whose tests share the demo holds one transaction open across them,
which this test's second connection could not see into."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections, transaction

from enablement.referrals import tally
from enablement.referrals.models import Referral
from enablement.referrals.rules import Status
from enablement.referrals.tests.test_tally import _counted, _tallied


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="side by side: PostgreSQL")
def test_a_change_committed_while_the_tally_is_folded_is_counted_once():
    from django.utils import timezone

    from enablement.demo.loader import load_demo

    load_demo(now=timezone.make_aware(dt.datetime(2026, 3, 2, 9)))
    written, folded, failed = threading.Event(), threading.Event(), []

    def move():
        try:
            with transaction.atomic():
                Referral.objects.exclude(status=Status.WITHDRAWN).update(status=Status.WITHDRAWN)
                written.set()  # its rows of changes written, not committed
                assert folded.wait(60)
        except Exception as exc:  # reported below: an assertion in a thread is lost
            failed.append(exc)
        finally:
            connections.close_all()

    mover = threading.Thread(target=move)
    mover.start()
    assert written.wait(60)
    before = _tallied()
    tally.compact()  # cannot see the uncommitted changes: neither deletes nor sums them
    assert _tallied() == before
    folded.set()
    mover.join(60)
    assert not failed, failed
    assert set(_counted()) == {k for k in _counted() if k[2] == Status.WITHDRAWN}
    assert _tallied() == _counted()
    tally.compact()
    assert _tallied() == _counted()
