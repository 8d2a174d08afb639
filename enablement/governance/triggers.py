"""Database triggers that refuse UPDATE, DELETE and TRUNCATE on the audit tables.

UPDATE is refused always. DELETE (and TRUNCATE on PostgreSQL) is refused unless the
connection is in *audit maintenance*, which exists for one reason: pytest-django empties the
database between transactional tests with DELETE on SQLite and TRUNCATE on PostgreSQL.

- PostgreSQL: the trigger lets the statement through only when the session's
  `enablement.audit_maintenance` setting is 'on'. The application sets it, per connection, only
  when `settings.AUDIT_MAINTENANCE` is true, which only the test settings do. It is a guard
  against mistakes, not against the database's owner (who could drop the trigger anyway): the
  application's own database role has no DELETE or TRUNCATE privilege on these tables at all
  (`manage.py create_db_roles`), so the setting opens nothing for it.
- SQLite: the trigger calls `enablement_audit_maintenance()`, a function the application
  registers on each connection, answering 1 only while `settings.AUDIT_MAINTENANCE` is true.
  Any other client (the sqlite3 shell) has no such function, so its DELETE fails too.

`ensure_triggers` is idempotent and also runs after every migrate, because SQLite rebuilds a
table (dropping its triggers) when a later migration adds a column with a default.
"""

import re

from django.conf import settings

TABLES = ("governance_event", "governance_accesslogentry")
MAINTENANCE_SETTING = "enablement.audit_maintenance"
SQLITE_FUNCTION = "enablement_audit_maintenance"

_PG_REFUSE = (
    "CREATE OR REPLACE FUNCTION enablement_append_only() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END; $$ LANGUAGE plpgsql;"
)
_PG_GUARD = (
    "CREATE OR REPLACE FUNCTION enablement_audit_guard() RETURNS trigger AS $$ "
    "BEGIN "
    f"  IF coalesce(current_setting('{MAINTENANCE_SETTING}', true), '') = 'on' THEN "
    "    IF TG_LEVEL = 'ROW' THEN RETURN OLD; END IF; RETURN NULL; "
    "  END IF; "
    "  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP; "
    "END; $$ LANGUAGE plpgsql;"
)


def _pg_triggers(table: str) -> dict[str, str]:
    return {
        f"{table}_no_update": f"BEFORE UPDATE ON {table} FOR EACH ROW "
        "EXECUTE FUNCTION enablement_append_only()",
        f"{table}_no_delete": f"BEFORE DELETE ON {table} FOR EACH ROW "
        "EXECUTE FUNCTION enablement_audit_guard()",
        f"{table}_no_truncate": f"BEFORE TRUNCATE ON {table} FOR EACH STATEMENT "
        "EXECUTE FUNCTION enablement_audit_guard()",
    }


def _sqlite_triggers(table: str) -> dict[str, str]:
    refuse = f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
    return {
        f"{table}_no_update": f"BEFORE UPDATE ON {table} {refuse}",
        f"{table}_no_delete": f"BEFORE DELETE ON {table} WHEN NOT {SQLITE_FUNCTION}() {refuse}",
    }


def trigger_names(vendor: str) -> list[str]:
    make = _pg_triggers if vendor == "postgresql" else _sqlite_triggers
    return [name for table in TABLES for name in make(table)]


def ensure_triggers(connection) -> None:
    """Creates whichever of the triggers is missing (and their functions on PostgreSQL)."""
    vendor = connection.vendor
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgrelid IN "
                "(SELECT oid FROM pg_class WHERE relname = ANY(%s))",
                [list(TABLES)],
            )
            present = {name for (name,) in cursor.fetchall()}
            wanted = {t: _pg_triggers(t) for t in TABLES}
            if all(name in present for triggers in wanted.values() for name in triggers):
                return
            # The % in the bodies are PL/pgSQL's, not query placeholders: no params.
            cursor.execute(_PG_REFUSE)
            cursor.execute(_PG_GUARD)
            for triggers in wanted.values():
                for name, body in triggers.items():
                    if name not in present:
                        cursor.execute(f"CREATE TRIGGER {name} {body}")
        elif vendor == "sqlite":
            for table in TABLES:
                for name, body in _sqlite_triggers(table).items():
                    cursor.execute(f"CREATE TRIGGER IF NOT EXISTS {name} {body}")


def drop_triggers(connection) -> None:
    with connection.cursor() as cursor:
        for table in TABLES:
            for name in trigger_names(connection.vendor):
                if not name.startswith(table + "_no_"):
                    continue
                if connection.vendor == "postgresql":
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                else:
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def prepare_connection(sender, connection, **kwargs) -> None:
    """connection_created: open audit maintenance on this connection only in tests."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            SQLITE_FUNCTION, 0, lambda: 1 if settings.AUDIT_MAINTENANCE else 0
        )
    elif connection.vendor == "postgresql" and settings.AUDIT_MAINTENANCE:
        with connection.cursor() as cursor:
            cursor.execute(f"SET {MAINTENANCE_SETTING} = 'on'")


def revoke_changes(connection) -> None:
    """On PostgreSQL, takes UPDATE, DELETE and TRUNCATE on the audit tables back from every
    role but their owner. The owner's default privileges (`create_db_roles`) give them to the
    application role on any table a migration creates, audit tables included."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT c.relname, coalesce(quote_ident(r.rolname), 'PUBLIC') "
            "FROM pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) a "
            "LEFT JOIN pg_roles r ON r.oid = a.grantee "
            # The tables, and on PostgreSQL their monthly partitions (governance/partitions.py).
            "WHERE (c.relname = ANY(%s) OR c.oid IN (SELECT inhrelid FROM pg_inherits "
            "  WHERE inhparent IN (SELECT oid FROM pg_class WHERE relname = ANY(%s)))) "
            "AND c.relkind IN ('r', 'p') AND a.grantee <> c.relowner "
            "AND a.privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE', 'TRIGGER', 'REFERENCES')",
            [list(TABLES), list(TABLES)],
        )
        for table, grantee in cursor.fetchall():
            cursor.execute(
                f"REVOKE UPDATE, DELETE, TRUNCATE, TRIGGER, REFERENCES ON {table} FROM {grantee}"
            )


def ensure_heads(apps, using: str) -> None:
    """A chain head for each audit table, so that every insert takes the same path (a test
    flush empties the heads with everything else)."""
    try:
        head_model = apps.get_model("governance", "AuditChainHead")
    except LookupError:
        return  # migrated back to before the chain
    heads = head_model.objects.using(using)
    for name in ("Event", "AccessLogEntry"):
        model = apps.get_model("governance", name)
        table = model._meta.db_table
        if not heads.filter(table=table).exists():
            rows = model._base_manager.using(using)
            last = rows.order_by("-pk").values_list("row_hash", flat=True).first()
            heads.get_or_create(
                table=table, defaults={"length": rows.count(), "last_hash": last or ""}
            )


def ensure_after_migrate(sender, using="default", apps=None, **kwargs) -> None:
    if sender.label != "governance":
        return
    from django.apps import apps as global_apps
    from django.db import connections

    connection = connections[using]
    tables = set(connection.introspection.table_names())
    if all(t in tables for t in TABLES):
        ensure_triggers(connection)
        revoke_changes(connection)
        ensure_heads(apps or global_apps, using)


def kept_across_rebuild(*tables: str):
    """(keep, restore) for `RunPython` around a migration's change that SQLite makes by
    building a new table and dropping the old one, whose triggers go with it: their SQL is
    read before the change and run again after, so the table stays append-only whatever
    order the migrations run in (and without waiting for `ensure_triggers` after migrate).
    PostgreSQL alters in place: both do nothing there."""
    kept: list[str] = []
    where = f"type = 'trigger' AND tbl_name IN ({', '.join(['%s'] * len(tables))})"

    def keep(apps, schema_editor):
        if schema_editor.connection.vendor != "sqlite":
            return
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(f"SELECT sql FROM sqlite_master WHERE {where}", list(tables))  # noqa: S608
            kept[:] = [row[0] for row in cursor.fetchall()]

    def restore(apps, schema_editor):
        if schema_editor.connection.vendor != "sqlite":
            return
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(f"SELECT name FROM sqlite_master WHERE {where}", list(tables))  # noqa: S608
            present = {row[0] for row in cursor.fetchall()}
        for sql in kept:
            name = re.match(r"\s*CREATE\s+TRIGGER\s+(?:IF\s+NOT\s+EXISTS\s+)?(\S+)", sql, re.I)[1]
            if name not in present:
                schema_editor.execute(sql)
        kept.clear()

    return keep, restore
