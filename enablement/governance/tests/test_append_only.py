"""The timeline and the access log can be added to, never changed or deleted."""

import pytest
from django.db import DatabaseError, connection, transaction

from enablement.governance.models import AccessLogEntry, AppendOnlyError, Event
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
