"""The timeline and the access log can be added to, never changed or deleted."""

import pytest
from django.db import DatabaseError, connection, transaction

from enablement.governance import triggers
from enablement.governance.models import AccessLogEntry, AppendOnlyError, Event
from enablement.governance.tests.helpers import as_in_production
from enablement.people.models import Person


def test_viewing_a_person_writes_the_access_log_and_a_provision_manager_reads_it(
    client_for, user_for
):
    bo = Person.objects.get(family_name="Specimen")
    client_for("worker").get(f"/people/{bo.pk}/")
    entry = AccessLogEntry.objects.get(person=bo)
    assert entry.user == user_for("worker")
    assert entry.action == "view"
    page = client_for("provision_manager").get("/access-log/", {"person": bo.pk})
    assert [e.pk for e in page.context["page"].object_list] == [entry.pk]
    assert "Wren Worker" in page.content.decode()


def test_provision_manager_sees_only_entries_about_their_services(client_for):
    str_person = Person.objects.get(family_name="Demo")  # an STR person
    client_for("quality").get(f"/people/{str_person.pk}/")
    page = client_for("provision_manager").get("/access-log/")  # pm.kers oversees KERS
    assert list(page.context["page"].object_list) == []


def test_api_read_is_logged_too(client_for):
    bo = Person.objects.get(family_name="Specimen")
    client_for("worker").get(f"/api/v1/people/{bo.pk}")
    assert AccessLogEntry.objects.filter(person=bo, action="api_view").count() == 1


def test_timeline_shows_events_newest_first(client_for):
    bo = Person.objects.get(family_name="Specimen")
    client = client_for("senior")
    client.post(f"/people/{bo.pk}/carers/new/", {"name": "Val", "relationship": "sister"})
    timeline = client.get(f"/people/{bo.pk}/").context["timeline"]
    kinds = [e.kind for e in timeline]
    assert kinds[0] == "person.carer_added"
    assert kinds[-1] == "person.recorded"
    assert "referral.submitted" in kinds


def test_events_cannot_be_changed_or_deleted_through_the_orm(demo):
    event = Event.objects.first()
    event.summary = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        Event.objects.filter(pk=event.pk).update(summary="rewritten")
    with pytest.raises(AppendOnlyError):
        Event.objects.all().delete()


def test_access_log_cannot_be_changed_or_deleted(client_for):
    bo = Person.objects.get(family_name="Specimen")
    client_for("worker").get(f"/people/{bo.pk}/")
    entry = AccessLogEntry.objects.get(person=bo)
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AccessLogEntry.objects.update(action="export")


@pytest.mark.parametrize("table", ["governance_event", "governance_accesslogentry"])
def test_the_database_refuses_an_update_from_raw_sql(client_for, table):
    bo = Person.objects.get(family_name="Specimen")
    client_for("worker").get(f"/people/{bo.pk}/")  # at least one access-log row
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET id = id")  # noqa: S608 - fixed table names


# SQLite has no TRUNCATE (its "DELETE FROM t" is the same thing and is refused).
STATEMENTS = ["DELETE FROM {table}"] + (
    ["TRUNCATE {table}"] if connection.vendor == "postgresql" else []
)


@pytest.mark.parametrize("table", ["governance_event", "governance_accesslogentry"])
@pytest.mark.parametrize("statement", STATEMENTS)
def test_the_database_refuses_delete_and_truncate_outside_tests(
    client_for, settings, table, statement
):
    """As in production (audit maintenance off), a DELETE, and on PostgreSQL a TRUNCATE, from
    raw SQL is refused by the trigger itself, whoever runs it."""
    bo = Person.objects.get(family_name="Specimen")
    client_for("worker").get(f"/people/{bo.pk}/")  # at least one access-log row
    before = (Event.objects.count(), AccessLogEntry.objects.count())
    with pytest.raises(DatabaseError, match="append-only"), as_in_production(settings) as cursor:
        if connection.vendor == "postgresql":
            # The test's own inserts leave foreign-key checks pending, which TRUNCATE refuses
            # before any trigger runs; in production they are long committed.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(statement.format(table=table))
    assert (Event.objects.count(), AccessLogEntry.objects.count()) == before


def test_only_the_test_settings_open_audit_maintenance(db, settings):
    """The tests may empty the tables between tests; a connection made under any other
    settings may not."""
    assert settings.AUDIT_MAINTENANCE is True  # the test settings; never from the environment
    settings.AUDIT_MAINTENANCE = False
    fresh = connection.copy()
    try:
        with fresh.cursor() as cursor:
            if fresh.vendor == "postgresql":
                cursor.execute(f"SELECT current_setting('{triggers.MAINTENANCE_SETTING}', true)")
                assert cursor.fetchone()[0] in (None, "")
            else:
                cursor.execute(f"SELECT {triggers.SQLITE_FUNCTION}()")
                assert cursor.fetchone()[0] == 0
    finally:
        fresh.close()


def test_the_triggers_come_back_after_a_migration_rebuilds_the_table(demo):
    """SQLite rebuilds a table to add a column with a default, dropping its triggers; every
    migrate puts them back."""
    from django.apps import apps

    triggers.drop_triggers(connection)
    triggers.ensure_after_migrate(apps.get_app_config("governance"), using="default")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE governance_event SET id = id")
