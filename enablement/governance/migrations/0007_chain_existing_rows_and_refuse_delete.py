"""Seal the rows written before the hash chain existed, then refuse DELETE and TRUNCATE as
well as UPDATE in the database (governance/triggers.py). The UPDATE-only triggers of 0002 are
dropped first, because sealing the old rows is the one UPDATE these tables will ever take."""

from django.db import migrations

from enablement.governance import chain, triggers

OLD_TRIGGERS = [f"{table}_no_update" for table in triggers.TABLES]


def _drop_old(connection):
    with connection.cursor() as cursor:
        for name, table in zip(OLD_TRIGGERS, triggers.TABLES, strict=True):
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def forward(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor not in ("sqlite", "postgresql"):
        return
    _drop_old(connection)
    triggers.drop_triggers(connection)
    key = chain.chain_key()
    Head = apps.get_model("governance", "AuditChainHead")
    for name in ("Event", "AccessLogEntry"):
        model = apps.get_model("governance", name)
        table = model._meta.db_table
        prev, length, batch = chain.GENESIS, 0, []
        shape = chain._shape(model)
        for row in chain._rows(model, connection.alias):
            digest = chain.row_hash(model, row, prev, key, shape=shape, from_db=True)
            batch.append((prev, digest, row["pk"]))
            prev, length = digest, length + 1
            if len(batch) >= 1000:
                _write(connection, table, batch)
                batch = []
        _write(connection, table, batch)
        Head.objects.using(connection.alias).update_or_create(
            table=table, defaults={"length": length, "last_hash": prev}
        )
    triggers.ensure_triggers(connection)


def _write(connection, table, batch):
    if batch:
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET prev_hash = %s, row_hash = %s WHERE id = %s",  # noqa: S608
                batch,
            )


def backward(apps, schema_editor):
    # Back to 0002's triggers: UPDATE refused, DELETE left to the application.
    connection = schema_editor.connection
    triggers.drop_triggers(connection)
    with connection.cursor() as cursor:
        for name, table in zip(OLD_TRIGGERS, triggers.TABLES, strict=True):
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"CREATE TRIGGER {name} BEFORE UPDATE ON {table} "
                    "FOR EACH ROW EXECUTE FUNCTION enablement_append_only()"
                )
            elif connection.vendor == "sqlite":
                cursor.execute(
                    f"CREATE TRIGGER {name} BEFORE UPDATE ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;"
                )


class Migration(migrations.Migration):
    dependencies = [("governance", "0006_audit_hash_chain")]
    operations = [migrations.RunPython(forward, backward)]
