"""The hash chain: `manage.py verify_audit` names the first row changed or removed, even when
the change bypassed every trigger as a database superuser can."""

import datetime as dt
import hashlib
import hmac
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import models
from django.utils import timezone

from enablement.governance import chain
from enablement.governance.models import AccessLogEntry, AppendOnlyError, AuditChainHead, Event
from enablement.governance.services import Read, log_access, log_accesses, record_event
from enablement.governance.tests.helpers import bypassing_triggers
from enablement.people.models import Person

NOW = timezone.make_aware(dt.datetime(2026, 3, 3, 10, 0))


def verify() -> str:
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def verify_fails() -> str:
    out = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command("verify_audit", stdout=out)
    assert error.value.returncode == 1
    return out.getvalue()


@pytest.fixture
def logged(client_for, user_for):
    """The demo, and a few reads of Bo Specimen's record in the access log."""
    bo = Person.objects.get(family_name="Specimen")
    for role in ("worker", "senior", "admin", "worker", "senior"):
        log_access(user=user_for(role), person=bo, action="view", now=NOW)
    return bo


def middle(model, **where):
    ids = list(model.objects.filter(**where).order_by("pk").values_list("pk", flat=True))
    assert len(ids) >= 3
    return ids[len(ids) // 2 - 1], ids[len(ids) // 2], ids[len(ids) // 2 + 1]


def test_an_untouched_chain_passes_with_its_counts(logged):
    out = verify()
    assert out.startswith("OK audit chain intact:")
    assert f"governance_event {Event.objects.count()} rows" in out
    assert f"governance_accesslogentry {AccessLogEntry.objects.count()} rows" in out
    assert AccessLogEntry.objects.count() == 5


@pytest.mark.parametrize(
    ("model", "change", "where"),
    [
        (Event, "summary = 'Nothing happened'", {}),
        (Event, "kind = 'person.recorded'", {"kind": "referral.submitted"}),
        (Event, "actor_id = NULL", {"actor__isnull": False}),
        (AccessLogEntry, "action = 'export'", {}),
        (AccessLogEntry, "path = '/elsewhere/'", {}),
    ],
)
def test_a_row_changed_behind_the_triggers_is_named(logged, model, change, where):
    _, changed, _ = middle(model, **where)
    table = model._meta.db_table
    with bypassing_triggers() as cursor:
        cursor.execute(f"UPDATE {table} SET {change} WHERE id = %s", [changed])  # noqa: S608
        assert cursor.rowcount == 1
    out = verify_fails()
    assert f"BROKEN {table}: row {changed} was changed" in out


def test_a_row_rehashed_without_the_key_is_still_named(logged):
    """Whoever rewrites a row and its hash needs the key, which is not in the database."""
    _, changed, _ = middle(Event)
    row = Event.objects.filter(pk=changed).values().get()
    row["summary"] = "Nothing happened"
    forged = hmac.new(b"a guessed key", b"", hashlib.sha256)
    forged.update(row["prev_hash"].encode() + b"\n" + chain.hashed_form(Event, row).encode())
    with bypassing_triggers() as cursor:
        cursor.execute(
            "UPDATE governance_event SET summary = %s, row_hash = %s WHERE id = %s",
            [row["summary"], forged.hexdigest(), changed],
        )
    assert f"BROKEN governance_event: row {changed} was changed" in verify_fails()


@pytest.mark.parametrize("model", [Event, AccessLogEntry])
def test_a_row_removed_from_the_middle_is_named(logged, model):
    before, removed, after = middle(model)
    table = model._meta.db_table
    with bypassing_triggers() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [removed])  # noqa: S608
    out = verify_fails()
    assert f"BROKEN {table}: row {after} does not follow the row before it" in out
    assert f"a row was removed after row {before}" in out


def test_rows_removed_from_the_end_are_counted(logged):
    ids = list(AccessLogEntry.objects.order_by("pk").values_list("pk", flat=True))
    with bypassing_triggers() as cursor:
        cursor.execute("DELETE FROM governance_accesslogentry WHERE id >= %s", [ids[-2]])
    out = verify_fails()
    assert f"BROKEN governance_accesslogentry: 2 row(s) after row {ids[-3]} were removed" in out
    assert "governance_event" not in out  # the other table is whole


def test_the_first_row_removed_is_named(logged):
    ids = list(AccessLogEntry.objects.order_by("pk").values_list("pk", flat=True))
    with bypassing_triggers() as cursor:
        cursor.execute("DELETE FROM governance_accesslogentry WHERE id = %s", [ids[0]])
    out = verify_fails()
    assert f"row {ids[1]} does not follow the row before it: a row was removed at the start" in out


def test_every_way_of_writing_chains(logged, user_for):
    bo = logged
    worker = user_for("worker")
    Event.objects.create(kind="test.direct", summary="Made directly", occurred_at=NOW)
    Event.objects.bulk_create(
        [Event(kind="test.bulk", summary=f"In bulk {n}", occurred_at=NOW) for n in range(3)]
    )
    record_event(kind="test.service", summary="Through the service", actor=worker, now=NOW)
    rows = log_accesses(
        user=worker,
        now=NOW,
        path="/p/",
        query="",
        reads=[Read(action="view", person_id=bo.pk) for _ in range(4)],
    )
    assert len(rows) == 4 and all(r.row_hash for r in rows)
    assert rows[1].prev_hash == rows[0].row_hash
    AccessLogEntry.objects.bulk_create(
        [AccessLogEntry(user=worker, person=bo, action="view", at=NOW)]
    )
    assert not Event.objects.filter(row_hash="").exists()
    assert "OK audit chain intact" in verify()
    head = AuditChainHead.objects.get(table="governance_accesslogentry")
    assert head.length == AccessLogEntry.objects.count() == 10


def test_bulk_inserts_that_could_skip_rows_are_refused(logged, user_for):
    with pytest.raises(AppendOnlyError):
        Event.objects.bulk_create(
            [Event(kind="x", summary="x", occurred_at=NOW)], ignore_conflicts=True
        )
    assert "OK" in verify()


def _another(field: models.Field, value):
    """A different value of the same type."""
    if field.is_relation:
        return (value or 0) + 1
    if isinstance(field, models.JSONField):
        return {"changed": True}
    if isinstance(field, models.DateTimeField):
        return (value or NOW) + dt.timedelta(microseconds=1)
    if isinstance(field, models.DateField):
        return (value or NOW.date()) + dt.timedelta(days=1)
    if isinstance(field, models.BooleanField):
        return not value
    if isinstance(field, (models.IntegerField, models.FloatField, models.DecimalField)):
        return (value or 0) + 1
    if isinstance(field, (models.CharField, models.TextField, models.GenericIPAddressField)):
        return (
            "10.0.0.9" if isinstance(field, models.GenericIPAddressField) else (value or "") + "x"
        )
    raise AssertionError(f"teach this test to change a {type(field).__name__}")


@pytest.mark.parametrize("model", [Event, AccessLogEntry])
def test_every_field_is_in_the_hash(logged, model):
    """Fields added later are covered without anyone remembering to add them."""
    row = model.objects.order_by("pk").values().first()
    prev = row["prev_hash"]
    assert chain.row_hash(model, row, prev) == row["row_hash"]
    fields = chain.chained_fields(model)
    assert {"id", "prev_hash", "row_hash"}.isdisjoint(f.attname for f in fields)
    for field in fields:
        changed = {**row, field.attname: _another(field, row[field.attname])}
        assert chain.row_hash(model, changed, prev) != row["row_hash"], field.attname


FIRST_FIELDS = {
    Event: {
        "occurred_at",
        "actor_id",
        "kind",
        "summary",
        "person_id",
        "service_id",
        "data",
        "referral_id",
        "episode_id",
    },
    AccessLogEntry: {"at", "user_id", "person_id", "action", "path"},
}


@pytest.mark.parametrize("model", [Event, AccessLogEntry])
def test_fields_added_to_audit_tables_keep_old_rows_verifiable(model):
    """A row written before a field existed was hashed without it. It still verifies because
    a value equal to the field's default is left out of the hash, so a new field must be
    nullable or have a default, and never be filled in by the clock (auto_now)."""
    for field in chain.chained_fields(model):
        assert not getattr(field, "auto_now", False), field.name
        assert not getattr(field, "auto_now_add", False), field.name
        if field.attname not in FIRST_FIELDS[model]:
            assert field.null or field.has_default(), f"{field.name} needs null or a default"


def test_a_value_equal_to_the_default_leaves_the_hash_as_it_was():
    without = {"kind": "k", "summary": "s", "occurred_at": NOW}
    with_defaults = {**without, "data": {}, "actor_id": None, "referral_id": None}
    assert chain.hashed_form(Event, without) == chain.hashed_form(Event, with_defaults)
    assert chain.hashed_form(Event, without) != chain.hashed_form(
        Event, {**without, "data": {"a": 1}}
    )


def test_the_key_comes_from_the_setting_or_else_from_the_secret_key(settings):
    settings.AUDIT_CHAIN_KEY = ""
    derived = chain.chain_key()
    assert derived not in (b"", settings.SECRET_KEY.encode())
    settings.SECRET_KEY = "another secret key for this test only"
    assert chain.chain_key() != derived
    settings.AUDIT_CHAIN_KEY = "kept in the environment"
    assert chain.chain_key() == b"kept in the environment"


def test_values_come_back_from_the_database_as_they_were_hashed(db, settings):
    """What is hashed on insert is what the database gives back: JSON numbers and keys,
    times in another zone, ids given as text."""
    from zoneinfo import ZoneInfo

    Event.objects.create(
        kind="test.values",
        summary="Values",
        occurred_at=dt.datetime(2026, 7, 1, 9, 30, 15, 123456, tzinfo=ZoneInfo("Europe/London")),
        data={"big": 1e20, "small": 1e-7, "half": 0.5, 1: "int key", "list": (1, 2), "é": "ü"},
    )
    assert "governance_event 1 rows" in verify()
    values = {"kind": "k", "summary": "s", "occurred_at": NOW, "person_id": 7}
    assert chain.hashed_form(Event, values) == chain.hashed_form(
        Event, {**values, "person_id": "7"}
    )


def test_a_missing_chain_head_is_reported(logged):
    AuditChainHead.objects.filter(table="governance_event").delete()
    assert "BROKEN governance_event: the chain head is missing" in verify_fails()


def test_rows_written_while_verifying_are_not_taken_for_a_break(logged, user_for, monkeypatch):
    """The product keeps writing while verify_audit runs: rows after the chain head it read
    first are new, not a sign of tampering."""
    real = chain._rows

    def rows_then_a_write(model, using, **kwargs):
        yield from real(model, using, **kwargs)
        if model is AccessLogEntry:  # committed after the walk read its rows
            log_access(user=user_for("worker"), person=logged, action="view", now=NOW)

    monkeypatch.setattr(chain, "_rows", rows_then_a_write)
    assert "governance_accesslogentry 5 rows" in verify()
    assert "governance_accesslogentry 6 rows" in verify()


@pytest.mark.django_db(transaction=True)
def test_the_chain_heads_are_back_after_a_test_flush():
    """pytest-django empties every table between transactional tests; the heads come back,
    so the first insert of a test costs the same queries as the next."""
    assert set(AuditChainHead.objects.values_list("table", flat=True)) == {
        "governance_event",
        "governance_accesslogentry",
    }
    record_event(kind="test.flush", summary="Before a flush", actor=None, now=NOW)
    call_command("flush", interactive=False, verbosity=0)
    head = AuditChainHead.objects.get(table="governance_event")
    assert (head.length, head.last_hash) == (0, "")


def test_a_related_row_saved_after_it_was_assigned_is_hashed_by_its_id(logged):
    from enablement.accounts.models import User

    actor = User(username="saved.late")
    event = Event(kind="test.late", summary="Late id", occurred_at=NOW, actor=actor)
    actor.save()  # after being assigned: the event's actor_id is set only when it is saved
    event.save()
    assert Event.objects.get(pk=event.pk).actor_id == actor.pk
    assert "OK audit chain intact" in verify()
