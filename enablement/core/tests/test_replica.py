"""Reporting reads on a streaming replica (issue 14 item 9; core/replica.py).

Needs PostgreSQL and a replica of it: scripts/start_replica.sh starts one on port 5433 and
.ci/run sets REPORTING_DATABASE_URL to the same database name there for the PostgreSQL run.
The replica alias is a test MIRROR of default: it streams the whole cluster, so the test
database pytest-django makes on the primary appears on the replica by itself.

Transactional tests: a row written in a test's open transaction never reaches a replica.
"""

import logging
import socket
import time
from datetime import date, datetime

import pytest
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from enablement.accounts.models import User
from enablement.core import replica
from enablement.core.replica import REPLICA, reporting_db, reporting_reads
from enablement.reporting import selectors
from enablement.reporting.tests.factory import build

pytestmark = [
    pytest.mark.skipif(
        settings.DATABASES[DEFAULT_DB_ALIAS]["ENGINE"] != "django.db.backends.postgresql",
        reason="streaming replication is PostgreSQL's; SQLite has no replica",
    ),
    pytest.mark.skipif(
        REPLICA not in settings.DATABASES,
        reason="no replica configured: run scripts/start_replica.sh and set "
        "REPORTING_DATABASE_URL=postgres://postgres@127.0.0.1:5433/<same name as DATABASE_URL>",
    ),
    pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA]),
]


def _one(alias, sql):
    with connections[alias].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def _replayed(condition_sql, timeout=20.0):
    """Wait until the replica has replayed (or received) the primary's WAL up to now."""
    lsn = _one(DEFAULT_DB_ALIAS, "SELECT pg_current_wal_lsn()::text")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _one(REPLICA, condition_sql.format(lsn=lsn)):
            return
        time.sleep(0.05)
    pytest.fail(f"the replica did not reach {lsn} in {timeout} s")


def wait_for_replay():
    _replayed("SELECT pg_last_wal_replay_lsn() >= '{lsn}'::pg_lsn")


@pytest.fixture(autouse=True)
def fresh_check(settings):
    settings.REPORTING_MAX_LAG_SECONDS = 30
    replica.forget()
    yield
    replica.forget()


@pytest.fixture
def replay_paused():
    """The replica receives the primary's WAL but does not apply it, until the test ends.
    (Another test run in parallel only waits: replay pauses for a second or two.)

    Everything written so far is replayed first: paused in the middle of an earlier test's
    teardown (a TRUNCATE), the replica would hold that table's lock until replay resumed,
    and the test's own read of the table there would wait for ever."""
    wait_for_replay()
    _one(REPLICA, "SELECT pg_wal_replay_pause()::text")
    try:
        yield
    finally:
        _one(REPLICA, "SELECT pg_wal_replay_resume()::text")


@pytest.fixture
def replica_down():
    """Point the replica alias at a port nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    connection = connections[REPLICA]
    connection.close()
    port = connection.settings_dict["PORT"]
    connection.settings_dict["PORT"] = closed_port
    yield
    connection.close()
    connection.settings_dict["PORT"] = port


def test_the_replica_alias_is_a_standby_of_the_same_database():
    assert _one(REPLICA, "SELECT pg_is_in_recovery()") is True
    assert _one(DEFAULT_DB_ALIAS, "SELECT pg_is_in_recovery()") is False
    assert _one(REPLICA, "SELECT current_database()") == _one(
        DEFAULT_DB_ALIAS, "SELECT current_database()"
    )


def test_the_dashboard_reads_from_the_replica_and_writes_go_to_the_primary():
    data = build(now=timezone.make_aware(datetime(2025, 7, 15, 9)))
    wait_for_replay()
    service = data.services["TA"]
    kinds = selectors.FACT_LOADERS.keys()
    start, end = date(2025, 1, 1), date(2025, 3, 31)

    with (
        CaptureQueriesContext(connections[REPLICA]) as on_replica,
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_primary,
    ):
        from_replica = selectors.facts(service, start, end, kinds)
    assert len(on_replica) >= len(kinds)
    assert not [q for q in on_primary if "referrals_referral" in q["sql"]]
    assert all(from_replica[kind] for kind in kinds)

    # The same answer as the primary gives.
    with transaction.atomic():
        assert selectors.facts(service, start, end, kinds) == from_replica

    # A write inside a reporting block still goes to the primary (the replica would refuse it).
    with reporting_reads() as alias:
        assert alias == REPLICA
        User.objects.create(username="written.in.a.report")
        assert _one(alias, "SELECT pg_is_in_recovery()") is True
    assert User.objects.using(DEFAULT_DB_ALIAS).filter(username="written.in.a.report").exists()


def test_a_read_inside_a_transaction_stays_on_the_primary_to_see_its_own_writes():
    with transaction.atomic():
        User.objects.create(username="just.written")
        assert reporting_db() == DEFAULT_DB_ALIAS
        with reporting_reads():
            assert User.objects.filter(username="just.written").exists()
    assert reporting_db() == REPLICA


def test_a_replica_that_is_down_falls_back_to_the_primary_with_a_warning(replica_down, caplog):
    User.objects.create(username="read.while.replica.down")
    with (
        caplog.at_level(logging.WARNING, logger="enablement.replica"),
        reporting_reads() as alias,
    ):
        found = User.objects.filter(username="read.while.replica.down").exists()
    assert alias == DEFAULT_DB_ALIAS
    assert found
    assert "read replica is unreachable" in caplog.text

    # Checked once per REPORTING_CHECK_SECONDS, not once per read.
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="enablement.replica"):
        assert reporting_db() == DEFAULT_DB_ALIAS
    assert caplog.text == ""


def test_a_replica_lagging_beyond_the_setting_falls_back_to_the_primary(
    replay_paused, settings, caplog
):
    User.objects.create(username="written.while.replay.paused")
    # Received by the replica but not replayed: it is behind.
    _replayed("SELECT pg_last_wal_receive_lsn() >= '{lsn}'::pg_lsn")
    assert not User.objects.using(REPLICA).filter(username="written.while.replay.paused").exists()

    settings.REPORTING_MAX_LAG_SECONDS = 0
    with (
        caplog.at_level(logging.WARNING, logger="enablement.replica"),
        reporting_reads() as alias,
    ):
        found = User.objects.filter(username="written.while.replay.paused").exists()
    assert alias == DEFAULT_DB_ALIAS
    assert found
    assert "behind the primary, more than REPORTING_MAX_LAG_SECONDS=0" in caplog.text

    # A lag within the setting is tolerated: the replica serves, stale by design.
    settings.REPORTING_MAX_LAG_SECONDS = 3600
    assert reporting_db() == REPLICA
