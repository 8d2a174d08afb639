"""What a read writes to the access log, and how a provision manager reads it."""

import csv
import io

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enablement.governance import services
from enablement.governance.models import AccessLogEntry
from enablement.people.models import Person
from enablement.referrals.models import Referral

Action = AccessLogEntry.Action


def _new_rows(before: int):
    return AccessLogEntry.objects.filter(pk__gt=before)


def _last() -> int:
    return AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def test_a_list_logs_the_people_on_the_page_not_the_whole_list(client_for, user_for):
    before = _last()
    response = client_for("quality_manager").get("/api/v1/people", {"page_size": 2})
    shown = {p["id"] for p in response.json()["items"]}
    assert response.json()["count"] > 2
    rows = _new_rows(before)
    assert {r.person_id for r in rows} == shown
    assert {r.action for r in rows} == {Action.API_LIST}
    assert {r.user for r in rows} == {user_for("quality_manager")}
    assert {r.query for r in rows} == {"page_size=2"}


def test_a_search_is_logged_as_a_search_with_its_filter(client_for):
    bo = Person.objects.get(family_name="Specimen")
    before = _last()
    client_for("worker").get("/people/", {"q": "Specimen"})
    [row] = _new_rows(before)
    assert (row.person, row.action, row.path, row.query) == (
        bo,
        Action.SEARCH,
        "/people/",
        "q=Specimen",
    )


def test_a_referral_page_names_the_referral_and_its_person(client_for):
    referral = Referral.objects.get(person__family_name="Sample")
    before = _last()
    client_for("admin").get(f"/referrals/{referral.pk}/")
    viewed = _new_rows(before).get(action=Action.VIEW)
    assert (viewed.person_id, viewed.referral_id) == (referral.person_id, referral.pk)


def test_every_row_of_a_request_is_written_in_one_insert(client_for):
    with CaptureQueriesContext(connection) as queries:
        client_for("quality_manager").get("/referrals/")
    inserts = [q for q in queries if q["sql"].startswith('INSERT INTO "governance_accesslog')]
    assert len(inserts) == 1
    assert _new_rows(0).filter(action=Action.LIST).count() > 5


def test_a_refused_or_missing_record_writes_nothing(client_for):
    west = Person.objects.get(family_name="Fictional")
    waiting = Referral.objects.get(person__family_name="Facsimile")
    before = _last()
    assert client_for("worker").get(f"/people/{west.pk}/").status_code == 404
    # The door reads the referral, then refuses the admin the allocation page.
    assert client_for("admin").get(f"/allocation/referrals/{waiting.pk}/").status_code == 403
    assert not _new_rows(before).exists()


def test_an_export_is_one_row_with_its_filter_count_and_people(client_for):
    before = _last()
    response = client_for("admin").get("/referrals/export/csv/", {"status": "submitted"})
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))[1:]
    [row] = _new_rows(before)
    submitted = Referral.objects.filter(status="submitted", team__name="Kent East")
    assert row.action == Action.EXPORT
    assert row.person_id is None
    assert row.query == "status=submitted"
    assert row.row_count == len(lines) == submitted.count()
    assert set(row.exported_ids()) == {r.person_id for r in submitted}


def test_personal_data_is_never_sent_without_its_log_row(client_for, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("the database refused the insert")

    monkeypatch.setattr(services, "log_accesses", broken)
    bo = Person.objects.get(family_name="Specimen")
    with pytest.raises(RuntimeError):
        client_for("worker").get(f"/people/{bo.pk}/")


# --- The access log page -------------------------------------------------------------------


def test_filter_by_person_finds_every_access_including_exports(client_for, user_for):
    sample = Person.objects.get(family_name="Sample")
    admin = client_for("admin")
    admin.get(f"/people/{sample.pk}/")
    admin.get("/referrals/export/csv/", {"status": "submitted"})
    client_for("worker").get("/people/", {"q": "Sample"})
    page = client_for("provision_manager").get("/access-log/", {"person": sample.pk})
    found = page.context["entries"]
    assert {(e.user.username, e.action) for e in found} == {
        ("admin.east", Action.VIEW),
        ("admin.east", Action.EXPORT),
        ("worker.east", Action.SEARCH),
    }
    html = page.content.decode()
    assert "Exported" in html and "Found by a search" in html
    only_worker = client_for("provision_manager").get(
        "/access-log/", {"person": sample.pk, "user": user_for("worker").pk}
    )
    assert [e.action for e in only_worker.context["entries"]] == [Action.SEARCH]


def test_filter_by_dates(client_for):
    import datetime as dt

    from django.utils import timezone

    bo = Person.objects.get(family_name="Specimen")
    for day in (3, 5, 9):
        moment = timezone.make_aware(dt.datetime(2026, 3, day, 12))
        with time_machine.travel(moment, tick=False):
            client_for("worker").get(f"/people/{bo.pk}/")
    page = client_for("quality_manager").get(
        "/access-log/",
        {
            "person": bo.pk,
            "since_0": "4",
            "since_1": "3",
            "since_2": "2026",
            "until_0": "9",
            "until_1": "3",
            "until_2": "2026",
        },
    )
    days = sorted(e.at.day for e in page.context["entries"] if e.action == Action.VIEW)
    assert days == [5, 9]


@pytest.mark.parametrize("value", ["²", "99999999999999999999", "-1", "abc"])
def test_a_malformed_number_is_a_message_not_a_500(client_for, value):
    response = client_for("provision_manager").get("/access-log/", {"person": value})
    assert response.status_code == 200
    assert response.context["entries"] == []
    assert "Enter the person&#x27;s record number in digits" in response.content.decode()
    csv_response = client_for("provision_manager").get("/access-log/export/csv/", {"user": value})
    assert csv_response.status_code == 400


def test_a_person_outside_the_managers_services_shows_nothing(client_for):
    str_person = Person.objects.get(family_name="Demo")  # an STR person; pm.kers sees KERS
    client_for("quality_manager").get(f"/people/{str_person.pk}/")
    page = client_for("provision_manager").get("/access-log/", {"person": str_person.pk})
    assert page.context["entries"] == []


def test_a_provision_manager_sees_exports_by_their_services_staff_only(client_for):
    client_for("admin").get("/referrals/export/csv/")  # Kent East: a KERS team
    client_for("admin.bep").get("/referrals/export/csv/")  # Barnet West: BEP
    page = client_for("provision_manager").get("/access-log/")
    exporters = {e.user.username for e in page.context["entries"] if e.action == Action.EXPORT}
    assert exporters == {"admin.east"}


def test_reading_the_log_is_logged_and_its_export_is_one_export_row(client_for, user_for):
    bo = Person.objects.get(family_name="Specimen")
    client_for("worker").get(f"/people/{bo.pk}/")
    manager = client_for("provision_manager")
    before = _last()
    manager.get("/access-log/")
    assert _new_rows(before).filter(person=bo, action=Action.LIST).exists()
    before = _last()
    response = manager.get("/access-log/export/csv/", {"person": bo.pk})
    assert response["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(response.content.decode())))
    assert lines[0][:4] == ["When", "User", "User number", "Action"]
    assert any(line[1] == "Wren Worker" and line[3] == "Viewed the record" for line in lines)
    [row] = _new_rows(before)
    assert (row.action, row.user, row.row_count) == (
        Action.EXPORT,
        user_for("provision_manager"),
        len(lines) - 1,
    )
    assert row.query == f"person={bo.pk}"
