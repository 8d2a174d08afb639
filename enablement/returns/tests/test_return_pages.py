"""The return as a manager downloads it from the demo, the key refused when missing, and
commissioners kept out."""

import csv
import io
from datetime import date

import pytest
from django.test import override_settings

from enablement.casework.models import Episode
from enablement.catalogue.models import Service
from enablement.governance.models import AccessLogEntry
from enablement.returns import rules, selectors

QUERY = "start_0=1&start_1=4&start_2=2025&end_0=2&end_1=3&end_2=2026"


def _csv(client, service):
    response = client.get(f"/returns/short-term-support/csv/?service={service.pk}&{QUERY}")
    assert response.status_code == 200, response.content[:500]
    return list(csv.DictReader(io.StringIO(response.content.decode())))


@pytest.mark.django_db
def test_the_demo_return_carries_each_closed_enablements_sequel(demo_episodes, client_for):
    client = client_for("quality_manager")
    for code, family, sequel in (
        ("KERS", "Finished", "Service ended as planned"),
        ("BEN", "Closedout", "Progress to Support Planning / Services"),
    ):
        service = Service.objects.get(code=code)
        rows = _csv(client, service)
        assert rows and list(rows[0]) == list(rules.HEADERS)
        for row in rows:
            typed = dict(row)
            for name in ("Event_Start_Date", "Event_End_Date"):
                typed[name] = date.fromisoformat(row[name]) if row[name] else None
            typed["Der_Birth_Year"] = int(row["Der_Birth_Year"])
            typed["Der_Birth_Month"] = int(row["Der_Birth_Month"])
            assert rules.row_problems(typed) == [], row
        episode = Episode.objects.get(person__family_name=family)
        nhs = rules.pseudonym(
            episode.person.nhs_number, "demo-and-test-key-never-for-real-returns", kind="nhs"
        )
        [service_row] = [
            r for r in rows if r["NHS_Number_Pseudo"] == nhs and r["Event_Type"] == "Service"
        ]
        assert service_row["Event_Outcome"] == sequel
        assert service_row["Service_Type"] == "Short Term Support: ST-Max"
        assert episode.person.nhs_number not in "".join(",".join(r.values()) for r in rows)
    # One export row per file in the access log.
    assert AccessLogEntry.objects.filter(action=AccessLogEntry.Action.EXPORT).count() == 2


@pytest.mark.django_db
def test_the_page_counts_completed_enablements_by_sequel(demo_episodes, client_for):
    service = Service.objects.get(code="KERS")
    page = client_for("provision_manager").get(
        f"/returns/short-term-support/?service={service.pk}&{QUERY}"
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert "Service ended as planned" in text and "Download CSV" in text


@pytest.mark.django_db
@override_settings(RETURN_PSEUDONYM_KEY="")
def test_no_key_no_file_and_the_page_says_why(demo_episodes, client_for):
    client = client_for("quality_manager")
    service = Service.objects.get(code="KERS")
    refused = client.get(f"/returns/short-term-support/csv/?service={service.pk}&{QUERY}")
    assert refused.status_code == 400
    assert "ENABLEMENT_RETURN_KEY" in refused.content.decode()
    assert refused["Content-Type"].startswith("text/html")
    page = client.get(f"/returns/short-term-support/?service={service.pk}&{QUERY}")
    assert "Download CSV" not in page.content.decode()
    assert not AccessLogEntry.objects.filter(action=AccessLogEntry.Action.EXPORT).exists()


@pytest.mark.django_db
def test_commissioners_get_no_return(demo, client_for):
    client = client_for("commissioner")
    for path in ("", "csv/", "xlsx/"):
        assert client.get(f"/returns/short-term-support/{path}").status_code == 403


@pytest.mark.django_db
def test_status_changes_give_start_and_closure_per_closed_enablement(demo_episodes, user_for):
    import datetime as dt

    changes = selectors.status_changes(
        user_for("quality_manager"), start=dt.date(2025, 4, 1), end=dt.date(2026, 3, 2)
    )
    # The demo's two closures with a form, and an older enablement closed without one.
    recorded = [c for c in changes if c.employment_closure]
    assert len(recorded) == 2 and len(changes) == 3
    assert [c.accommodation_group_start for c in changes if not c.employment_closure] == [""]
    for c in recorded:
        assert (c.employment_start, c.employment_closure) == ("seeking_work", "voluntary")
        assert (c.accommodation_group_start, c.accommodation_group_closure) == (
            "emergency",
            "settled",
        )
    assert (
        selectors.status_changes(
            user_for("commissioner"), start=dt.date(2025, 4, 1), end=dt.date(2026, 3, 2)
        )
        == []
    )
