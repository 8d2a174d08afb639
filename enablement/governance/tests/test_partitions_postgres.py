"""On PostgreSQL the audit tables are partitioned by month (governance/partitions.py,
migration 0010): rows land in their month, stay append-only there, keep their hash chain,
and an old month can be detached for archiving."""

import io
from datetime import date, datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from enablement.governance import chain, partitions
from enablement.governance.models import AccessLogEntry, Event
from enablement.governance.services import record_event

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="native declarative partitioning is PostgreSQL's; SQLite keeps one table",
    ),
]


def _at(*parts):
    return timezone.make_aware(datetime(*parts))


def _where(event) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tableoid::regclass::text FROM governance_event WHERE id = %s", [event.pk]
        )
        return cursor.fetchone()[0]


def _refused(sql):
    """Runs sql with audit maintenance off (the tests open it for their flushes)."""
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET LOCAL enablement.audit_maintenance = 'off'")
        # The test's own inserts left deferred foreign-key checks, which block a TRUNCATE
        # before any trigger is asked.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(sql)


def test_both_audit_tables_are_partitioned_by_month_on_their_time():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, pg_get_partkeydef(c.oid) FROM pg_class c "
            "WHERE c.relname = ANY(%s) ORDER BY c.relname",
            [list(partitions.KEYS)],
        )
        assert cursor.fetchall() == [
            ("governance_accesslogentry", "RANGE (at)"),
            ("governance_event", "RANGE (occurred_at)"),
        ]


def test_an_event_lands_in_its_month_keeps_its_chain_and_stays_append_only():
    with connection.cursor() as cursor:
        made, skipped = partitions.ensure_months(
            cursor, "governance_event", date(2031, 5, 1), date(2031, 5, 1)
        )
    assert made == ["governance_event_y2031m05"] and skipped == []
    first = record_event(kind="test", summary="in May", actor=None, now=_at(2031, 5, 10, 9))
    later = record_event(kind="test", summary="no month", actor=None, now=_at(2033, 1, 2, 9))
    assert _where(first) == "governance_event_y2031m05"
    assert _where(later) == "governance_event_default"
    assert chain.verify_table(Event)[1] is None

    for sql in (
        "UPDATE governance_event_y2031m05 SET summary = 'changed'",
        "DELETE FROM governance_event_y2031m05",
        "TRUNCATE governance_event_y2031m05",
        "TRUNCATE governance_event_default",
    ):
        _refused(sql)


def test_a_month_already_holding_rows_in_default_is_reported_not_made():
    record_event(kind="test", summary="early", actor=None, now=_at(2034, 2, 2, 9))
    with connection.cursor() as cursor:
        made, skipped = partitions.ensure_months(
            cursor, "governance_event", date(2034, 1, 1), date(2034, 3, 1)
        )
    assert made == ["governance_event_y2034m01", "governance_event_y2034m03"]
    assert skipped == ["governance_event_y2034m02"]


def test_the_command_makes_months_ahead_and_detaches_one_for_archiving(time_machine):
    time_machine.move_to(_at(2036, 11, 15, 9))
    out = io.StringIO()
    call_command("audit_partitions", ahead=2, since="2036-09", stdout=out)
    for table in partitions.KEYS:
        for month in ("y2036m09", "y2036m10", "y2036m11", "y2036m12", "y2037m01"):
            assert f"made {table}_{month}" in out.getvalue()
    kept = record_event(kind="test", summary="kept", actor=None, now=_at(2036, 12, 1, 9))
    archived = record_event(kind="test", summary="archived", actor=None, now=_at(2036, 11, 3, 9))

    call_command("audit_partitions", detach="2036-11", stdout=out)
    assert "detached governance_accesslogentry_y2036m11" in out.getvalue()
    assert list(Event.objects.filter(kind="test").values_list("pk", flat=True)) == [kept.pk]
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, summary FROM governance_event_y2036m11")
        assert cursor.fetchall() == [(archived.pk, "archived")]
    assert not AccessLogEntry.objects.filter(at__month=11, at__year=2036).exists()


def test_the_worker_makes_the_months_ahead_every_month(time_machine):
    from django_q.models import Schedule

    from enablement.governance.jobs import audit_partitions_job

    schedule = Schedule.objects.get(name="enablement audit partitions")
    assert (schedule.func, schedule.schedule_type) == (
        "enablement.governance.jobs.audit_partitions_job",
        Schedule.MONTHLY,
    )
    time_machine.move_to(_at(2040, 6, 15, 9))
    audit_partitions_job()
    with connection.cursor() as cursor:
        made = partitions.partitions(cursor, "governance_accesslogentry")
    assert "governance_accesslogentry_y2040m06" in made
    assert "governance_accesslogentry_y2041m06" in made


def _verify() -> str:
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def test_the_chain_still_verifies_after_a_month_is_archived_and_not_if_rows_go_missing(
    time_machine,
):
    from enablement.accounts.models import User
    from enablement.governance.models import ArchivedSegment, AuditChainHead
    from enablement.governance.services import log_access

    reader = User.objects.create(username="auditor.reads")
    time_machine.move_to(_at(2037, 11, 15, 9))
    call_command("audit_partitions", ahead=2, since="2037-08", stdout=io.StringIO())
    # Rows of neighbouring months interleave in id order, as late writes do: November's rows
    # form three runs between the others.
    for month, day in ((9, 1), (10, 2), (10, 9), (11, 3), (10, 20), (11, 4), (12, 1), (11, 5)):
        when = _at(2037, month, day, 9)
        record_event(kind="test", summary=f"{month}/{day}", actor=None, now=when)
        log_access(user=reader, action="test", now=when, path=f"/{month}/{day}")
    record_event(kind="test", summary="after", actor=None, now=_at(2037, 12, 2, 9))
    before = _verify()
    assert "OK audit chain intact" in before

    out = io.StringIO()
    call_command("audit_partitions", detach="2037-11", stdout=out)
    call_command("audit_partitions", detach="2037-10", stdout=out)
    assert not Event.objects.filter(occurred_at__month__in=[10, 11]).exists()
    segments = ArchivedSegment.objects.filter(table="governance_event")
    # October's runs were cut where November's rows had been: a run follows the chain.
    assert sorted((s.partition[-8:], s.rows) for s in segments) == [
        ("y2037m10", 1),
        ("y2037m10", 2),
        ("y2037m11", 1),
        ("y2037m11", 1),
        ("y2037m11", 1),
    ]

    # Every row still counts: the walk steps over each archived run where it bridges the gap.
    after = _verify()
    assert "OK audit chain intact" in after
    head = AuditChainHead.objects.get(table="governance_event")
    assert f"governance_event {head.length} rows" in after

    # A run nobody archived (its record gone) is a removal, named as one.
    segments.filter(partition__endswith="y2037m11").order_by("first_id").first().delete()
    with pytest.raises(CommandError):
        call_command("verify_audit", stdout=(broken := io.StringIO()))
    assert "BROKEN governance_event" in broken.getvalue()
    assert "was removed" in broken.getvalue()


def test_detaching_a_month_with_no_partition_says_so_and_detaches_nothing():
    with pytest.raises(CommandError, match="has no partition for 1999-01: nothing was detached"):
        call_command("audit_partitions", detach="1999-01", stdout=io.StringIO())
