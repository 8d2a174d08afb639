"""What a database superuser (or anyone who can write the tables directly) could do."""

from contextlib import contextmanager

from django.db import connection, transaction

from enablement.governance import triggers


@contextmanager
def bypassing_triggers():
    """A cursor with the audit triggers out of the way: `session_replication_role = replica`
    on PostgreSQL (superuser only), the triggers dropped and recreated on SQLite."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
            yield cursor
            cursor.execute("SET LOCAL session_replication_role = origin")
        else:
            triggers.drop_triggers(connection)
            yield cursor
            triggers.ensure_triggers(connection)


@contextmanager
def as_in_production(settings):
    """Audit maintenance off, as outside tests: a cursor in a transaction that is rolled back
    by the error the caller expects."""
    settings.AUDIT_MAINTENANCE = False
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SET LOCAL {triggers.MAINTENANCE_SETTING} = 'off'")
        yield cursor
