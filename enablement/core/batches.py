"""Claiming due rows a batch at a time and writing a batch's rows in one statement, for the
periodic jobs (ADR 0038)."""

import datetime as dt
import json
from collections.abc import Sequence

from django.db import connections, models


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
