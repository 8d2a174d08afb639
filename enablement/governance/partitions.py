"""Monthly partitions of the audit tables on PostgreSQL (issue 14 item 9).

The event and access-log tables only ever grow (retention keeps them for years), so on
PostgreSQL each is partitioned by month on its time column (native declarative
partitioning): a month's rows live in their own table, `governance_event_y2026m03`, found by
the planner from a time filter, and an old month can be detached whole for archiving (then
dumped and dropped by the database owner) without a DELETE, which the triggers refuse.

Rows outside every month made so far go to a DEFAULT partition. `ensure_months` makes the
months ahead (migration 0010 makes 12; `manage.py audit_partitions` more); a month that
already has rows in DEFAULT is left there and reported, since moving them would need the
DELETE the audit tables refuse.

The primary key becomes `(id, time)`: PostgreSQL wants the partition key in every unique
constraint. No table has a foreign key to the audit tables and the sequence still gives
each row its own id, so nothing relies on `id` alone being unique to the database.

SQLite has no partitioning; none of this runs there.
"""

from datetime import date

from enablement.governance import triggers

# table: the time column it is partitioned on
KEYS = {"governance_event": "occurred_at", "governance_accesslogentry": "at"}


def month_name(table: str, month: date) -> str:
    return f"{table}_y{month.year}m{month.month:02d}"


def _next(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _guard_truncate(cursor, partition: str) -> None:
    # Row triggers on the parent are cloned to each partition, a TRUNCATE trigger is not: a
    # TRUNCATE of one partition must be refused on that partition itself.
    cursor.execute(
        f"CREATE TRIGGER {partition}_no_truncate BEFORE TRUNCATE ON {partition} "
        "FOR EACH STATEMENT EXECUTE FUNCTION enablement_audit_guard()"
    )


def is_partitioned(cursor, table: str) -> bool:
    cursor.execute("SELECT relkind FROM pg_class WHERE relname = %s", [table])
    row = cursor.fetchone()
    return bool(row) and row[0] == "p"


def partitions(cursor, table: str) -> list[str]:
    cursor.execute(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = %s::regclass ORDER BY c.relname",
        [table],
    )
    return [name for (name,) in cursor.fetchall()]


def ensure_months(cursor, table: str, first: date, last: date) -> tuple[list[str], list[str]]:
    """Makes each missing month's partition from `first` to `last` (their months).
    Returns (made, skipped because DEFAULT already holds rows of that month)."""
    key = KEYS[table]
    present = set(partitions(cursor, table))
    made, skipped = [], []
    month = date(first.year, first.month, 1)
    while month <= last:
        name, end = month_name(table, month), _next(month)
        if name not in present:
            cursor.execute(
                # Table and column names come from KEYS, never from input.
                f"SELECT EXISTS (SELECT 1 FROM {table}_default "  # noqa: S608
                f"WHERE {key} >= %s AND {key} < %s)",
                [f"{month.isoformat()} 00:00+00", f"{end.isoformat()} 00:00+00"],
            )
            if cursor.fetchone()[0]:
                skipped.append(name)
            else:
                cursor.execute(
                    f"CREATE TABLE {name} PARTITION OF {table} "
                    f"FOR VALUES FROM ('{month.isoformat()} 00:00+00') "
                    f"TO ('{end.isoformat()} 00:00+00')"
                )
                _guard_truncate(cursor, name)
                made.append(name)
        month = end
    return made, skipped


def detach_month(cursor, table: str, month: date) -> str:
    """Detaches one month for archiving: its rows leave the audit table and stay in a table
    of their own for `pg_dump -t` and a DROP by the owner role."""
    name = month_name(table, month)
    _record_segments(cursor, table, name)
    cursor.execute(f"ALTER TABLE {table} DETACH PARTITION {name}")
    return name


def _record_segments(cursor, table: str, name: str) -> None:
    """Before the month leaves, note each run of its rows that is consecutive in the table's
    id order and in the chain (rows of neighbouring months interleave at the edges, and a
    month archived before left its own gaps), with the hashes the chain walk needs to step
    over it. Reads only the id range the month spans."""
    from django.utils import timezone

    from enablement.governance.models import ArchivedSegment

    cursor.execute(f"SELECT MIN(id), MAX(id) FROM {name}")  # noqa: S608 (names from KEYS)
    low, high = cursor.fetchone()
    if low is None:
        return
    cursor.execute(
        f"SELECT id, prev_hash, row_hash, tableoid = %s::regclass FROM {table} "  # noqa: S608
        "WHERE id BETWEEN %s AND %s ORDER BY id",
        [name, low, high],
    )
    now = timezone.now()
    segments: list[ArchivedSegment] = []
    run: ArchivedSegment | None = None
    while batch := cursor.fetchmany(5000):
        for row_id, prev_hash, row_hash, archived in batch:
            if not archived:
                run = None
                continue
            if run is None or prev_hash != run.last_hash:
                run = ArchivedSegment(
                    table=table,
                    partition=name,
                    first_id=row_id,
                    rows=0,
                    prev_hash=prev_hash,
                    archived_at=now,
                )
                segments.append(run)
            run.last_id, run.last_hash, run.rows = row_id, row_hash, run.rows + 1
    ArchivedSegment.objects.bulk_create(segments, batch_size=1000)


def _definitions(cursor, table: str):
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname <> %s",
        [table, f"{table}_pkey"],
    )
    indexes = cursor.fetchall()
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'f'",
        [table],
    )
    return indexes, cursor.fetchall()


def _rebuild(cursor, table: str, *, partitioned: bool, today: date) -> None:
    """Replaces the table by a copy of itself, partitioned by month or not, with the same
    column, index and constraint names (later Django migrations find them by name)."""
    key, old = KEYS[table], f"{table}_old"
    indexes, foreign_keys = _definitions(cursor, table)
    for name, _ in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    cursor.execute(f"ALTER TABLE {table} RENAME CONSTRAINT {table}_pkey TO {old}_pkey")
    cursor.execute(f"ALTER TABLE {table} RENAME TO {old}")
    cursor.execute(
        f"CREATE TABLE {table} (LIKE {old} INCLUDING DEFAULTS INCLUDING CONSTRAINTS "
        "INCLUDING IDENTITY INCLUDING STORAGE INCLUDING COMMENTS)"
        + (f" PARTITION BY RANGE ({key})" if partitioned else "")
    )
    pk = f"id, {key}" if partitioned else "id"
    cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {table}_pkey PRIMARY KEY ({pk})")
    for _, definition in indexes:
        cursor.execute(definition)
    for name, definition in foreign_keys:
        cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    if partitioned:
        cursor.execute(f"CREATE TABLE {table}_default PARTITION OF {table} DEFAULT")
        _guard_truncate(cursor, f"{table}_default")
        cursor.execute(f"SELECT min({key})::date FROM {old}")  # noqa: S608 (names from KEYS)
        oldest = cursor.fetchone()[0] or today
        ensure_months(cursor, table, min(oldest, today), _months_after(today, 12))
    cursor.execute(f"INSERT INTO {table} SELECT * FROM {old}")  # noqa: S608 (names from KEYS)
    cursor.execute(
        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
        f"coalesce((SELECT max(id) FROM {table}), 0) + 1, false)"
    )
    # CASCADE: the old partitions, when going back to one table.
    cursor.execute(f"DROP TABLE {old} CASCADE")
    cursor.execute(f"SELECT pg_get_serial_sequence('{table}', 'id')")
    cursor.execute(f"ALTER SEQUENCE {cursor.fetchone()[0]} RENAME TO {table}_id_seq")


def _months_after(day: date, months: int) -> date:
    month = date(day.year, day.month, 1)
    for _ in range(months):
        month = _next(month)
    return month


def partition_all(connection, today: date) -> None:
    with connection.cursor() as cursor:
        for table in KEYS:
            if not is_partitioned(cursor, table):
                _rebuild(cursor, table, partitioned=True, today=today)
    triggers.ensure_triggers(connection)
    triggers.revoke_changes(connection)


def unpartition_all(connection, today: date) -> None:
    with connection.cursor() as cursor:
        for table in KEYS:
            if is_partitioned(cursor, table):
                _rebuild(cursor, table, partitioned=False, today=today)
    triggers.ensure_triggers(connection)
    triggers.revoke_changes(connection)
