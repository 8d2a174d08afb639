"""Rows written before the chain existed are sealed by the migration that adds it."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from enablement.governance.models import AuditChainHead, Event

NOW = timezone.make_aware(dt.datetime(2026, 3, 3, 10, 0))


def _before_the_chain(executor) -> tuple[str, str]:
    """The governance migration just before the one creating AuditChainHead, found by what it
    does rather than its number, which may change when branches are merged."""
    for (app, _name), migration in executor.loader.disk_migrations.items():
        if app == "governance" and any(
            getattr(op, "name", "") == "AuditChainHead" for op in migration.operations
        ):
            (parent,) = [d for d in migration.dependencies if d[0] == "governance"]
            return parent
    raise AssertionError("no migration creates AuditChainHead")


@pytest.mark.django_db(transaction=True)
def test_rows_written_before_the_chain_are_sealed_and_then_refuse_delete(settings):
    executor = MigrationExecutor(connection)
    before = _before_the_chain(executor)
    executor.migrate([before])
    old = executor.loader.project_state([before]).apps.get_model("governance", "Event")
    for n in range(3):
        old.objects.create(kind="old.row", summary=f"Written before the chain {n}", occurred_at=NOW)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    rows = list(Event.objects.order_by("pk"))
    assert [r.summary for r in rows] == [f"Written before the chain {n}" for n in range(3)]
    assert rows[0].prev_hash == "" and rows[1].prev_hash == rows[0].row_hash
    assert AuditChainHead.objects.get(table="governance_event").length == 3
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert "governance_event 3 rows" in out.getvalue()
    # And the new triggers are in place.
    settings.AUDIT_MAINTENANCE = False
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enablement.audit_maintenance = 'off'")
        cursor.execute("DELETE FROM governance_event")
