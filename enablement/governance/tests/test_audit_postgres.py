"""On PostgreSQL: the application's database role, and concurrent writers of the chain.

The roles test creates roles named after the test database (roles are cluster-wide, so two
test runs on one cluster do not share them) and drops them afterwards. SQLite is left out
because it has neither roles nor row locks: one writer holds the whole database at a time.
CI runs this file in its PostgreSQL pass.
"""

import datetime as dt
import io
import secrets
import threading
import time
from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone

from enablement.governance import chain
from enablement.governance.models import AccessLogEntry, Event
from enablement.governance.services import log_access, record_event

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="roles and row locks exist only on PostgreSQL; SQLite has one writer at a time",
    ),
]

NOW = timezone.make_aware(dt.datetime(2026, 3, 3, 10, 0))


@pytest.fixture
def demo_loaded(transactional_db):
    from enablement.demo.loader import load_demo

    load_demo(now=timezone.make_aware(dt.datetime(2026, 3, 2, 9, 0)))


@pytest.fixture
def roles(demo_loaded, monkeypatch):
    db = connection.settings_dict["NAME"]
    owner, app = f"{db}_owner", f"{db}_app"
    password = secrets.token_urlsafe(16)
    monkeypatch.setenv("DB_OWNER_PASSWORD", password)
    monkeypatch.setenv("DB_APP_PASSWORD", password)
    out = io.StringIO()
    call_command("create_db_roles", owner=owner, app=app, stdout=out)
    call_command("create_db_roles", owner=owner, app=app, stdout=out)  # idempotent
    assert f"{owner} owns the tables" in out.getvalue()
    yield owner, app, password
    connection.close()
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS enablement_later_table")
        cursor.execute(f'REASSIGN OWNED BY "{owner}" TO CURRENT_USER')
        cursor.execute(f'DROP OWNED BY "{app}", "{owner}"')
        cursor.execute(f'DROP ROLE "{app}", "{owner}"')


@contextmanager
def connected_as(role: str, password: str):
    """The default connection, reopened as another role (the application's, say)."""
    settings_dict = connection.settings_dict
    saved = settings_dict["USER"], settings_dict["PASSWORD"]
    connection.close()
    settings_dict["USER"], settings_dict["PASSWORD"] = role, password
    try:
        yield
    finally:
        connection.close()
        settings_dict["USER"], settings_dict["PASSWORD"] = saved


def refused(sql: str) -> str:
    with pytest.raises(DatabaseError) as error, transaction.atomic(), connection.cursor() as c:
        c.execute(sql)
    return str(error.value)


def test_the_application_role_can_only_insert_and_read_the_audit_tables(roles):
    from enablement.accounts.models import User
    from enablement.people.models import Person

    _owner, app, password = roles
    bo = Person.objects.get(family_name="Specimen")
    worker = User.objects.get(username="worker.east")
    with connected_as(app, password):
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone()[0] == app
        # What the application does: write and read both tables, chained.
        with transaction.atomic():
            record_event(kind="test.as_app", summary="Written as the app", actor=worker, now=NOW)
            log_access(user=worker, person=bo, action="view", now=NOW)
        assert Event.objects.filter(kind="test.as_app").count() == 1
        assert AccessLogEntry.objects.filter(person=bo).exists()
        # What it may not do, even with the tests' audit maintenance open on this
        # connection: the privileges refuse before any trigger is asked.
        for table in ("governance_event", "governance_accesslogentry"):
            assert "permission denied" in refused(f"DELETE FROM {table}")  # noqa: S608
            assert "permission denied" in refused(f"TRUNCATE {table}")
            assert "permission denied" in refused(f"UPDATE {table} SET id = id")  # noqa: S608
            assert "must be owner" in refused(f"ALTER TABLE {table} DISABLE TRIGGER ALL")
            assert "must be owner" in refused(f"ALTER TABLE {table} ADD COLUMN note text")
            assert "must be owner" in refused(f"DROP TABLE {table} CASCADE")
        # Everywhere else it changes and deletes as the product needs.
        with connection.cursor() as cursor:
            cursor.execute("UPDATE people_person SET town = town WHERE id = %s", [bo.pk])
            assert cursor.rowcount == 1
            cursor.execute("DELETE FROM django_session")
    assert "OK audit chain intact" in _verify()


def test_tables_of_later_migrations_are_open_to_the_application_role(roles):
    owner, app, password = roles
    with connected_as(owner, password), connection.cursor() as cursor:
        # The owner runs migrations: it may alter the audit tables and create new ones.
        with transaction.atomic():
            cursor.execute("ALTER TABLE governance_event ADD COLUMN migrated_by_owner text")
            transaction.set_rollback(True)
        cursor.execute(
            "CREATE TABLE enablement_later_table "
            "(id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, note text)"
        )
    with connected_as(app, password), connection.cursor() as cursor:
        cursor.execute("INSERT INTO enablement_later_table (note) VALUES ('a') RETURNING id")
        assert cursor.fetchone()[0] == 1
        cursor.execute("DELETE FROM enablement_later_table")
        assert cursor.rowcount == 1


def test_a_migration_cannot_hand_the_application_role_delete_on_the_audit_tables(roles):
    """The owner's default privileges give the application role full DML on every table a
    migration creates; if that is ever an audit table, the next migrate takes it back."""
    _owner, app, password = roles
    with connection.cursor() as cursor:
        cursor.execute(f'GRANT ALL ON governance_event, governance_accesslogentry TO "{app}"')
    call_command("migrate", verbosity=0)
    with connected_as(app, password):
        for table in ("governance_event", "governance_accesslogentry"):
            assert "permission denied" in refused(f"DELETE FROM {table}")  # noqa: S608
            assert "permission denied" in refused(f"TRUNCATE {table}")


def _verify() -> str:
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def test_two_writers_at_once_do_not_fork_the_chain(transactional_db, monkeypatch):
    """The first writer pauses after reading the chain's end, inside its transaction, while
    the second starts: without the head lock both would chain to the same row."""
    record_event(kind="test.first_row", summary="Before the race", actor=None, now=NOW)
    real = chain.row_hash
    paused = threading.Event()

    def slow_first(*args, **kwargs):
        if threading.current_thread().name == "first":
            paused.set()
            time.sleep(1.0)
        return real(*args, **kwargs)

    monkeypatch.setattr(chain, "row_hash", slow_first)
    errors = []

    def write(name):
        try:
            with transaction.atomic():
                record_event(kind=f"test.{name}", summary=name, actor=None, now=NOW)
        except Exception as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    first = threading.Thread(target=write, args=("first",), name="first")
    second = threading.Thread(target=write, args=("second",), name="second")
    first.start()
    assert paused.wait(10), "the first writer never reached the chain"
    second.start()
    first.join(30)
    second.join(30)
    assert errors == []
    a, b = Event.objects.get(kind="test.first"), Event.objects.get(kind="test.second")
    assert b.prev_hash == a.row_hash
    assert "governance_event 3 rows" in _verify()
