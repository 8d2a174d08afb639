"""The dashboard page and its files as the managers and the commissioner see them."""

import datetime as dt
import io

import pytest
import time_machine
from openpyxl import load_workbook
from pypdf import PdfReader

from enablement.governance.models import AccessLogEntry
from enablement.reporting import rules
from enablement.reporting.tests.factory import build

pytestmark = pytest.mark.django_db

TA = "?service=TA&start=2025-01&end=2025-03"


@pytest.fixture
def data(demo):
    return build(now=demo)


def test_provision_manager_sees_every_figure_with_its_chart_table_and_definition(demo, client_for):
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC), tick=False):
        response = client_for("pm.kers").get("/performance/")
    assert response.status_code == 200
    html = response.content.decode()
    for spec in rules.FIGURES.values():
        assert f'data-figure="{spec.key}"' in html
    assert html.count('role="img"') == len(rules.FIGURES)
    assert html.count("<table") == len(rules.FIGURES)
    assert html.count('data-testid="definition"') == len(rules.FIGURES)
    assert "correct when read" in html
    # The service pm.kers oversees, the last 12 months by default.
    assert "Kent Enablement and Recovery Service, all teams and hubs" in html
    assert "1 April 2025 to 31 March 2026" in html


def test_a_manager_sees_each_worker_and_a_commissioner_only_the_teams(data, client_for):
    manager = client_for("quality_manager").get("/performance/" + TA).content.decode()
    commissioner = client_for("commissioner").get("/performance/" + TA).content.decode()
    assert "Worker W2" in manager
    assert "Worker W2" not in commissioner
    assert 'data-testid="suppression-note"' in commissioner
    assert 'data-testid="suppression-note"' not in manager
    assert "(hidden: a small number)" in commissioner


def test_a_period_ending_before_it_starts_is_refused(demo, client_for):
    response = client_for("pm.kers").get("/performance/?service=KERS&start=2026-03&end=2026-01")
    html = response.content.decode()
    assert "The end month must be the same as or after the start month" in html
    assert "data-figure=" not in html


def test_a_service_the_manager_does_not_oversee_is_not_offered(data, client_for):
    client = client_for("pm.kers")
    html = client.get("/performance/" + TA).content.decode()
    assert "data-figure=" not in html
    assert "Select a valid choice" in html
    assert client.get("/performance/tables/cost.csv" + TA).status_code == 400


def _export_rows():
    return list(
        AccessLogEntry.objects.filter(action=AccessLogEntry.Action.EXPORT).values_list(
            "path", "query", "row_count"
        )
    )


def test_a_commissioners_csv_holds_the_hidden_cells_and_is_logged(data, client_for):
    before = len(_export_rows())
    response = client_for("commissioner").get("/performance/tables/referrals.csv" + TA)
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="TA-referrals-2025-01-to-2025-03.csv"'
    )
    lines = response.content.decode().splitlines()
    assert lines[0] == "Month,Received,Accepted,Not accepted,Not yet decided,Share accepted"
    assert lines[1] == "Jan 2025,10,*,*,0,*"
    assert lines[-1] == "Whole period,18,13,*,*,*"
    rows = _export_rows()
    assert len(rows) == before + 1
    assert rows[-1][0] == "/performance/tables/referrals.csv"
    assert rows[-1][2] == 4  # three months and the period


def test_the_xlsx_holds_numbers_as_numbers(data, client_for):
    response = client_for("quality_manager").get("/performance/tables/cost.xlsx" + TA)
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "Cost per episode"
    assert values[4] == (
        "Month",
        "Episodes closed",
        "Hours delivered",
        "Cost",
        "Cost per episode",
    )
    assert values[-1][0] == "Whole period"
    assert values[-1][1] == 6
    assert float(values[-1][4]) == 117.5


def test_the_outcome_change_spreadsheet_has_the_hand_counted_numbers(data, client_for):
    # test_hand_counted: SWEMWBS for Test Alpha, 3 people, 18.53 -> 21.58, +3.05, 2 improved.
    response = client_for("quality_manager").get("/performance/tables/outcome_change.xlsx" + TA)
    sheet = load_workbook(io.BytesIO(response.content)).active
    last = list(sheet.iter_rows(values_only=True))[-1]
    assert last[0] == "Short Warwick-Edinburgh Mental Wellbeing Scale (SWEMWBS)"
    assert [float(v) for v in last[1:]] == [3, 18.53, 21.58, 3.05, 2, 67]


def test_a_commissioner_s_feedback_csv_is_as_hidden_as_the_page(data, client_for):
    response = client_for("commissioner").get("/performance/tables/feedback.csv" + TA)
    lines = response.content.decode().splitlines()
    assert lines[-1] == "Whole period,5,6,*,*,*,*"


def test_the_whole_dashboard_as_a_pdf(data, client_for):
    before = len(_export_rows())
    response = client_for("commissioner").get("/performance/dashboard.pdf" + TA)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert len(_export_rows()) == before + 1
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    assert "Test Alpha, all teams and hubs: 1 January 2025 to 31 March 2025" in text
    for spec in rules.FIGURES.values():
        assert spec.title in text
    assert "a count of fewer than 5 people" in text
    assert "Worker W2" not in text


def test_an_unknown_table_is_not_found(demo, client_for):
    assert client_for("pm.kers").get("/performance/tables/nothing.csv").status_code == 404
    assert client_for("pm.kers").get("/performance/tables/cost.ods").status_code == 404


def test_the_managers_home_page_links_to_the_dashboard(demo, client_for):
    html = client_for("commissioner").get("/home/dashboard/").content.decode()
    assert 'href="/performance/"' in html
