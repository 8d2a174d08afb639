"""Claiming due rows a batch at a time and writing a batch's rows in one statement, for the
periodic jobs (ADR 0038)."""

import datetime as dt
import json
import queue
import threading
from collections.abc import Callable, Sequence

from django.conf import settings
from django.db import connections, models
from django.db.models.expressions import RawSQL


def claim_batch(queryset, *, batch_size: int, of: tuple[str, ...] = ()) -> list:
    """Up to `batch_size` rows of `queryset` (which the caller orders), locked until its
    transaction ends; call inside `transaction.atomic`. Where the database can (PostgreSQL),
    rows another transaction holds are skipped, not waited for: a second job running at the
    same time takes the next rows, and a row a person is acting on is left for the next run.
    `of` names the tables locked ("self" and followed relations); empty, every table the
    query joins is locked, so join only the rows to be claimed. SQLite has no row locks and
    lets one writer in at a time: there it is a plain batch."""
    if connections[queryset.db].features.has_select_for_update_skip_locked:
        queryset = queryset.select_for_update(skip_locked=True, of=of)
    return list(queryset[:batch_size])


def run_batches(
    act: Callable, batches: Sequence, *, workers: int | None = None, using: str = "default"
) -> list:
    """`act(batch)` for every batch, each in its own transaction (act opens it), by up to
    `workers` threads (settings.SWEEP_WORKERS if not given), each with its own connection.

    A batch's time is about half Python building rows and half the database writing them,
    one after the other; two connections let one batch's Python run while another's
    statements run in the database, which on PostgreSQL works on both at once. Where it
    cannot (SQLite lets one writer in at a time), or the caller is inside a transaction
    (which other connections could not see into), the batches run here, one after
    another. Batches claim their rows with SKIP LOCKED and write the audit chain last, so
    two at once neither collide nor deadlock (ADR 0045). Results come in no fixed order;
    the first error stops the rest being started and is raised here once all have ended."""
    workers = settings.SWEEP_WORKERS if workers is None else workers
    connection = connections[using]
    if (
        workers <= 1
        or len(batches) <= 1
        or connection.vendor != "postgresql"
        or connection.in_atomic_block
    ):
        return [act(batch) for batch in batches]
    waiting: queue.SimpleQueue = queue.SimpleQueue()
    for batch in batches:
        waiting.put(batch)
    results: list = []
    errors: list[BaseException] = []

    def work():
        try:
            while not errors:
                try:
                    batch = waiting.get_nowait()
                except queue.Empty:
                    return
                results.append(act(batch))
        except BaseException as exc:  # raised in the caller's thread below
            errors.append(exc)
        finally:
            connections.close_all()  # this thread's own connections

    threads = [
        threading.Thread(target=work, name=f"batch-{n}", daemon=True)
        for n in range(min(workers, len(batches)))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results


def with_ids(queryset, ids: Sequence[int]):
    """`queryset.filter(pk__in=ids)` for a job's thousands of ids. On PostgreSQL the ids
    travel as one text unpacked by the database: Django prepares each value of an `__in`
    list in Python and psycopg then quotes each into the statement, which for a sweep's
    2,000-id batches cost more than the statements themselves (docs/PERFORMANCE.md, the
    sweep). Elsewhere, and for a few ids, the plain filter."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql" or len(ids) < 100:
        return queryset.filter(pk__in=ids)
    pk = queryset.model._meta.pk
    cast = pk.target_field.db_type(connection) if pk.is_relation else pk.db_type(connection)
    # Each id made an int here: the text holds digits and commas, nothing else.
    text = ",".join(str(int(i)) for i in ids)
    return queryset.filter(
        pk__in=RawSQL(f"SELECT unnest(string_to_array(%s, ','))::{cast}", [text])  # noqa: S611
    )


def unflushed_commit(using: str = "default") -> None:
    """Call first inside a periodic job's batch transaction: on PostgreSQL its commit returns
    without waiting for the write-ahead log to reach the disk (`synchronous_commit` off for
    this transaction only). A sweep's batch writes megabytes of log and waiting for each
    flush was a fifth of its time. What it risks is only this: after a crash of the database
    server, the last fraction of a second of such commits can be undone, whole batches at a
    time, never part of one. The job is safe to run again (what was undone is still due and
    is done by the next run), and nothing leaves the building on the strength of such a
    commit: the outbox claims each email with an ordinary commit before sending it, and an
    ordinary commit waits for every earlier commit's log too."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def _plain(value):
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not a plain database value")


def insert_rows(
    model, columns: Sequence[str], rows: Sequence[tuple], *, using: str = "default"
) -> list[int]:
    """Inserts `rows` (tuples of values for the model's `columns`, by attname: ints,
    strings, booleans, dates, aware datetimes, None, and for a JSON field what it stores) and
    returns their ids, in the order given. Any other column takes what Django would write
    for it: its default, or the empty string or NULL.

    For a job that writes many rows of a plain table. On PostgreSQL the rows travel as one
    JSON text (encoded in C) unpacked by the database in order, one INSERT per call: Django's
    bulk_create makes a model instance and prepares each value in Python, and its client-side
    parameters quote each array element in Python too, which at 100,000 rows costs more than
    the database's own work (docs/PERFORMANCE.md, the sweep). Elsewhere, bulk_create.

    Not for the audit tables: their rows must be chained (AppendOnlyQuerySet.bulk_insert)."""
    if not rows:
        return []
    connection = connections[using]
    meta = model._meta
    fields = [meta.get_field(c) for c in columns]
    if connection.vendor != "postgresql":
        made = model._base_manager.using(using).bulk_create(
            [model(**dict(zip(columns, row, strict=True))) for row in rows], batch_size=2000
        )
        return [obj.pk for obj in made]
    given = {f.column for f in fields}
    defaults = [
        (f, f.get_db_prep_save(f.get_default(), connection))
        for f in meta.concrete_fields
        if not f.primary_key and f.column not in given
    ]
    quote = connection.ops.quote_name

    def cast(field) -> str:
        # Types without their length (varchar, not varchar(200)): the column still checks it.
        return field.db_type(connection).split("(")[0]

    jsons = [i for i, f in enumerate(fields) if isinstance(f, models.JSONField)]
    if jsons:
        # What the field stores: its own encoder's text, read back by the database as jsonb.
        rows = [list(row) for row in rows]
        for i in jsons:
            encoder = fields[i].encoder
            for row in rows:
                row[i] = None if row[i] is None else json.dumps(row[i], cls=encoder)
    names = [quote(f.column) for f in fields] + [quote(f.column) for f, _ in defaults]
    values = [f"(r->>{i})::{cast(f)}" for i, f in enumerate(fields)]
    values += [f"%s::{cast(f)}" for f, _ in defaults]
    # Names and types from the model's own fields; every value is a parameter.
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(names)}) "  # noqa: S608
        f"SELECT {', '.join(values)} FROM json_array_elements(%s::json) WITH ORDINALITY "
        f"AS a(r, n) ORDER BY n RETURNING {quote(meta.pk.column)}"
    )
    params = [v for _, v in defaults] + [json.dumps(rows, default=_plain)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]
