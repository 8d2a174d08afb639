"""The hash chain over the audit tables (events and the access log).

Each row carries `prev_hash` (the `row_hash` of the row written before it in the same table)
and `row_hash`, an HMAC-SHA256 over `prev_hash` and the row's contents. The key is kept out of
the database (`settings.AUDIT_CHAIN_KEY`), so someone who can write the tables directly, a
database superuser included, cannot make a changed row's hash match again, and removing a
row leaves the next row pointing at a hash that is no longer there. `manage.py verify_audit`
walks the chain.

The contents are every concrete field but the id and the two hash fields, found from the
model, so a field added later is covered without touching this module. A field whose value
is its declared default is left out of the hashed form: rows written before a field was
added (with a default) keep their hash, and leaving out exactly the default values still
gives one hashed form per distinct row, so any change to any field changes the hash.

Writers are serialised per table by locking the table's `AuditChainHead` row in the
inserting transaction, so two concurrent inserts cannot both chain to the same row.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import hmac
import json
import uuid
from collections.abc import Iterable, Iterator, Sequence

from django.conf import settings
from django.db import IntegrityError, models, router, transaction
from django.utils import timezone

HASH_FIELDS = ("prev_hash", "row_hash")
GENESIS = ""  # the prev_hash of a table's first row


def chain_key() -> bytes:
    key = getattr(settings, "AUDIT_CHAIN_KEY", "") or ""
    if key:
        return key.encode()
    # Derived, so that a deployment without its own key still has one outside the database;
    # production should set AUDIT_CHAIN_KEY so that rotating SECRET_KEY leaves the chain whole.
    return hmac.new(settings.SECRET_KEY.encode(), b"enablement.audit-chain", "sha256").digest()


def chained_fields(model) -> list[models.Field]:
    return [
        f for f in model._meta.concrete_fields if not f.primary_key and f.attname not in HASH_FIELDS
    ]


def _plain(field: models.Field, value, from_db: bool = False):
    """The value as the database gives it back, in a form json can write exactly. Values
    read from the database (`from_db`) are already in it but for dates and numbers."""
    if value is None:
        return None
    if isinstance(field, models.JSONField):
        if not from_db:
            # What is stored is the JSON text; tuples come back as lists, int keys as strings.
            value = json.loads(json.dumps(value, cls=field.encoder))
        return _json_numbers(value)
    if not from_db:
        value = (field.target_field if field.is_relation else field).to_python(value)
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, dt.datetime):
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return ["timedelta", value // dt.timedelta(microseconds=1)]
    if isinstance(value, decimal.Decimal):
        places = getattr(field, "decimal_places", None)
        if places is not None:
            value = value.quantize(decimal.Decimal(1).scaleb(-places))
        return ["decimal", str(value)]
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return ["bytes", bytes(value).hex()]
    if isinstance(value, (float, list, dict)):
        return value
    return str(value)


def _json_numbers(value):
    """PostgreSQL's jsonb gives a large whole float (1e20) back as an integer."""
    if isinstance(value, float) and value.is_integer() and abs(value) >= 1e15:
        return int(value)
    if isinstance(value, dict):
        return {k: _json_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_numbers(v) for v in value]
    return value


def _shape(model) -> list[tuple[str, models.Field, object]]:
    """Each hashed field with its default in plain form; worked out once per walk."""
    return [(f.attname, f, _plain(f, f.get_default())) for f in chained_fields(model)]


def hashed_form(model, values: dict, *, shape=None, from_db: bool = False) -> str:
    """The canonical text hashed for a row, from {attname: value}."""
    form = {}
    for attname, field, default in shape or _shape(model):
        if attname not in values:
            continue  # as if it held its default
        value = _plain(field, values[attname], from_db)
        if value != default:
            form[attname] = value
    return json.dumps(form, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def row_hash(
    model, values: dict, prev_hash: str, key: bytes | None = None, *, shape=None, from_db=False
) -> str:
    form = hashed_form(model, values, shape=shape, from_db=from_db)
    message = prev_hash.encode() + b"\n" + form.encode()
    return hmac.new(key or chain_key(), message, hashlib.sha256).hexdigest()


def _values_of(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in chained_fields(type(obj))}


def _locked_head(model, using: str):
    from enablement.governance.models import AuditChainHead

    table = model._meta.db_table
    heads = AuditChainHead.objects.using(using)
    head = heads.select_for_update().filter(table=table).first()
    if head is not None:
        return head
    # Missing only on a new database or after a test flush emptied every table: start from
    # whatever the table holds, so the next row still follows the last one.
    last = model._base_manager.using(using).order_by("-pk").values_list("row_hash", flat=True)
    try:
        with transaction.atomic(using=using):
            heads.create(
                table=table,
                length=model._base_manager.using(using).count(),
                last_hash=last.first() or GENESIS,
            )
    except IntegrityError:
        pass  # another writer created it first; wait for its lock below
    return heads.select_for_update().get(table=table)


def seal(objs: Sequence, using: str | None = None) -> None:
    """Sets prev_hash and row_hash on unsaved rows of one model, in order, and moves the
    table's chain head past them. Must run in the transaction that inserts them."""
    if not objs:
        return
    model = type(objs[0])
    using = using or router.db_for_write(model, instance=objs[0])
    if not transaction.get_connection(using).in_atomic_block:
        raise RuntimeError("seal() must run inside the inserting transaction")
    head = _locked_head(model, using)
    key, shape = chain_key(), _shape(model)
    prev = head.last_hash
    for obj in objs:
        obj.prev_hash = prev
        obj.row_hash = row_hash(model, _values_of(obj), prev, key, shape=shape)
        prev = obj.row_hash
    head.last_hash = prev
    head.length += len(objs)
    head.save(update_fields=["last_hash", "length"])


# --- verifying -------------------------------------------------------------------------


class Break:
    def __init__(self, table: str, row_id, what: str):
        self.table, self.row_id, self.what = table, row_id, what

    def __str__(self) -> str:
        return f"{self.table}: {self.what}"


def _rows(model, using: str, chunk: int = 5000) -> Iterator[dict]:
    names = ["pk", *HASH_FIELDS, *(f.attname for f in chained_fields(model))]
    yield from (
        model._base_manager.using(using).order_by("pk").values(*names).iterator(chunk_size=chunk)
    )


def _bridge(archived: dict, prev: str, to: str) -> list:
    """The archived segments that lead, one after another, from the row hashed `prev` to
    the one hashed `to`; empty if none do (then rows really are missing)."""
    gaps = []
    while prev != to and prev in archived and len(gaps) <= len(archived):
        gaps.append(archived[prev])
        prev = gaps[-1].last_hash
    return gaps if prev == to else []


def verify_table(model, using: str = "default") -> tuple[int, Break | None]:
    """Walks one table in id order. Returns the number of rows and the first break.

    The chain head is read first: rows committed after it (the product keeps writing while
    this runs) come later in id order, so the head must match the row at its own length."""
    from enablement.governance.models import ArchivedSegment, AuditChainHead

    table = model._meta.db_table
    head = AuditChainHead.objects.using(using).filter(table=table).first()
    # Months detached for archiving, by the hash their first row followed.
    archived = {s.prev_hash: s for s in ArchivedSegment.objects.using(using).filter(table=table)}
    key, shape = chain_key(), _shape(model)
    prev_id, prev = None, GENESIS
    count = 0
    for row in _rows(model, using):
        count += 1
        if row["prev_hash"] != prev:
            gaps = _bridge(archived, prev, row["prev_hash"])
            if gaps:
                # The rows between were archived whole: they still count towards the head.
                before = count - 1
                count += sum(g.rows for g in gaps)
                prev_id, prev = gaps[-1].last_id, gaps[-1].last_hash
                at_head = head is not None and before < head.length == count - 1
                if at_head and prev != head.last_hash:
                    return count, Break(table, prev_id, "the chain head does not match")
        if row["prev_hash"] != prev:
            where = f"after row {prev_id}" if prev_id is not None else "at the start"
            return count, Break(
                table,
                row["pk"],
                f"row {row['pk']} does not follow the row before it: "
                f"a row was removed {where} (or row {row['pk']}'s chain link was changed)",
            )
        if row["row_hash"] != row_hash(model, row, prev, key, shape=shape, from_db=True):
            return count, Break(
                table, row["pk"], f"row {row['pk']} was changed: its contents do not match its hash"
            )
        prev_id, prev = row["pk"], row["row_hash"]
        if head is not None and count == head.length and prev != head.last_hash:
            return count, Break(table, prev_id, f"the chain head does not match row {prev_id}")
    if head is not None and count < head.length:
        gaps = _bridge(archived, prev, head.last_hash)  # the newest rows were archived
        if gaps:
            count += sum(g.rows for g in gaps)
            prev_id, prev = gaps[-1].last_id, gaps[-1].last_hash
    if head is None and count:
        return count, Break(table, prev_id, "the chain head is missing: rows may have been cut")
    if head is not None and count < head.length:
        last = f"row {prev_id}" if prev_id is not None else "the start"
        return count, Break(
            table,
            prev_id,
            f"{head.length - count} row(s) after {last} were removed: "
            f"the chain head records {head.length} rows",
        )
    return count, None


def audit_models() -> Iterable:
    from enablement.governance.models import AccessLogEntry, Event

    return (Event, AccessLogEntry)
